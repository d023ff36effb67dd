import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Foundation
import Testing

/// The property test of `swift test`: the regression traces first, then seeded
/// random traces with the model and the implementation in lockstep.
///
/// `ALLSERVED_SEED=S` and `ALLSERVED_EVENTS=N` override the first seed and the
/// budget (200,000 events by default).
@Suite("Property: model and implementation in lockstep", .serialized)
struct PropertyTests {
  static let length = 200

  static var firstSeed: UInt64 {
    ProcessInfo.processInfo.environment["ALLSERVED_SEED"].flatMap(UInt64.init) ?? 2026
  }

  static var budget: Int {
    ProcessInfo.processInfo.environment["ALLSERVED_EVENTS"].flatMap(Int.init) ?? 200_000
  }

  /// The trace files under Specs/Traces, by path.
  static func regressionTraces() throws -> [(path: String, text: String)] {
    let folder = RuleCoverageTests.root.appendingPathComponent("Specs/Traces")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return try names.filter { $0.hasSuffix(".trace") }.sorted().map { name in
      ("Specs/Traces/\(name)", try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
    }
  }

  @Test("Every regression trace under Specs/Traces replays: both systems agree and every expectation holds")
  func regressionTracesReplay() throws {
    let traces = try Self.regressionTraces()
    #expect(traces.count >= 3, "Specs/Traces holds the regression traces")
    for (path, text) in traces {
      do {
        let trace = try TraceFormat.parse(text)
        if let failure = Lockstep<ReferenceBalancer, ProductionBalancer>.replay(trace) {
          Issue.record("\(path): \(failure)\nreplay: swift run allserved replay \(path)")
        }
      } catch {
        Issue.record("\(path):\(error)")
      }
    }
  }

  @Test("Random traces: equal outcomes and snapshots, every invariant, coverage met")
  func lockstep() {
    let traces = max(1, Self.budget / Self.length)
    let report = RandomCheck(seed: Self.firstSeed, traces: traces, length: Self.length)
      .run(ReferenceBalancer.self, ProductionBalancer.self)
    if let failure = report.failure {
      let shrunk = Shrinker<ReferenceBalancer, ProductionBalancer>().shrink(failure.trace)
      Issue.record(
        """
        \(failure.failure)
        replay: swift run allserved check --seed \(failure.seed) --traces 1 --length \(Self.length)
        shrunk (\(failure.trace.steps.count) → \(shrunk?.trace.steps.count ?? 0) events):
        \(shrunk.map { TraceFormat.print($0.trace) } ?? "(did not reproduce)")
        """)
      return
    }
    #expect(report.events == traces * Self.length)
    let overridden = ProcessInfo.processInfo.environment["ALLSERVED_EVENTS"] != nil
    #expect(overridden || report.events >= 200_000, "the default budget is at least 200,000 lockstep events")
    #expect(report.rejected > report.events / 50, "about 5% of the events are drawn impossible")
    #expect(Set(report.kinds.keys) == Set(EventKind.allCases).subtracting([.queueTask]), "every event kind was drawn")
    for shortfall in report.coverageShortfalls {
      Issue.record("coverage: \(shortfall.situation) in \(shortfall.traces) traces, at least \(shortfall.required) required")
    }
  }

  @Test("HAProxy 2.6 semantics: the implementation follows the model's 2.6 policies, invariants hold")
  func lockstepHAProxy26() {
    var check = RandomCheck(
      seed: Self.firstSeed &+ 1_000_000, traces: max(1, Self.budget / 4 / Self.length), length: Self.length)
    check.semantics = .haproxy26
    let report = check.run(ReferenceBalancer.self, ProductionBalancer.self)
    if let failure = report.failure {
      let shrunk = Shrinker<ReferenceBalancer, ProductionBalancer>().shrink(failure.trace)
      Issue.record(
        """
        \(failure.failure)
        shrunk (\(failure.trace.steps.count) → \(shrunk?.trace.steps.count ?? 0) events):
        \(shrunk.map { TraceFormat.print($0.trace) } ?? "(did not reproduce)")
        """)
      return
    }
    #expect(report.events == check.traces * Self.length)
    #expect((report.kinds[.arrive] ?? 0) > report.events / 10, "arrivals were drawn")
    #expect((report.situations[.queueAtMaximum] ?? 0) > 0, "server queues filled up under 2.6 semantics")
  }

  @Test("A seed replays to the same trace text and the same hash over all snapshots, twice")
  func determinism() {
    func run(_ seed: UInt64) -> (text: String, digest: StableHasher) {
      let report = RandomCheck(seed: seed, traces: 3, length: 150, computesDigest: true)
        .run(ReferenceBalancer.self, ProductionBalancer.self)
      var texts: [String] = []
      for index in 0..<3 {
        var generator = EventGenerator(seed: seed &+ UInt64(index))
        var trace = Trace(configuration: generator.configuration())
        guard case .success(var lockstep) = Lockstep<ReferenceBalancer, ProductionBalancer>.start(trace.configuration)
        else {
          Issue.record("seed \(seed &+ UInt64(index)): the drawn configuration was refused")
          continue
        }
        for _ in 0..<150 {
          let event = generator.draw(for: lockstep.snapshot, configuration: trace.configuration).event
          trace.steps.append(Trace.Step(event))
          _ = lockstep.step(event)
        }
        texts.append(TraceFormat.print(trace))
      }
      return (texts.joined(), report.digest)
    }
    for seed in [Self.firstSeed, 7, 123_456_789] {
      let first = run(seed)
      let second = run(seed)
      #expect(first.text == second.text, "seed \(seed): the trace text differs between two runs")
      #expect(first.digest == second.digest, "seed \(seed): the snapshot hash differs between two runs")
      #expect(first.digest != run(seed &+ 1).digest, "another seed draws another run")
    }
  }
}
