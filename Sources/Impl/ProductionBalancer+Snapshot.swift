public import AllServedCore

extension ProductionBalancer {
  /// Everything the balancer knows, in the model's terms.
  ///
  /// - Complexity: O(*s* log *s* + *n*) for *s* sessions and *n* servers: the
  ///   store keeps handles, not identifier order, so the sessions are sorted here.
  public var snapshot: Snapshot {
    let serverSnapshots = servers.indices.map { index in
      let server = servers[index]
      return ServerSnapshot(
        state: server.state, weight: server.weight,
        maximumConnections: server.maximumConnections,
        minimumConnections: server.minimumConnections,
        maximumQueueLength: server.maximumQueueLength, isUsable: isUsable(index),
        isWarmingUp: isWarmingUp(index), limit: limit(index), served: server.served,
        connections: server.connections, queue: queuedIDs(index), queueLength: queues[index].count,
        counters: server.counters)
    }
    let pendingCount = queues.reduce(0) { $0 + $1.count }
    var live = (0..<sessions.capacity).filter { sessions.phase[$0] != .free }
    live.sort { sessions.identifier[$0] < sessions.identifier[$1] }
    return Snapshot(
      now: now,
      backend: BackendSnapshot(
        sessionCount: sessionCount, queue: queuedIDs(backendQueue),
        queueLength: queues[backendQueue].count, totalPending: pendingCount, counters: backendCounters),
      servers: serverSnapshots,
      sessions: live.map { at in
        let handle = Int32(at)
        let assigned = sessions.assigned[at]
        let flags = sessions.flags[at]
        return SessionSnapshot(
          id: sessions.id(handle), phase: phase(of: handle), requestTime: sessions.requestTime[at],
          assigned: assigned >= 0 ? ServerID(Int(assigned)) : nil,
          slot: flags.contains(.ownsSlot) ? ServerID(Int(assigned)) : nil,
          previous: sessions.previous[at] >= 0 ? ServerID(Int(sessions.previous[at])) : nil,
          isDirect: flags.contains(.direct), retriesLeft: Int(sessions.retriesLeft[at]),
          wasRedispatched: flags.contains(.redispatched))
      })
  }

  /// The identifiers in queue `queue`, head first.
  func queuedIDs(_ queue: Int) -> [SessionID] {
    sessions.waiting.elements(of: queues[queue]).map { sessions.id($0) }
  }

  /// The session's phase in the model's terms.
  func phase(of session: Int32) -> SessionPhase {
    let at = Int(session)
    switch sessions.phase[at] {
    case .queued:
      return .queued(
        queueID(queue(of: session)),
        deadline: sessions.flags[at].contains(.hasTimer) ? sessions.timer[at] : nil)
    case .dequeued: return .dequeued
    case .redistributed, .placing, .free: return .redistributed
    case .connecting: return .connecting
    case .turnaround: return .turnaround(until: sessions.timer[at])
    case .established: return .established
    }
  }
}
