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
  /// A 64-bit fingerprint of ``canonicalized``, the key of the explorer's
  /// visited set (TLC keeps fingerprints the same way). Equal canonical forms
  /// give equal fingerprints; two distinct ones collide with a probability of
  /// about 2⁻⁶⁴. Every stored property is mixed in except the counters, which
  /// the canonical form zeroes, and the configuration, which one exploration
  /// never changes.
  ///
  /// - Complexity: O(*s* log *s* + *n*²) for *n* servers, without building a copy.
  package var canonicalFingerprint: UInt64 {
    var mixer = FingerprintMixer()
    // The canonical form's fields, computed in place: names are ranks (the
    // sessions are sorted by identifier), times are relative to `now`, stamps
    // are ranks, counters are left out.
    func name(_ id: SessionID) -> Int { (position(of: id) ?? -1) + 1 }
    mixer.add(sessionCount, sessions.count, servers.count)
    mixer.add(backendQueue.count)
    for id in backendQueue { mixer.add(name(id)) }
    for (index, server) in servers.enumerated() {
      // The stamp's rank among the servers', without sorting into a new array.
      var rank = 0
      for other in servers where other.leastConnectionsStamp < server.leastConnectionsStamp { rank += 1 }
      let warmingStart = isWarmingUp(ServerID(index)) ? server.cameUpAt.map { $0 - now } : nil
      mixer.add(ServerState.allCases.firstIndex(of: server.state) ?? -1, server.weight, server.maximumConnections)
      mixer.add(server.minimumConnections, server.maximumQueueLength, server.slowStart)
      mixer.add(warmingStart ?? Int.min, server.served, server.connections)
      mixer.add(max(0, server.roundRobinPass - roundRobinTime), rank, server.leastConnectionsKey)
      mixer.add(server.queue.count)
      for id in server.queue { mixer.add(name(id)) }
    }
    for (rank, session) in sessions.enumerated() {
      mixer.add(rank + 1, session.requestTime - now, session.queueKey - now, Int(session.hashKey ?? 0))
      mixer.add(session.hashKey == nil ? 0 : 1, session.assigned?.index ?? -1, session.slot?.index ?? -1)
      mixer.add(session.previous?.index ?? -1, session.isDirect ? 1 : 0, session.retriesLeft)
      mixer.add(session.wasRedispatched ? 1 : 0)
      switch session.phase {
      case .queued(let queue, let deadline):
        let index: Int
        switch queue {
        case .backend: index = -1
        case .server(let server): index = server.index
        }
        mixer.add(1, index, deadline.map { $0 - now } ?? Int.min)
      case .dequeued: mixer.add(2)
      case .redistributed: mixer.add(3)
      case .connecting: mixer.add(4)
      case .turnaround(let until): mixer.add(5, until - now)
      case .established: mixer.add(6)
      }
    }
    guard let rounds = fastRoundRobin else {
      mixer.add(-1)
      return mixer.value
    }
    mixer.add(rounds.currentPosition, rounds.currentWeight, rounds.nextWeight, rounds.insertions)
    mixer.add(rounds.initial.rank, rounds.later.rank)
    for server in rounds.place.indices {
      mixer.add(rounds.place[server].rank, rounds.key[server], rounds.order[server])
      mixer.add(rounds.nextPosition[server], rounds.lastPosition[server], rounds.remainder[server])
    }
    return mixer.value
  }
}

extension ReferenceBalancer.FastWeightedRoundRobin.Place {
  /// A number for the fingerprint.
  var rank: Int {
    switch self {
    case .none: 0
    case .current: 1
    case .tree0: 2
    case .tree1: 3
    }
  }
}

/// A word-at-a-time 64-bit mixer: deterministic in every process, unlike
/// Swift's `Hasher`, and a multiply and a shift per word.
struct FingerprintMixer {
  private(set) var value: UInt64 = 0x243F_6A88_85A3_08D3

  mutating func add(_ word: Int) {
    value = (value ^ UInt64(bitPattern: Int64(word))) &* 0x9E37_79B9_7F4A_7C15
    value ^= value >> 29
  }

  // Fixed arities, not a variadic list, which would allocate an array per call.
  mutating func add(_ a: Int, _ b: Int) {
    add(a)
    add(b)
  }

  mutating func add(_ a: Int, _ b: Int, _ c: Int) {
    add(a, b)
    add(c)
  }

  mutating func add(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
    add(a, b)
    add(c, d)
  }

  mutating func add(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ e: Int) {
    add(a, b, c)
    add(d, e)
  }
}
