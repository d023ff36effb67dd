import AllServedCore
import AllServedHarness
import AllServedModel
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Random traces over random configurations: the model never traps, accepts
/// every event the generator draws as enabled, rejects every impossible one
/// unchanged, keeps every invariant after every event, and replays identically.
@Suite("Model under random traces")
struct ModelFuzzTests {
  /// The first seed; `ALLSERVED_MODEL_SEED=n swift test --filter ModelFuzzTests` runs from n.
  static var firstSeed: UInt64 {
    getenv("ALLSERVED_MODEL_SEED").flatMap { UInt64(String(cString: $0)) } ?? 2026
  }

  static func check(seed: UInt64, traces: Int, length: Int) -> RandomCheck.Report {
    RandomCheck(seed: seed, traces: traces, length: length).run { configuration in
      try ReferenceBalancer(configuration: configuration)
    }
  }

  @Test("The model keeps every invariant and rejects exactly the impossible events")
  func randomTraces() {
    let report = Self.check(seed: Self.firstSeed, traces: 300, length: 250)
    if let failure = report.failure {
      Issue.record(
        """
        trace seed \(failure.seed), event \(failure.events.count): \(failure.message)
        replay: swift run allserved check --seed \(failure.seed) --traces 1 --length 250
        \(failure.configuration)
        \(failure.events.map { "  \($0)" }.joined(separator: "\n"))
        """)
      return
    }
    #expect(report.events == 300 * 250)
    #expect(report.rejected > report.events / 50, "about 5% of the events are drawn impossible")
    #expect(Set(report.kinds.keys) == Set(EventKind.allCases), "every event kind was drawn")
    #expect(Set(report.situations.keys) == Set(Situation.allCases), "every named situation was reached")
  }

  @Test("A seed replays to the same events, outcomes and snapshots")
  func determinism() {
    for seed in [Self.firstSeed, 7, 123_456_789] {
      let first = Self.check(seed: seed, traces: 4, length: 250)
      let second = Self.check(seed: seed, traces: 4, length: 250)
      #expect(first.digest == second.digest, "seed \(seed)")
      #expect(first.events == 1000)
      let other = Self.check(seed: seed &+ 1, traces: 4, length: 250)
      #expect(first.digest != other.digest, "another seed draws another run")
    }
  }
}
