import AllServedCore

extension ReferenceBalancer {
  /// The state with everything that cannot change future behaviour forgotten,
  /// for bounded exhaustive exploration: two states with equal canonical forms
  /// accept the same event sequences with the same outcomes, up to session
  /// names and counters.
  ///
  /// - Sessions are renamed 1, 2, … in identifier order, which keeps every
  ///   comparison the rules make (freshness, kill order, FIFO keys).
  /// - Time is shifted so that `now` is 0; only differences of times matter.
  ///   A warm-up that has ended is forgotten.
  /// - Counters are dropped: no rule reads them.
  /// - Round-robin turns are taken relative to the virtual time, and turns
  ///   already passed are all "now"; leastconn stamps become ranks.
  ///
  /// Servers are not permuted: ties break by index (`R-LB-ROUNDROBIN`,
  /// `R-LB-LEASTCONN`, `R-TIME-WARMUP-DEQUEUE`), so two servers with the same
  /// settings are still not interchangeable.
  ///
  /// - Complexity: O(*s* log *s* + *n* log *n*).
  package var canonicalized: ReferenceBalancer {
    var copy = self
    var names: [SessionID: SessionID] = [:]
    for (rank, session) in sessions.enumerated() { names[session.id] = SessionID(rank + 1) }
    func name(_ id: SessionID) -> SessionID { names[id] ?? id }
    func shifted(_ phase: SessionPhase) -> SessionPhase {
      switch phase {
      case .queued(let queue, let deadline): .queued(queue, deadline: deadline.map { $0 - now })
      case .turnaround(let until): .turnaround(until: until - now)
      case .dequeued, .redistributed, .connecting, .established: phase
      }
    }
    copy.sessions = sessions.map { session in
      var renamed = Session(
        id: name(session.id), phase: shifted(session.phase), requestTime: session.requestTime - now,
        queueKey: session.queueKey - now, hashKey: session.hashKey, retriesLeft: session.retriesLeft)
      renamed.assigned = session.assigned
      renamed.slot = session.slot
      renamed.previous = session.previous
      renamed.isDirect = session.isDirect
      renamed.wasRedispatched = session.wasRedispatched
      return renamed
    }
    copy.backendQueue = backendQueue.map(name)
    let ranks = servers.indices.sorted { servers[$0].leastConnectionsStamp < servers[$1].leastConnectionsStamp }
    for (rank, index) in ranks.enumerated() { copy.servers[index].leastConnectionsStamp = rank }
    for index in servers.indices {
      copy.servers[index].queue = servers[index].queue.map(name)
      copy.servers[index].counters = Counters()
      copy.servers[index].roundRobinPass = max(0, servers[index].roundRobinPass - roundRobinTime)
      copy.servers[index].cameUpAt = isWarmingUp(ServerID(index)) ? servers[index].cameUpAt.map { $0 - now } : nil
    }
    copy.backendCounters = Counters()
    copy.highestSessionID = sessions.count
    copy.leastConnectionsClock = servers.count
    copy.roundRobinTime = 0
    copy.now = 0
    return copy
  }
}

extension ReferenceBalancer {
  /// About how many bytes the value holds, inline and in its arrays: the cost
  /// of one stored state in exhaustive exploration.
  package var approximateBytes: Int {
    MemoryLayout<Self>.stride + servers.count * MemoryLayout<Server>.stride
      + sessions.count * MemoryLayout<Session>.stride
      + (backendQueue.count + servers.reduce(0) { $0 + $1.queue.count }) * MemoryLayout<SessionID>.stride
      + (servers.count + 2) * 32  // array headers
  }
}
