import AllServedCore

extension ReferenceBalancer {
  /// R-USABLE: the balancer may pick the server, and it may serve the backend queue.
  func isUsable(_ server: ServerID) -> Bool {
    servers[server.index].state == .running && servers[server.index].weight > 0
  }

  /// R-DYN-SLOWSTART: the server came up less than `slowstart` ago, whatever
  /// its state since (HAProxy keeps `SRV_WARMINGUP` when the server goes down).
  func isWarmingUp(_ server: ServerID) -> Bool {
    let current = servers[server.index]
    guard current.slowStart > 0, let start = current.cameUpAt else { return false }
    return now < start + current.slowStart
  }

  /// R-DYN-LIMIT: HAProxy's `srv_dynamic_maxconn`, after 28a9e529f. 0 when `maxconn` is 0.
  func limit(_ server: ServerID) -> Int {
    let current = servers[server.index]
    guard current.maximumConnections > 0 else { return 0 }
    let full = configuration.fullConnections
    var maximum = current.maximumConnections
    if sessionCount < full && current.minimumConnections != current.maximumConnections {
      maximum = max(current.minimumConnections, sessionCount * current.maximumConnections / full)
    }
    // R-DYN-SLOWSTART: the ramp, never below one slot.
    if isWarmingUp(server), let start = current.cameUpAt {
      let ratio = 100 * (now - start) / current.slowStart
      maximum = max(1, maximum * ratio / 100)
    }
    return maximum
  }

  /// R-ROOM: the server may take one more slot owner.
  func hasRoom(_ server: ServerID) -> Bool {
    servers[server.index].maximumConnections == 0 || servers[server.index].served < limit(server)
  }

  /// R-LB-ELIGIBLE: the balancer may give a newcomer this server. A server with
  /// waiters is never eligible, so newcomers cannot overtake them (7c669d7e0).
  func isEligible(_ server: ServerID) -> Bool {
    let current = servers[server.index]
    return isUsable(server)
      && (current.maximumConnections == 0
        || (current.queue.isEmpty && current.served < limit(server)))
  }
}
