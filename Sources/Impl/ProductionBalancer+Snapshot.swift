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
      serverSnapshots.append(serverSnapshot(index, queue: queuedIDs(index)))
    }
    var live: [(id: Int, handle: Int)] = []
    live.reserveCapacity(sessions.liveCount)
    for handle in 0..<sessions.capacity where sessions.status[handle].phase != .free {
      live.append((sessions.identifier[handle], handle))
    }
    live.sort { $0.id < $1.id }
    var sessionSnapshots: [SessionSnapshot] = []
    sessionSnapshots.reserveCapacity(live.count)
    for (_, at) in live {
      sessionSnapshots.append(sessionSnapshot(Int32(at)))
    }
    return Snapshot(
      now: now, backend: backendSnapshot(queue: queuedIDs(backendQueue)), servers: serverSnapshots,
      sessions: sessionSnapshots)
  }

  /// Whether ``snapshot`` would equal `expected`, found without building it:
  /// the same parts are compared, each queue is walked against the expected
  /// one, and each expected session is looked up by identifier.
  ///
  /// - Complexity: O(*s* + *q* + *n*), and no allocation.
  public func hasSnapshot(equalTo expected: Snapshot) -> Bool {
    guard expected.now == now, expected.servers.count == servers.count,
      expected.sessions.count == sessions.liveCount,
      expected.backend == backendSnapshot(queue: expected.backend.queue),
      hasQueue(backendQueue, equalTo: expected.backend.queue)
    else { return false }
    for index in servers.indices {
      let server = expected.servers[index]
      guard server == serverSnapshot(index, queue: server.queue), hasQueue(index, equalTo: server.queue) else {
        return false
      }
    }
    // The snapshot lists sessions by strictly increasing identifier; with
    // as many live ones, finding each listed one live and equal is equality.
    var previous = Int.min
    for session in expected.sessions {
      guard session.id.number > previous, let handle = sessions.handle(of: session.id),
        session == sessionSnapshot(handle)
      else { return false }
      previous = session.id.number
    }
    return true
  }

  /// Server `index` in a snapshot, with `queue` as its queue.
  private func serverSnapshot(_ index: Int, queue: [SessionID]) -> ServerSnapshot {
    let server = servers[index]
    return ServerSnapshot(
      state: server.state, weight: server.weight, maximumConnections: server.maximumConnections,
      minimumConnections: server.minimumConnections, maximumQueueLength: server.maximumQueueLength,
      isUsable: isUsable(index), isWarmingUp: isWarmingUp(index), limit: limit(index), served: server.served,
      connections: server.connections, queue: queue, queueLength: queues[index].count, counters: server.counters)
  }

  /// The backend in a snapshot, with `queue` as its queue.
  private func backendSnapshot(queue: [SessionID]) -> BackendSnapshot {
    var pendingCount = 0
    for queue in queues { pendingCount += queue.count }
    return BackendSnapshot(
      sessionCount: sessionCount, queue: queue, queueLength: queues[backendQueue].count,
      totalPending: pendingCount, counters: backendCounters)
  }

  /// Live session `handle` in a snapshot.
  private func sessionSnapshot(_ handle: Int32) -> SessionSnapshot {
    let at = Int(handle)
    let assigned = sessions.records[at].assigned
    let flags = sessions.status[at].flags
    return SessionSnapshot(
      id: sessions.id(handle), phase: phase(of: handle), requestTime: sessions.times[at].requestTime,
      assigned: assigned >= 0 ? ServerID(Int(assigned)) : nil,
      slot: flags.contains(.ownsSlot) ? ServerID(Int(assigned)) : nil,
      previous: sessions.records[at].previous >= 0 ? ServerID(Int(sessions.records[at].previous)) : nil,
      isDirect: flags.contains(.direct), retriesLeft: Int(sessions.records[at].retriesLeft),
      wasRedispatched: flags.contains(.redispatched), queueKey: sessions.queueKey(handle))
  }

  /// Whether queue `queue` holds exactly `expected`, head first.
  private func hasQueue(_ queue: Int, equalTo expected: [SessionID]) -> Bool {
    var cursor = queues[queue].first
    for id in expected {
      guard cursor >= 0, sessions.identifier[Int(cursor)] == id.number else { return false }
      cursor = sessions.waiting[Int(cursor)].next
    }
    return cursor < 0
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
      cursor = sessions.waiting[Int(cursor)].next
    }
    return result
  }

  /// The session's phase in the model's terms.
  func phase(of session: Int32) -> SessionPhase {
    let at = Int(session)
    switch sessions.status[at].phase {
    case .queued:
      return .queued(
        queueID(queue(of: session)),
        deadline: sessions.status[at].flags.contains(.hasTimer) ? sessions.times[at].timer : nil)
    case .dequeued: return .dequeued
    case .redistributed, .placing, .free: return .redistributed
    case .connecting: return .connecting
    case .turnaround: return .turnaround(until: sessions.times[at].timer)
    case .established: return .established
    }
  }
}
