import AllServedCore
import AllServedHarness
import AllServedModel
import Testing

/// The canonical form forgets session names, their order, dead fields and
/// absolute times. That is sound only if states with one canonical form are
/// bisimilar: the same events (renamed) enabled, each with the same result
/// and a successor of the same canonical form. These tests check exactly
/// that, over every state of small scopes, for every state met again.
@Suite("Canonical form")
struct CanonicalFormTests {
  /// A canonical form and the arrivals so far, by fingerprint (the explorer
  /// tests show that fingerprints tell these scopes' forms apart).
  struct Key: Hashable {
    var fingerprint: UInt64
    var arrivals: Int

    init(_ model: ReferenceBalancer, arrivals: Int) {
      fingerprint = model.canonicalFingerprint
      self.arrivals = arrivals
    }
  }

  /// A concrete state and what the explorer knows along its path.
  struct Reached {
    var model: ReferenceBalancer
    var arrivals: Int
    var highest: Int
  }

  /// `event` with its session renamed to the canonical name (an arrival takes
  /// the next one) and its server moved to its canonical place.
  static func renamed(_ event: Event, _ names: [SessionID: SessionID], servers position: [Int]?) -> Event {
    func name(_ id: SessionID) -> SessionID { names[id] ?? SessionID(-1) }
    func moved(_ server: ServerID) -> ServerID { ServerID(position?[server.index] ?? server.index) }
    switch event {
    case .arrive(_, let cookie, let hashKey):
      return .arrive(SessionID(names.count + 1), cookie: cookie.map(moved), hashKey: hashKey)
    case .run(let id): return .run(name(id))
    case .connectSucceeded(let id): return .connectSucceeded(name(id))
    case .connectFailed(let id, let failure): return .connectFailed(name(id), failure)
    case .close(let id): return .close(name(id))
    case .abort(let id): return .abort(name(id))
    case .queueTimeout(let id): return .queueTimeout(name(id))
    case .setState(let server, let state): return .setState(moved(server), state)
    case .setWeight(let server, let weight): return .setWeight(moved(server), weight)
    case .setMaximumConnections(let server, let limit): return .setMaximumConnections(moved(server), limit)
    case .shutdownSessions(let server): return .shutdownSessions(moved(server))
    case .queueTask(let server): return .queueTask(moved(server))
    case .tick: return event
    }
  }

  /// One step ahead of `state`: each enabled event, renamed, with whether it
  /// was rejected and the canonical form it leads to.
  static func future(of state: Reached, scope: ExplorationScope) -> [Event: (rejected: Bool, next: Key)] {
    var future: [Event: (rejected: Bool, next: Key)] = [:]
    let names = state.model.canonicalNames
    let position = state.model.canonicalServerRenaming
    for event in EventGenerator.enabledEvents(
      for: state.model.snapshot, scope: scope, nextSession: SessionID(state.highest + 1), arrivals: state.arrivals)
    {
      var next = state.model
      let rejected = next.apply(event).isRejected
      let arrivals = event.counting(arrivals: state.arrivals, highest: state.highest).arrivals
      future[renamed(event, names, servers: position)] = (rejected, Key(next, arrivals: arrivals))
    }
    return future
  }

  /// Walks `scope` breadth first, one concrete state per canonical form, and
  /// compares every state met again with the first of its form.
  ///
  /// - Returns: The distinct forms; the states met again that differed from
  ///   the first of their form (each compared); and how many of those took
  ///   their servers to other places than the first did.
  static func checkBisimilar(_ scope: ExplorationScope) throws -> (forms: Int, compared: Int, moved: Int) {
    let root = Reached(model: try ReferenceBalancer(configuration: scope.configuration), arrivals: 0, highest: 0)
    var first: [Key: Reached] = [Key(root.model, arrivals: 0): root]
    var futures: [Key: [Event: (rejected: Bool, next: Key)]] = [:]
    var level = [root]
    var compared = 0
    var moved = 0
    for _ in 0..<scope.depth {
      var nextLevel: [Reached] = []
      for state in level {
        for event in EventGenerator.enabledEvents(
          for: state.model.snapshot, scope: scope, nextSession: SessionID(state.highest + 1), arrivals: state.arrivals)
        {
          var model = state.model
          guard !model.apply(event).isRejected else { continue }
          let (arrivals, highest) = event.counting(arrivals: state.arrivals, highest: state.highest)
          let reached = Reached(model: model, arrivals: arrivals, highest: highest)
          let key = Key(model, arrivals: reached.arrivals)
          guard let representative = first[key] else {
            first[key] = reached
            nextLevel.append(reached)
            continue
          }
          guard representative.model != reached.model else { continue }
          compared += 1
          if reached.model.canonicalServerRenaming != representative.model.canonicalServerRenaming { moved += 1 }
          let expected = futures[key] ?? future(of: representative, scope: scope)
          futures[key] = expected
          let actual = future(of: reached, scope: scope)
          try #require(
            Set(actual.keys) == Set(expected.keys),
            "\(reached.model.snapshot) and \(representative.model.snapshot) enable different events")
          for (renamedEvent, outcome) in actual {
            let other = try #require(expected[renamedEvent])
            try #require(
              outcome.rejected == other.rejected && outcome.next == other.next,
              "\(renamedEvent) from \(reached.model.snapshot) and from \(representative.model.snapshot) lead to different forms")
          }
        }
      }
      level = nextLevel
    }
    return (first.count, compared, moved)
  }

  @Test("States with one canonical form are bisimilar: 2008 rules, redispatch, queue timeouts, state changes")
  func bisimilarDesign2008() throws {
    var scope = ExplorationScope(
      configuration: Configuration(
        retries: 1, redispatch: true, queueTimeout: 1000,
        servers: [ServerConfiguration(maximumConnections: 1), ServerConfiguration(maximumConnections: 1, maximumQueueLength: 1)]),
      sessions: 3, depth: 5)
    scope.shutdowns = true
    let (forms, compared, _) = try Self.checkBisimilar(scope)
    #expect(forms > 1000)
    // Renaming, order and dead fields merge many states: the check is not vacuous.
    #expect(compared > 1000, "only \(compared) states met again differed from the first of their form")
  }

  @Test("States with one canonical form are bisimilar: HAProxy 2.6 rules, leastconn, join-time queue keys")
  func bisimilarHAProxy26() throws {
    var scope = ExplorationScope(
      configuration: Configuration(
        algorithm: .leastConnections, retries: 1, redispatch: true,
        servers: [ServerConfiguration(maximumConnections: 1), ServerConfiguration(maximumConnections: 2)],
        semantics: .haproxy26),
      sessions: 3, depth: 5)
    scope.cookies = false
    let (forms, compared, _) = try Self.checkBisimilar(scope)
    #expect(forms > 500)
    #expect(compared > 500, "only \(compared) states met again differed from the first of their form")
  }

  @Test("States with one canonical form are bisimilar: leastconn with interchangeable servers, both rule sets")
  func bisimilarInterchangeableServers() throws {
    let server = ServerConfiguration(maximumConnections: 1, maximumQueueLength: 1)
    for semantics in [Semantics.design2008, .haproxy26] {
      let scope = ExplorationScope(
        configuration: Configuration(
          algorithm: .leastConnections, retries: 1, redispatch: true, servers: [server, server], semantics: semantics),
        sessions: 3, depth: 5)
      let (forms, compared, moved) = try Self.checkBisimilar(scope)
      #expect(forms > 500, "\(semantics)")
      // Mirror images met again: the renaming of servers is exercised, not only that of sessions.
      #expect(moved > 100, "\(semantics): only \(moved) states met again were mirror images of the first")
      #expect(compared > moved)
    }
    // Weights, limits and queue timeouts move with their server too.
    var scope = ExplorationScope(
      configuration: Configuration(
        algorithm: .leastConnections, retries: 1, queueTimeout: 1000, servers: [server, server]),
      sessions: 2, depth: 4)
    scope.includeLimitChanges()
    let (_, compared, moved) = try Self.checkBisimilar(scope)
    #expect(moved > 100 && compared > moved, "\(moved) of \(compared)")
  }

  /// Two mirror images: session 1 sent by its cookie to `s0` in one, to `s1` in
  /// the other, on two servers with equal settings.
  static func mirrorImages(_ algorithm: Algorithm) throws -> (ReferenceBalancer, ReferenceBalancer) {
    let server = ServerConfiguration(maximumConnections: 2)
    var onFirst = try ReferenceBalancer(configuration: Configuration(algorithm: algorithm, servers: [server, server]))
    var onSecond = onFirst
    #expect(!onFirst.apply(.arrive(SessionID(1), cookie: ServerID(0))).isRejected)
    #expect(!onSecond.apply(.arrive(SessionID(1), cookie: ServerID(1))).isRejected)
    return (onFirst, onSecond)
  }

  /// The server a new arrival is assigned to.
  static func nextAssignment(after state: ReferenceBalancer) -> ServerID? {
    var next = state
    _ = next.apply(.arrive(SessionID(2)))
    return next.snapshot.sessions.first { $0.id == SessionID(2) }?.assigned
  }

  @Test("Round robin's ties to the lower index keep mirror images apart; leastconn's stamps let them merge")
  func serversInterchangeableOnlyUnderLeastconn() throws {
    // R-LB-ROUNDROBIN: a cookie does not take a turn, both passes stay 0, and
    // the tie goes to s0 in both states. Mirrored, the second would send the
    // arrival to s1: the futures are not mirror images, so the forms differ.
    let (roundRobinFirst, roundRobinSecond) = try Self.mirrorImages(.roundRobin)
    #expect(Self.nextAssignment(after: roundRobinFirst) == ServerID(0))
    #expect(Self.nextAssignment(after: roundRobinSecond) == ServerID(0))
    #expect(roundRobinFirst.serverRenamings.isEmpty)
    #expect(roundRobinFirst.canonicalFingerprint != roundRobinSecond.canonicalFingerprint)
    // R-LB-LEASTCONN: the idle server takes the arrival, s1 in one state and s0
    // in the other, mirror images; the two states share one form.
    let (leastFirst, leastSecond) = try Self.mirrorImages(.leastConnections)
    #expect(Self.nextAssignment(after: leastFirst) == ServerID(1))
    #expect(Self.nextAssignment(after: leastSecond) == ServerID(0))
    #expect(leastFirst.serverRenamings == [[0, 1], [1, 0]])
    #expect(leastFirst.canonicalFingerprint == leastSecond.canonicalFingerprint)
    #expect(leastFirst.canonicalized == leastSecond.canonicalized)
    #expect(leastFirst != leastSecond)
    // Settings that differ keep servers apart even under leastconn.
    let uneven = try ReferenceBalancer(
      configuration: Configuration(
        algorithm: .leastConnections,
        servers: [ServerConfiguration(maximumConnections: 1), ServerConfiguration(maximumConnections: 2)]))
    #expect(uneven.serverRenamings.isEmpty)
  }
}
