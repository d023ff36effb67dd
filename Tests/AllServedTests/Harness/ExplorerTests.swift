import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Testing

/// Bounded exhaustive exploration of the model and the implementation.
@Suite("Exhaustive exploration")
struct ExplorerTests {
  typealias Pair = Lockstep<ReferenceBalancer, ProductionBalancer>

  /// The explorer as `allserved explore` runs it: states stored as fingerprints.
  /// The naive enumeration below keys by the canonical form itself, so equal
  /// counts also show that no two canonical forms shared a fingerprint.
  static func explorer(_ scope: ExplorationScope) -> Explorer<ReferenceBalancer, ProductionBalancer, UInt64> {
    Explorer(scope: scope) { $0.reference.canonicalFingerprint }
  }

  @Test("A one-slot server and one session: the four states counted by hand")
  func handCounted() {
    // Hand count, with the arrival budget part of the state: no session and an
    // arrival left; #1 connecting; #1 established; no session and none left.
    // Every ending (close, abort, a 503 with retries 0) leads to the last.
    var scope = ExplorationScope(
      configuration: Configuration(retries: 0, servers: [ServerConfiguration(maximumConnections: 1)]), sessions: 1,
      depth: 10)
    scope.cookies = false
    scope.excludeStateChanges()
    let result = Self.explorer(scope).run()
    #expect(result.failure == nil)
    #expect(result.isComplete)
    // The empty state appears twice: before the arrival and after it (no arrival left).
    #expect(result.states == 4)
  }

  @Test("Two servers, three sessions, every event: no violation, and the count matches a naive enumeration")
  func smallScope() {
    var scope = ExplorationScope(
      configuration: Configuration(
        retries: 1, redispatch: true, queueTimeout: 1000,
        servers: [ServerConfiguration(maximumConnections: 1), ServerConfiguration(maximumConnections: 1, maximumQueueLength: 1)]),
      sessions: 3, depth: 7)
    scope.excludeStateChanges()
    let result = Self.explorer(scope).run()
    #expect(result.failure == nil, "\(String(describing: result.failure))")
    // An independent count: every path to the same depth, no deduplication while walking.
    var seen: [NaiveKey: Int] = [:]
    func walk(_ model: ReferenceBalancer, arrivals: Int, highest: Int, depth: Int) {
      let key = NaiveKey(model: model.canonicalized, arrivals: arrivals)
      // Walk on only when this path reaches the state sooner than any before it.
      if let shallowest = seen[key], shallowest <= depth { return }
      seen[key] = depth
      guard depth < scope.depth else { return }
      for event in EventGenerator.enabledEvents(
        for: model.snapshot, scope: scope, nextSession: SessionID(highest + 1), arrivals: arrivals)
      {
        var next = model
        guard !next.apply(event).isRejected else { continue }
        var count = arrivals
        var top = highest
        if case .arrive(let id, _, _) = event {
          count += 1
          top = id.number
        }
        walk(next, arrivals: count, highest: top, depth: depth + 1)
      }
    }
    walk(try! ReferenceBalancer(configuration: scope.configuration), arrivals: 0, highest: 0, depth: 0)
    #expect(result.states == seen.count)
    #expect(result.states > 100)
  }

  struct NaiveKey: Hashable {
    var model: ReferenceBalancer
    var arrivals: Int
  }

  @Test("A planted fault yields a shortest counterexample")
  func shortestCounterexample() throws {
    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    var scope = ExplorationScope(
      configuration: Configuration(servers: [ServerConfiguration(maximumConnections: 1, maximumQueueLength: 1)]),
      sessions: 3, depth: 4)
    scope.excludeStateChanges()
    let result = Fault.$active.withValue(.maximumQueueOffByOne) { Self.explorer(scope).run() }
    // Three arrivals are the fewest events that fill the slot and the queue (see ShrinkerTests).
    #expect(result.counterexample?.steps.count == 3)
    #expect(result.failure?.check == "outcome")
  }

  @Test("Certification: a shrunk trace is certified minimal; a padded one is beaten by a shorter one")
  func certification() throws {
    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    let minimal = try TraceFormat.parse(
      """
      allserved-trace 1
      backend balance=roundrobin retries=0
      server s0 maxconn=1 maxqueue=1
      arrive 1
      arrive 2 cookie=s0
      arrive 3 cookie=s0
      """)
    let padded = try TraceFormat.parse(
      """
      allserved-trace 1
      backend balance=roundrobin retries=0
      server s0 maxconn=1 maxqueue=1
      arrive 1
      arrive 2 cookie=s0
      abort 2
      arrive 3 cookie=s0
      arrive 4 cookie=s0
      """)
    func certify(_ trace: Trace) -> Trace? {
      Fault.$active.withValue(.maximumQueueOffByOne) {
        Certification.certify(trace, check: "outcome", mode: .differential) { (pair: Pair) in
          pair.reference.canonicalized
        }.shorter
      }
    }
    #expect(certify(minimal) == nil, "no 2-event trace fills both the slot and the queue")
    let shorter = try #require(certify(padded))
    #expect(shorter.steps.count == 3)
    #expect(Certification.scope(of: padded).sessions == 4)
    #expect(Certification.scope(of: padded).cookies)
  }
}
