import AllServedCore

extension ReferenceBalancer {
  /// R-STATE-TRANSITIONS: a health check or an administrator changes the server's state.
  mutating func setState(_ server: ServerID, _ state: ServerState) -> Effect {
    guard isServer(server) else { return .rejected(.unknownServer(server)) }
    let old = servers[server.index].state
    // R-ADMIN-NO-CHANGE
    guard old != state else { return .unchanged(server: server) }
    let wasUsable = isUsable(server)
    servers[server.index].state = state
    noteBalancing(server, wasUsable: wasUsable, oldWeight: servers[server.index].weight)
    touch(server, always: true)
    var redistributed: [SessionID] = []
    // R-STATE-REDISTRIBUTE: leaving the balancer (going down, to maintenance or
    // to drain), under `option redispatch` the server's waiters are unbound and
    // woken to be balanced again; nothing happens to its slot owners.
    if old.isUp && state != .running && configuration.redispatch {
      redistributed = servers[server.index].queue
      let keepsPrevious = configuration.semantics.redistributionKeepsPrevious
      for id in redistributed {
        unlink(id)
        update(id) {
          $0.isDirect = false
          $0.assigned = nil
          $0.phase = .redistributed
          // R-26-REDISTRIBUTE-PREVIOUS: HAProxy 2.6 keeps the server as the stream's target.
          if keepsPrevious { $0.previous = server }
        }
      }
    }
    // R-SLOWSTART-WARMUP: coming up starts the warm-up clock.
    if !old.isUp && state.isUp { servers[server.index].cameUpAt = now }
    // R-STATE-UP-DEQUEUE: coming up, or back from drain, the server dequeues
    // with reservation like any release point (111ea83ed).
    if state == .running || (!old.isUp && state.isUp) { dequeue(server) }
    return .stateChanged(server: server, from: old, to: state, redistributed: redistributed)
  }

  /// R-WEIGHT-CHANGE: `set weight`; the server then dequeues, since weight 0 → n
  /// makes it usable again.
  mutating func setWeight(_ server: ServerID, _ weight: Int) -> Effect {
    guard isServer(server) else { return .rejected(.unknownServer(server)) }
    guard (0...Limits.maximumWeight).contains(weight) else {
      return .rejected(.outOfRange(.weight, weight))
    }
    let old = servers[server.index].weight
    guard old != weight else { return .unchanged(server: server) }  // R-ADMIN-NO-CHANGE
    let wasUsable = isUsable(server)
    servers[server.index].weight = weight
    noteBalancing(server, wasUsable: wasUsable, oldWeight: old)
    touch(server, always: true)
    dequeue(server)
    return .weightChanged(server: server, from: old, to: weight)
  }

  /// R-MAXCONN-CHANGE: `set maxconn server`. A static limit stays static; a
  /// lower limit evicts nobody; the server then dequeues.
  mutating func setMaximumConnections(_ server: ServerID, _ limit: Int) -> Effect {
    guard isServer(server) else { return .rejected(.unknownServer(server)) }
    guard (0...Limits.maximumCount).contains(limit) else {
      return .rejected(.outOfRange(.maximumConnections, limit))
    }
    let current = servers[server.index]
    let old = current.maximumConnections
    guard old != limit else { return .unchanged(server: server) }  // R-ADMIN-NO-CHANGE
    if current.minimumConnections == old || current.minimumConnections > limit {
      servers[server.index].minimumConnections = limit
    }
    servers[server.index].maximumConnections = limit
    dequeue(server)
    return .maximumConnectionsChanged(server: server, from: old, to: limit)
  }

  /// R-SHUTDOWN-SESSIONS: every session owning a slot on the server is killed
  /// (502), in identifier order, each ending as any session does.
  mutating func shutdownSessions(_ server: ServerID) -> Effect {
    guard isServer(server) else { return .rejected(.unknownServer(server)) }
    let victims = sessions.filter { $0.slot == server }.map(\.id)
    for id in victims {
      servers[server.index].counters.killed += 1
      backendCounters.killed += 1
      end(id)
    }
    return .killed(server: server, sessions: victims)
  }
}
