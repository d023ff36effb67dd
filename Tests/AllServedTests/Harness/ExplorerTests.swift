import AllServedCommandLine
import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedHistory
import AllServedModel
import Foundation
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
    #expect(result.states == Self.naiveCount(scope))
    #expect(result.states > 100)
    // Three workers and small batches (many merges, shares that cut through
    // subtrees) find the same states by the same number of transitions.
    var parallel = Self.explorer(scope)
    parallel.workers = 3
    parallel.batchSize = 7
    let again = parallel.run()
    #expect(again.failure == nil)
    #expect(again.states == result.states && again.transitions == result.transitions && again.depth == result.depth)
    #expect(again.replayed > result.replayed, "more batches replay more of the tree")
  }

  @Test("Leastconn with two equal servers: mirror images merged, and the count matches a naive enumeration")
  func interchangeableServers() {
    let server = ServerConfiguration(maximumConnections: 1, maximumQueueLength: 1)
    let scope = ExplorationScope(
      configuration: Configuration(algorithm: .leastConnections, retries: 1, redispatch: true, servers: [server, server]),
      sessions: 2, depth: 6)
    let result = Self.explorer(scope).run()
    #expect(result.failure == nil, "\(String(describing: result.failure))")
    #expect(result.states == Self.naiveCount(scope))
    // The same scope with the servers kept apart: every state but the
    // symmetric ones has a distinct mirror image.
    let apart = Explorer<ReferenceBalancer, ProductionBalancer, UInt64>(scope: scope) {
      $0.reference.canonicalFingerprint(renamings: [])
    }.run()
    #expect(apart.failure == nil)
    #expect(result.states < apart.states && apart.states <= 2 * result.states, "\(result.states) and \(apart.states)")
  }

  /// An independent count of a scope's canonical forms: every path to the
  /// scope's depth, keyed by ``ReferenceBalancer/canonicalized`` itself.
  static func naiveCount(_ scope: ExplorationScope) -> Int {
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
        let (count, top) = event.counting(arrivals: arrivals, highest: highest)
        walk(next, arrivals: count, highest: top, depth: depth + 1)
      }
    }
    guard let root = try? ReferenceBalancer(configuration: scope.configuration) else { return 0 }
    walk(root, arrivals: 0, highest: 0, depth: 0)
    return seen.count
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
        Certification.certify(trace, check: "outcome", mode: .differential) { _ in
          { (pair: Pair) in pair.reference.canonicalized }
        }.shorter
      }
    }
    #expect(certify(minimal) == nil, "no 2-event trace fills both the slot and the queue")
    let shorter = try #require(certify(padded))
    #expect(shorter.steps.count == 3)
    #expect(Certification.scope(of: padded).sessions == 4)
    #expect(Certification.scope(of: padded).cookies)
  }

  @Test("The fingerprint set keeps every fingerprint through its growth, zero included, and nothing else")
  func fingerprintSet() {
    var set = FingerprintSet()
    #expect(set.count == 0 && !set.contains(0) && !set.contains(42))
    var random = SplitMix64(seed: 7)
    var inserted: [UInt64] = [0, 1, UInt64.max]
    // Low bits alike, high bits alike: both must still spread over the table.
    inserted += (1...500).map { UInt64($0) << 40 }
    inserted += (2...500).map { UInt64($0) }
    inserted += (0..<20_000).map { _ in random.next() }
    var rejected = 0
    for value in inserted where !set.insert(value) { rejected += 1 }
    #expect(rejected == 0, "every value was new")
    #expect(set.count == inserted.count)
    #expect(inserted.allSatisfy(set.contains))
    // Inserting again changes nothing.
    var insertedAgain = 0
    for value in inserted where set.insert(value) { insertedAgain += 1 }
    #expect(insertedAgain == 0)
    #expect(set.count == inserted.count)
    // Values never inserted are not found (another seed: collisions with 21,000 values are vanishingly unlikely).
    var other = SplitMix64(seed: 8)
    let strangers = (0..<20_000).map { _ in other.next() }
    #expect(!strangers.contains(where: set.contains))
    #expect(!set.contains(501) && !set.contains(501 << 40))
    // At most 3/4 full, so at least 8 × 4/3 bytes per fingerprint.
    #expect(set.bytes >= set.count * 8 * 4 / 3)
  }

  @Test("The worker pool returns every result in job order, whatever thread ran it")
  func workerPool() {
    let results = WorkerPool.run(count: 10, workers: 3) { index in index * index }
    #expect(results == [0, 1, 4, 9, 16, 25, 36, 49, 64, 81])
    // More threads than jobs, and no job at all.
    #expect(WorkerPool.run(count: 2, workers: 8) { $0 + 1 } == [1, 2])
    #expect(WorkerPool.run(count: 0, workers: 2) { $0 }.isEmpty)
  }

  /// The report without what depends on the machine (each configuration's
  /// rate, the time) or on how the levels were shared (the events replayed).
  static func withoutRates(_ output: String) -> String {
    output.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      if line.hasSuffix("states/s"), let cut = line.range(of: "depth ", options: .backwards) {
        return String(line[..<cut.lowerBound]) + String(line[cut.lowerBound...].prefix(20))
      }
      if line.hasPrefix("  events replayed") { return "  events replayed" }
      return line.hasPrefix("  time") ? "  time" : String(line)
    }.joined(separator: "\n")
  }

  /// `allserved explore` with `options` on `jobs` threads.
  static func explore(_ options: ExploreOptions, jobs: Int) -> (output: String, status: Int32) {
    var options = options
    options.jobs = jobs
    return ExploreCommand.run(options)
  }

  @Test("allserved explore reports the same for any number of workers, failure or not")
  func parallelExploreIsDeterministic() throws {
    var options = ExploreOptions()
    options.servers = 2
    options.maximumConnections = 1...2
    options.sessions = 2
    options.depth = 5
    options.stateChanges = false
    let sequential = Self.explore(options, jobs: 1)
    let parallel = Self.explore(options, jobs: 3)
    #expect(sequential.status == 0 && parallel.status == 0)
    #expect(Self.withoutRates(sequential.output) == Self.withoutRates(parallel.output))
    #expect(parallel.output.contains("on 3 threads"))
    // Four configurations, each with a row.
    #expect(parallel.output.split(separator: "\n").filter { $0.hasPrefix("  [maxconn=") }.count == 4)

    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    // One server, maxconn 0, 1, 2, maxqueue 1: with maxconn 0 nothing queues, so
    // the off-by-one queue limit first shows with maxconn 1, in 3 events (see above).
    var faulty = ExploreOptions()
    faulty.servers = 1
    faulty.maximumConnections = 0...2
    faulty.maximumQueueLength = 1
    faulty.sessions = 3
    faulty.depth = 4
    faulty.stateChanges = false
    faulty.fault = .maximumQueueOffByOne
    let first = Self.explore(faulty, jobs: 1)
    let second = Self.explore(faulty, jobs: 3)
    #expect(first.status == 1 && second.status == 1)
    #expect(Self.withoutRates(first.output) == Self.withoutRates(second.output))
    #expect(second.output.contains("[maxconn=1]") && !second.output.contains("[maxconn=2]"))
    #expect(second.output.contains("shortest counterexample (3 events"))
    // One configuration: the same report.
    faulty.maximumConnections = 1...1
    let alone = Self.explore(faulty, jobs: 1)
    let shared = Self.explore(faulty, jobs: 2)
    #expect(alone.status == 1 && shared.status == 1)
    #expect(Self.withoutRates(alone.output) == Self.withoutRates(shared.output))
    #expect(shared.output.contains("shortest counterexample (3 events"))
  }

  @Test("allserved explore --variant finds a catalogued bug in no more events than its trace, and the trace fails there")
  func exploreHistoricalVariant() throws {
    // Each scope holds the catalogued trace (Specs/Bugs/; a minconn of 0 is
    // validated to maxconn, as the trace has it), so a shortest counterexample
    // is at most as long. The specification passes the same scope.
    let cases: [(bug: String, options: ExploreOptions, catalogued: Int)] = [
      ("2008a-retry-releases-slot", Self.options(maxconn: 0...0, retries: 1, sessions: 2, depth: 3), 2),
      ("bug4-maxqueue-ignored", Self.options(maxconn: 1...1, maxqueue: 1, retries: 0, algorithm: .hash, sessions: 3, depth: 3), 3),
    ]
    for (bug, specified, catalogued) in cases {
      let entry = try #require(BugCatalogue.bugs.first { $0.id == bug })
      var options = specified
      options.variant = entry.variant
      let found = Self.explore(options, jobs: 1)
      #expect(found.status == 1, "\(bug): \(found.output)")
      let printed = try #require(found.output.components(separatedBy: "save it under Specs/Traces/) ---\n").last)
      let trace = try TraceFormat.parse(printed)
      #expect((1...catalogued).contains(trace.steps.count), "\(bug): \(trace.steps.count) events")
      #expect(trace.title?.contains(entry.variant.rawValue) == true)
      // The counterexample fails its variant, with the check it names, and passes the specification.
      let check = try #require(trace.check)
      let failure: LockstepFailure? =
        switch entry.variant {
        case .prePatch: Lockstep<ReferenceBalancer, PrePatchBalancer>.replay(trace, mode: .invariantsOnly)
        case .asPatched2008: Lockstep<ReferenceBalancer, AsPatched2008Balancer>.replay(trace, mode: .invariantsOnly)
        }
      #expect(failure?.check == check, "\(bug)")
      #expect(Pair.replay(trace) == nil, "\(bug): the specification passes the counterexample")
      #expect(Self.explore(specified, jobs: 1).status == 0, "\(bug): the specification passes the whole scope")
    }
  }

  /// Explore options for one server.
  static func options(
    maxconn: ClosedRange<Int>, maxqueue: Int = 0, retries: Int, algorithm: Algorithm = .roundRobin, sessions: Int,
    depth: Int
  ) -> ExploreOptions {
    var options = ExploreOptions()
    options.servers = 1
    options.maximumConnections = maxconn
    options.maximumQueueLength = maxqueue
    options.retries = retries
    options.algorithm = algorithm
    options.sessions = sessions
    options.depth = depth
    return options
  }

  @Test("allserved explore --semantics haproxy-2.6 explores HAProxy 2.6's rules: a different state space, no violation")
  func exploreHAProxy26() {
    var options = ExploreOptions()
    options.algorithm = .leastConnections
    options.maximumConnections = 1...1
    options.maximumQueueLength = 1
    options.sessions = 3
    options.depth = 5
    let design = Self.explore(options, jobs: 1)
    options.semantics = .haproxy26
    let modern = Self.explore(options, jobs: 1)
    #expect(design.status == 0 && modern.status == 0, "\(modern.output)")
    #expect(modern.output.contains("leastconn, haproxy-2.6 rules"))
    // R-26-LEASTCONN-QUEUE-ROOM sends a third arrival to a full server with
    // queue room, where the 2008 rules queue it in the backend: the two
    // scopes reach different states.
    func states(_ output: String) -> Substring? {
      output.split(separator: "\n").first { $0.hasPrefix("  distinct states") }
    }
    #expect(states(design.output) != nil && states(design.output) != states(modern.output))
  }
}
