public import AllServedCore

extension ProductionBalancer {
  /// Everything the balancer knows, in the model's terms.
  ///
  /// - Complexity: O(*s* log *s* + *n*) for *s* sessions and *n* servers: the
  ///   store keeps handles, not identifier order, so the sessions are sorted here.
  public var snapshot: Snapshot {
    // Plain loops: a closure here would capture, and so copy, the whole balancer.
    var serverSnapshots: [ServerSnapshot] = []
    serverSnapshots.reserveCapacity(servers.count)
    for index in servers.indices {
      let server = servers[index]
      serverSnapshots.append(
        ServerSnapshot(
          state: server.state, weight: server.weight,
          maximumConnections: server.maximumConnections,
          minimumConnections: server.minimumConnections,
          maximumQueueLength: server.maximumQueueLength, isUsable: isUsable(index),
          isWarmingUp: isWarmingUp(index), limit: limit(index), served: server.served,
          connections: server.connections, queue: queuedIDs(index), queueLength: queues[index].count,
          counters: server.counters))
    }
    var pendingCount = 0
    for queue in queues { pendingCount += queue.count }
    var live: [(id: Int, handle: Int)] = []
    live.reserveCapacity(sessions.liveCount)
    for handle in 0..<sessions.capacity where sessions.phase[handle] != .free {
      live.append((sessions.identifier[handle], handle))
    }
    live.sort { $0.id < $1.id }
    var sessionSnapshots: [SessionSnapshot] = []
    sessionSnapshots.reserveCapacity(live.count)
    for (_, at) in live {
      let handle = Int32(at)
      let assigned = sessions.assigned[at]
      let flags = sessions.flags[at]
      sessionSnapshots.append(
        SessionSnapshot(
          id: sessions.id(handle), phase: phase(of: handle), requestTime: sessions.requestTime[at],
          assigned: assigned >= 0 ? ServerID(Int(assigned)) : nil,
          slot: flags.contains(.ownsSlot) ? ServerID(Int(assigned)) : nil,
          previous: sessions.previous[at] >= 0 ? ServerID(Int(sessions.previous[at])) : nil,
          isDirect: flags.contains(.direct), retriesLeft: Int(sessions.retriesLeft[at]),
          wasRedispatched: flags.contains(.redispatched), queueKey: sessions.queueKey(handle)))
    }
    return Snapshot(
      now: now,
      backend: BackendSnapshot(
        sessionCount: sessionCount, queue: queuedIDs(backendQueue),
        queueLength: queues[backendQueue].count, totalPending: pendingCount, counters: backendCounters),
      servers: serverSnapshots, sessions: sessionSnapshots)
  }

  /// The storage handle of live session `id` (a test hook: handles are reused).
  package func handle(of id: SessionID) -> Int? {
    sessions.handle(of: id).map(Int.init)
  }

  /// The identifiers in queue `queue`, head first.
  func queuedIDs(_ queue: Int) -> [SessionID] {
    var result: [SessionID] = []
    result.reserveCapacity(queues[queue].count)
    var cursor = queues[queue].first
    while cursor >= 0 {
      result.append(SessionID(sessions.identifier[Int(cursor)]))
      cursor = sessions.waiting.next[Int(cursor)]
    }
    return result
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
