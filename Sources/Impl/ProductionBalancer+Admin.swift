import AllServedCore

extension ProductionBalancer {
  /// R-STATE-TRANSITIONS: a health check or an administrator changes the server's state.
  ///
  /// - Complexity: O(*w* + *h* log *n*) for *w* waiters redistributed and *h* handovers.
  mutating func setState(_ id: ServerID, _ state: ServerState) -> Effect {
    guard isServer(id) else { return .rejected(.unknownServer(id)) }
    let server = id.index
    let old = servers[server].state
    // R-ADMIN-NO-CHANGE
    guard old != state else { return .unchanged(server: id) }
    let wasUsable = isUsable(server)
    servers[server].state = state
    noteUsability(server, wasUsable: wasUsable, oldWeight: servers[server].weight)
    touch(server, always: true)
    var redistributed: [SessionID] = []
    // R-STATE-REDISTRIBUTE: leaving the balancer (going down, to maintenance or
    // to drain), under `option redispatch` the server's waiters are unbound and
    // woken to be balanced again; nothing happens to its slot owners.
    if old.isUp && state != .running && configuration.redispatch && !isMutated(.downKeepsWaiters) {
      redistributed.reserveCapacity(queues[server].count)
      while queues[server].first >= 0 {
        let session = queues[server].first
        redistributed.append(sessions.id(session))
        unlink(session)
        if !isMutated(.redistributionKeepsDirect) { sessions.status[Int(session)].flags.remove(.direct) }
        // R-26-REDISTRIBUTE-PREVIOUS: HAProxy 2.6 keeps the server as the stream's target.
        if configuration.semantics.redistributionKeepsPrevious { sessions.records[Int(session)].previous = Int32(server) }
        sessions.records[Int(session)].assigned = -1
        wake(session, as: .redistributed)
      }
    }
    // R-SLOWSTART-WARMUP: coming up starts the warm-up clock.
    if !old.isUp && state.isUp {
      servers[server].cameUpAt = now
      listWarming(server)
      refresh(server)
    }
    // R-STATE-UP-DEQUEUE: coming up, or back from drain, the server dequeues
    // with reservation like any release point (111ea83ed).
    let comingUp = !old.isUp && state.isUp
    if (state == .running || comingUp) && !(comingUp && isMutated(.comingUpWithoutDequeue)) { dequeue(server) }
    return .stateChanged(server: id, from: old, to: state, redistributed: redistributed)
  }

  /// R-WEIGHT-CHANGE: `set weight`; the server then dequeues, since weight 0 → n
  /// makes it usable again.
  mutating func setWeight(_ id: ServerID, _ weight: Int) -> Effect {
    guard isServer(id) else { return .rejected(.unknownServer(id)) }
    guard (0...Limits.maximumWeight).contains(weight) else {
      return .rejected(.outOfRange(.weight, weight))
    }
    let server = id.index
    let old = servers[server].weight
    guard old != weight else { return .unchanged(server: id) }  // R-ADMIN-NO-CHANGE
    let wasUsable = isUsable(server)
    servers[server].weight = weight
    noteUsability(server, wasUsable: wasUsable, oldWeight: old)
    touch(server, always: true)
    if !isMutated(.weightChangeWithoutDequeue) { dequeue(server) }
    return .weightChanged(server: id, from: old, to: weight)
  }

  /// R-MAXCONN-CHANGE: `set maxconn server`. A static limit stays static; a
  /// lower limit evicts nobody; the server then dequeues.
  mutating func setMaximumConnections(_ id: ServerID, _ limit: Int) -> Effect {
    guard isServer(id) else { return .rejected(.unknownServer(id)) }
    guard (0...Limits.maximumCount).contains(limit) else {
      return .rejected(.outOfRange(.maximumConnections, limit))
    }
    let server = id.index
    let current = servers[server]
    let old = current.maximumConnections
    guard old != limit else { return .unchanged(server: id) }  // R-ADMIN-NO-CHANGE
    if current.minimumConnections == old || current.minimumConnections > limit {
      servers[server].minimumConnections = limit
    }
    servers[server].maximumConnections = limit
    refresh(server)
    if !isMutated(.maximumConnectionsChangeWithoutDequeue) { dequeue(server) }
    return .maximumConnectionsChanged(server: id, from: old, to: limit)
  }

  /// R-SHUTDOWN-SESSIONS: every session owning a slot on the server is killed
  /// (502), in identifier order, each ending as any session does.
  ///
  /// - Complexity: O(*k* log *k* + *h* log *n*) for *k* slot owners; HAProxy
  ///   walks the server's own session list the same way.
  mutating func shutdownSessions(_ id: ServerID) -> Effect {
    guard isServer(id) else { return .rejected(.unknownServer(id)) }
    let server = id.index
    let reverse = isMutated(.shutdownReverseOrder)
    let victims = sessions.owners.elements(of: owners[server]).sorted {
      (sessions.identifier[Int($0)] < sessions.identifier[Int($1)]) != reverse
    }
    for session in victims {
      servers[server].counters.killed += 1
      backendCounters.killed += 1
      end(session)
    }
    return .killed(server: id, sessions: victims.map { sessions.id($0) })
  }

  /// Keeps the usable count and the hash map in step with a state or weight change.
  mutating func noteUsability(_ server: Int, wasUsable: Bool, oldWeight: Int) {
    let usable = isUsable(server)
    if usable != wasUsable { usableCount += usable ? 1 : -1 }
    hashMapIsStale = true
    // R-26-ROUNDROBIN-FWRR: entering, leaving or reweighing moves the server in 2.6's round robin.
    guard fastRoundRobin != nil else { return }
    let weight = servers[server].weight
    switch (wasUsable, usable) {
    case (true, false): fastRoundRobin!.remove(server, oldWeight: oldWeight)
    case (false, true): fastRoundRobin!.add(server, weight: weight)
    case (true, true) where oldWeight != weight: fastRoundRobin!.reweigh(server, from: oldWeight, to: weight)
    default: break
    }
  }
}
