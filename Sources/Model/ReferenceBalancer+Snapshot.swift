public import AllServedCore

extension ReferenceBalancer {
  /// Everything the model knows, as a comparable value.
  ///
  /// - Complexity: O(*s* + *q* + *n*) for *s* sessions, *q* queued and *n* servers.
  public var snapshot: Snapshot {
    var serverSnapshots: [ServerSnapshot] = []
    serverSnapshots.reserveCapacity(servers.count)
    for index in servers.indices {
      let id = ServerID(index)
      let server = servers[index]
      serverSnapshots.append(
        ServerSnapshot(
          state: server.state, weight: server.weight,
          maximumConnections: server.maximumConnections,
          minimumConnections: server.minimumConnections,
          maximumQueueLength: server.maximumQueueLength, isUsable: isUsable(id),
          isWarmingUp: isWarmingUp(id), limit: limit(id), served: server.served,
          connections: server.connections, queue: server.queue, queueLength: server.queue.count,
          counters: server.counters))
    }
    let pending = backendQueue.count + servers.reduce(0) { $0 + $1.queue.count }
    return Snapshot(
      now: now,
      backend: BackendSnapshot(
        sessionCount: sessionCount, queue: backendQueue, queueLength: backendQueue.count,
        totalPending: pending, counters: backendCounters),
      servers: serverSnapshots,
      sessions: sessions.map { session in
        SessionSnapshot(
          id: session.id, phase: session.phase, requestTime: session.requestTime,
          assigned: session.assigned, slot: session.slot, previous: session.previous,
          isDirect: session.isDirect, retriesLeft: session.retriesLeft,
          wasRedispatched: session.wasRedispatched, queueKey: session.queueKey)
      })
  }
}
