import AllServedCore

/// What `assign_server_and_queue` returned.
enum AssignmentResult: Hashable {
  case granted(Int)
  case queued(QueueID)
  /// The bound server's queue is at `maxqueue` (`SRV_STATUS_FULL` with `srv` set).
  case full(Int)
  case noServer
}

extension ProductionBalancer {
  /// An arrival: HAProxy's accept, cookie parsing and first connection request.
  mutating func arrive(_ id: SessionID, cookie: ServerID?, hashKey: UInt32?) -> Effect {
    // R-ARRIVE-FRESH-ID
    guard id.number > highestSessionID else {
      return .rejected(.sessionIDNotFresh(id, mustExceed: highestSessionID))
    }
    if let cookie, !isServer(cookie) { return .rejected(.unknownServer(cookie)) }
    highestSessionID = id.number
    // R-ARRIVE-COUNT: the request counts in beconn, and so in every dynamic limit, first.
    changeSessionCount(by: 1)
    let session = sessions.allocate(id, requestTime: now, retries: configuration.retries, hashKey: hashKey)
    // R-PERSIST-COOKIE: a cookie binds to an up server, or to any server under `option persist`.
    if let cookie, servers[cookie.index].state.isUp || configuration.persist || isMutated(.cookieBindsDownServer) {
      sessions.status[Int(session)].flags.insert(.direct)
      sessions.records[Int(session)].assigned = Int32(cookie.index)
    }
    return .placed(place(session))
  }

  /// HAProxy's `srv_redispatch_connect`: assignment, and at most one redispatch of
  /// a DIRECT request that found its server's queue full. `rebalancing` sends a
  /// bound request through the balancer (R-REDISPATCH-LAST-RETRY).
  mutating func place(_ session: Int32, rebalancing: Bool = false) -> Placement {
    let first = assignAndQueue(session, rebalancing: rebalancing)
    let at = Int(session)
    // R-REDISPATCH-FULL-DIRECT: once, because the request is no longer DIRECT after it.
    if case .full(let server) = first, sessions.status[at].flags.contains(.direct),
      configuration.redispatch || isMutated(.fullRedispatchWithoutOption)
    {
      sessions.status[at].flags.remove(.direct)
      sessions.records[at].assigned = -1
      sessions.records[at].previous = Int32(server)
      return .redispatched(from: ServerID(server), settle(session, assignAndQueue(session)))
    }
    return settle(session, first)
  }

  /// Acts on an assignment result: connect, wait, or answer 503 and end.
  mutating func settle(_ session: Int32, _ result: AssignmentResult) -> Placement {
    switch result {
    case .granted(let server):
      connect(session, to: server)
      return .granted(server: ServerID(server))
    case .queued(let queue):
      return .queued(queue)
    case .full(let server):
      // R-MAXQUEUE-FULL: a clean 503, charged to the server.
      servers[server].counters.failedConnections += 1
      backendCounters.failedConnections += 1
      backendCounters.serviceUnavailable += 1
      end(session)
      return .refused(.serverQueueFull(ServerID(server)))
    case .noServer:
      // R-LB-NO-SERVER
      backendCounters.failedConnections += 1
      backendCounters.serviceUnavailable += 1
      end(session)
      return .refused(.noServer)
    }
  }

  /// HAProxy's `assign_server_and_queue`: balance if unbound, then reserve, queue or report FULL.
  mutating func assignAndQueue(_ session: Int32, rebalancing: Bool = false) -> AssignmentResult {
    let at = Int(session)
    let server: Int
    if !rebalancing && sessions.records[at].assigned >= 0 {
      server = Int(sessions.records[at].assigned)
    } else {
      let selection = assignServer(session)
      countRedispatch(session)
      switch selection {
      case .noServer:
        return .noServer
      case .full:
        // R-ASSIGN-QUEUE-BACKEND: no eligible server; the backend queue has no limit.
        enqueue(session, on: backendQueue)
        return .queued(.backend)
      case .server(let chosen):
        server = chosen
      }
    }
    // A dequeued request, or one that took its own slot back, is done.
    if sessions.status[at].flags.contains(.ownsSlot) { return .granted(server) }
    let current = servers[server]
    // R-ASSIGN-QUEUE-SERVER: behind the server's waiters, or when it is full.
    let full = current.served + (isMutated(.maximumConnectionsOffByOne) ? 0 : 1) > limit(server)
    if current.maximumConnections > 0 && (!queues[server].isEmpty || full) {
      // R-MAXQUEUE-FULL
      let waiting = queues[server].count + (isMutated(.maximumQueueOffByOne) ? -1 : 0)
      if current.maximumQueueLength > 0 && waiting >= current.maximumQueueLength {
        return .full(server)
      }
      enqueue(session, on: server)
      return .queued(.server(ServerID(server)))
    }
    // R-ASSIGN-RESERVE
    reserve(session, on: server)
    return .granted(server)
  }

  /// HAProxy's `assign_server` as of 7c669d7e0.
  ///
  /// R-REDISPATCH-KEEP-SLOT: a slot owner gives its slot up only while the
  /// balancer decides. Back on the same server, it takes the very same slot
  /// back without queueing; elsewhere, the slot goes to that server's waiters
  /// before anything else happens.
  mutating func assignServer(_ session: Int32) -> Selection {
    let at = Int(session)
    let held = sessions.status[at].flags.contains(.ownsSlot) ? Int(sessions.records[at].assigned) : -1
    release(session)
    sessions.records[at].assigned = -1
    let selection = select(avoiding: Int(sessions.records[at].previous), hashKey: sessions.key(session))
    if case .server(let chosen) = selection { sessions.records[at].assigned = Int32(chosen) }
    if held >= 0 {
      if selection == .server(held) && !isMutated(.redispatchDropsSlot) {
        reserve(session, on: held)
      } else {
        dequeue(held)  // R-RELEASE-THEN-DEQUEUE
      }
    }
    return selection
  }

  /// R-REDISPATCH-ACCOUNTING: after balancing a request that has a previous
  /// server, a change of server counts as a redispatch, no change as a retry.
  mutating func countRedispatch(_ session: Int32) {
    let at = Int(session)
    let previous = Int(sessions.records[at].previous)
    guard previous >= 0 else { return }
    if Int(sessions.records[at].assigned) != previous {
      servers[previous].counters.redispatches += 1
      backendCounters.redispatches += 1
      sessions.status[at].flags.insert(.redispatched)
    } else {
      servers[previous].counters.retries += 1
      backendCounters.retries += 1
    }
  }

  func isServer(_ id: ServerID) -> Bool { id.index >= 0 && id.index < servers.count }
}
