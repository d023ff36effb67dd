package import AllServedCore

extension ReferenceBalancer {
  /// The state with everything that cannot change future behaviour forgotten,
  /// for bounded exhaustive exploration: two states with equal canonical forms
  /// accept the same event sequences with the same outcomes, up to a renaming
  /// of sessions, counters and the fields the rules no longer read.
  ///
  /// - Sessions are a multiset. Each is described by what the rules can still
  ///   read of it (``canonicalWords(of:)``), its place in its queue included;
  ///   the descriptions are sorted and the sessions renamed 1, 2, … in that
  ///   order. Identifier order is read by one rule only, the kill order of
  ///   `shutdown sessions` (R-SHUTDOWN-SESSIONS), and every victim there is
  ///   ended the same way on the same server, so the order changes nothing
  ///   but the order of the outcome's list. Freshness (R-ARRIVE-FRESH-ID)
  ///   needs only the highest identifier, which becomes the session count.
  /// - Fields the rules never read again are forgotten (dead-variable
  ///   reduction): the request time, `wasRedispatched` and `isDirect` always
  ///   (read, if at all, only during the event that sets them); the queue
  ///   key unless the session may still wait in a queue; retries, previous
  ///   server and hash key once established.
  /// - Time is shifted so that `now` is 0: deadlines become durations, queue
  ///   keys become ranks counted back from `now` (the rules only compare
  ///   them, R-DEQUEUE-OLDEST-HEAD, and every new key is `now`). A warm-up
  ///   that has ended is forgotten.
  /// - Counters are dropped: no rule reads them.
  /// - Round-robin turns are taken relative to the virtual time, and turns
  ///   already passed are all "now"; leastconn stamps become ranks.
  ///
  /// - Interchangeable servers (``serverRenamings``) are a multiset too: of
  ///   the orderings of each group, the one with the least fingerprint is
  ///   taken, so the form is the same for every member of an orbit.
  ///
  /// - Complexity: O(*g* × (*n*² + *s*²) + *n* log *n*) for *n* sessions, *s*
  ///   servers and *g* renamings of interchangeable servers (1 when none are).
  package var canonicalized: ReferenceBalancer {
    var copy = self
    let position = canonicalServerRenaming
    let names = canonicalNames(renamingServers: position)
    func name(_ id: SessionID) -> SessionID { names[id] ?? id }
    func moved(_ server: ServerID?) -> ServerID? { server.map { ServerID(position?[$0.index] ?? $0.index) } }
    func shifted(_ phase: SessionPhase) -> SessionPhase {
      switch phase {
      case .queued(.backend, let deadline): .queued(.backend, deadline: deadline.map { $0 - now })
      case .queued(.server(let server), let deadline):
        .queued(.server(moved(server) ?? server), deadline: deadline.map { $0 - now })
      case .turnaround(let until): .turnaround(until: until - now)
      case .dequeued, .redistributed, .connecting, .established: phase
      }
    }
    copy.sessions = sessions.map { session in
      let settled = session.phase == .established
      var renamed = Session(
        id: name(session.id), phase: shifted(session.phase), requestTime: 0,
        queueKey: queueKeyIsLive(session) ? -queueKeyRank(session.queueKey) : Milliseconds.min,
        hashKey: settled ? nil : session.hashKey, retriesLeft: settled ? 0 : session.retriesLeft)
      renamed.assigned = moved(session.assigned)
      renamed.slot = moved(session.slot)
      renamed.previous = settled ? nil : moved(session.previous)
      return renamed
    }.sorted { $0.id < $1.id }
    copy.backendQueue = backendQueue.map(name)
    for index in servers.indices {
      var server = servers[index]
      // Stamps as ranks: a rank goes with its server wherever it moves.
      server.leastConnectionsStamp = stampRank(of: server)
      server.queue = server.queue.map(name)
      server.counters = Counters()
      server.roundRobinPass = max(0, server.roundRobinPass - roundRobinTime)
      server.cameUpAt = isWarmingUp(ServerID(index)) ? server.cameUpAt.map { $0 - now } : nil
      copy.servers[position?[index] ?? index] = server
    }
    copy.backendCounters = Counters()
    copy.highestSessionID = sessions.count
    copy.leastConnectionsClock = servers.count
    copy.roundRobinTime = 0
    copy.now = 0
    return copy
  }

  /// The name each live session takes in ``canonicalized``: its rank by
  /// ``canonicalWords(of:)``, ties (interchangeable sessions) in identifier
  /// order. An event of this state, renamed so, is the same event of the
  /// canonical form.
  package var canonicalNames: [SessionID: SessionID] {
    canonicalNames(renamingServers: canonicalServerRenaming)
  }

  /// ``canonicalNames`` with the servers moved by `position` (old index to new).
  func canonicalNames(renamingServers position: [Int]?) -> [SessionID: SessionID] {
    let words = sessions.map { canonicalWords(of: $0, renamingServers: position) }
    let order = sessions.indices.sorted { words[$0].lexicographicallyPrecedes(words[$1]) || (words[$0] == words[$1] && $0 < $1) }
    var names: [SessionID: SessionID] = [:]
    for (rank, index) in order.enumerated() { names[sessions[index].id] = SessionID(rank + 1) }
    return names
  }

  /// Whether two servers are interchangeable: swapping them, with everything
  /// they hold, swaps their futures. Under R-LB-LEASTCONN (and
  /// R-26-LEASTCONN-INFLIGHT) a server is picked by its load and its stamp,
  /// and the stamp moves with it, so servers with equal settings are. Round
  /// robin breaks ties by index (R-LB-ROUNDROBIN, R-26-ROUNDROBIN-FWRR), the
  /// hash map lists servers in index order (R-LB-HASH, and its round-robin
  /// fallback), and warm-ups dequeue in index order (R-TIME-WARMUP-DEQUEUE):
  /// there no two servers are interchangeable.
  func areInterchangeable(_ first: Int, _ second: Int) -> Bool {
    let settings = configuration.servers
    return configuration.algorithm == .leastConnections && settings[first] == settings[second]
      && settings[first].slowStart == 0
  }

  /// Every renaming of servers that moves interchangeable servers among
  /// themselves, each as the new index of every server, the identity first;
  /// empty when no two servers are interchangeable.
  ///
  /// - Complexity: O(*s*²) and no allocation when no two of the *s* servers
  ///   are interchangeable; otherwise the product of the groups' factorials.
  package var serverRenamings: [[Int]] {
    let count = servers.count
    let hasPair = (0..<count).contains { first in (first + 1..<count).contains { areInterchangeable(first, $0) } }
    guard hasPair else { return [] }
    var groups: [[Int]] = []
    for index in 0..<count {
      if let group = groups.firstIndex(where: { areInterchangeable($0[0], index) }) {
        groups[group].append(index)
      } else {
        groups.append([index])
      }
    }
    var renamings = [Array(0..<count)]
    for members in groups where members.count > 1 {
      renamings = renamings.flatMap { base in
        Self.orderings(of: members).map { ordering in
          var position = base
          for (member, place) in zip(members, ordering) { position[member] = place }
          return position
        }
      }
    }
    return renamings
  }

  /// Every ordering of `items`, the given one first.
  static func orderings(of items: [Int]) -> [[Int]] {
    guard !items.isEmpty else { return [[]] }
    var result: [[Int]] = []
    for (offset, item) in items.enumerated() {
      var rest = items
      rest.remove(at: offset)
      result += orderings(of: rest).map { [item] + $0 }
    }
    return result
  }

  /// The server's leastconn stamp as a rank among the servers' (R-LB-LEASTCONN
  /// only compares stamps), without sorting into a new array.
  func stampRank(of server: Server) -> Int {
    servers.count { $0.leastConnectionsStamp < server.leastConnectionsStamp }
  }

  /// Whether a rule may still read the session's queue key: while it waits,
  /// and, keyed by arrival, while it may be placed again (a redistributed
  /// session always; after its connects, only under `option redispatch`).
  func queueKeyIsLive(_ session: Session) -> Bool {
    switch session.phase {
    case .queued: true
    case .established: false
    case .redistributed: !configuration.semantics.queueKeyIsJoinTime
    case .dequeued, .connecting, .turnaround: !configuration.semantics.queueKeyIsJoinTime && configuration.redispatch
    }
  }

  /// A live queue key as a rank counted back from `now`: 0 for `now`, then 1,
  /// 2, … for each older distinct live key. Keys are only compared, and no key
  /// is ever later than `now`, so ranks order them as their values do.
  ///
  /// - Complexity: O(*n*²), without allocating.
  func queueKeyRank(_ key: Milliseconds) -> Int {
    guard key != now else { return 0 }
    var rank = 1
    for (index, other) in sessions.enumerated() where queueKeyIsLive(other) && other.queueKey > key && other.queueKey != now {
      let seen = sessions[..<index].contains { queueKeyIsLive($0) && $0.queueKey == other.queueKey }
      if !seen { rank += 1 }
    }
    return rank
  }

  /// What the rules can still read of a session, as words, its name left
  /// out, with the servers moved by `position`: two sessions with equal words
  /// are interchangeable.
  func canonicalWords(of session: Session, renamingServers position: [Int]?) -> [Int] {
    var words: [Int] = []
    forEachCanonicalWord(of: session, renamingServers: position) { words.append($0) }
    return words
  }

  /// Calls `body` with each word of ``canonicalWords(of:renamingServers:)``,
  /// in order, without allocating.
  func forEachCanonicalWord(of session: Session, renamingServers position: [Int]?, _ body: (Int) -> Void) {
    func moved(_ server: ServerID?) -> Int {
      guard let server else { return -1 }
      return position?[server.index] ?? server.index
    }
    let settled = session.phase == .established
    switch session.phase {
    case .queued(let queue, let deadline):
      body(1)
      switch queue {
      case .backend:
        body(-1)
        body(backendQueue.firstIndex(of: session.id) ?? -1)
      case .server(let server):
        body(moved(server))
        body(servers[server.index].queue.firstIndex(of: session.id) ?? -1)
      }
      body(deadline.map { $0 - now } ?? Int.min)
    case .dequeued: body(2)
    case .redistributed: body(3)
    case .connecting: body(4)
    case .turnaround(let until):
      body(5)
      body(until - now)
    case .established: body(6)
    }
    body(queueKeyIsLive(session) ? queueKeyRank(session.queueKey) : -1)
    body(moved(session.assigned))
    body(moved(session.slot))
    body(settled ? -1 : moved(session.previous))
    body(settled ? -1 : session.retriesLeft)
    body(settled || session.hashKey == nil ? -1 : Int(session.hashKey ?? 0))
  }
}

extension ReferenceBalancer {
  /// A 64-bit fingerprint of ``canonicalized``, the key of the explorer's
  /// visited set (TLC keeps fingerprints the same way). Equal canonical forms
  /// give equal fingerprints; two distinct ones collide with a probability of
  /// about 2⁻⁶⁴. Every stored property is mixed in except those the canonical
  /// form forgets, and the configuration, which one exploration never changes.
  ///
  /// The sessions, a multiset, are mixed in as the wrapping sum of each one's
  /// own well-mixed fingerprint, which needs no sorting and no buffer.
  ///
  /// With interchangeable servers it is the least fingerprint over their
  /// renamings, the same for every state of an orbit.
  ///
  /// - Complexity: O(*g* × (*n*² + *s*²)) for *n* sessions, *s* servers and *g*
  ///   renamings of interchangeable servers; without building a copy, and
  ///   without allocating when no servers are interchangeable.
  package var canonicalFingerprint: UInt64 {
    canonicalFingerprint(renamings: serverRenamings)
  }

  /// ``canonicalFingerprint`` with the ``serverRenamings`` given: they depend
  /// on the configuration alone, so an exploration works them out once.
  package func canonicalFingerprint(renamings: [[Int]]) -> UInt64 {
    guard let identity = renamings.first else { return fingerprint(renamingServers: nil) }
    return renamings.dropFirst().reduce(fingerprint(renamingServers: identity)) {
      min($0, fingerprint(renamingServers: $1))
    }
  }

  /// The renaming ``canonicalized`` applies: of ``serverRenamings``, the one
  /// with the least fingerprint, the first on ties; `nil` when there is none.
  package var canonicalServerRenaming: [Int]? {
    var best: (position: [Int], fingerprint: UInt64)?
    for position in serverRenamings {
      let value = fingerprint(renamingServers: position)
      if best.map({ value < $0.fingerprint }) ?? true { best = (position, value) }
    }
    return best?.position
  }

  /// The fingerprint of the state with its servers moved by `position`
  /// (old index to new; `nil` leaves them in place).
  func fingerprint(renamingServers position: [Int]?) -> UInt64 {
    var mixer = FingerprintMixer()
    mixer.add(sessionCount, sessions.count, servers.count)
    mixer.add(backendQueue.count)
    for place in servers.indices {
      // The server moved to this place, found by a scan rather than an inverse array.
      let index = position?.firstIndex(of: place) ?? place
      let server = servers[index]
      let warmingStart = isWarmingUp(ServerID(index)) ? server.cameUpAt.map { $0 - now } : nil
      mixer.add(server.state.ordinal, server.weight, server.maximumConnections)
      mixer.add(server.minimumConnections, server.maximumQueueLength, server.slowStart)
      mixer.add(warmingStart ?? Int.min, server.served, server.connections)
      mixer.add(max(0, server.roundRobinPass - roundRobinTime), stampRank(of: server), server.leastConnectionsKey)
      mixer.add(server.queue.count)
    }
    var sessionSum: UInt64 = 0
    for session in sessions {
      var own = FingerprintMixer()
      forEachCanonicalWord(of: session, renamingServers: position) { own.add($0) }
      sessionSum &+= own.finalized
    }
    mixer.add(Int(bitPattern: UInt(sessionSum)))
    // Only round robin has these, and there no servers are renamed.
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

extension ServerState {
  /// A number for the fingerprint (`allCases` would allocate an array per call).
  var ordinal: Int {
    switch self {
    case .running: 0
    case .drain: 1
    case .down: 2
    case .maint: 3
    }
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

  /// The value with every bit depending on every word (MurmurHash3's
  /// finalizer), so that sums of finalized values stay well spread.
  var finalized: UInt64 {
    var mixed = value
    mixed ^= mixed >> 33
    mixed &*= 0xFF51_AFD7_ED55_8CCD
    mixed ^= mixed >> 33
    mixed &*= 0xC4CE_B9FE_1A85_EC53
    mixed ^= mixed >> 33
    return mixed
  }

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
