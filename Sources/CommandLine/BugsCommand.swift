import AllServedCore
public import AllServedHarness
import AllServedHistory
import AllServedModel

/// `allserved bugs`: the harness rediscovers each catalogued HAProxy bug on
/// its own, from fresh seeds.
public enum BugsCommand {
  /// One hunt for one bug from one seed.
  public struct Hunt: Sendable {
    /// The seed of the first trace.
    public var seed: UInt64
    /// Lockstep events until the bug showed; `nil` if it did not within the budget.
    public var events: Int?
    /// Wall time of the search, in seconds.
    public var seconds: Double
    /// The shrunk trace.
    public var shrunk: Trace?
  }

  /// Hunts `bug` from `seed`, trying up to `traces` traces of `length` events.
  public static func hunt(_ bug: HistoricalBug, seed: UInt64, traces: Int = 20_000, length: Int = 200) -> Hunt {
    let clock = ContinuousClock()
    let start = clock.now
    let check = RandomCheck(seed: seed, traces: traces, length: length)
    let report: RandomCheck.Report
    switch bug.variant {
    case .prePatch:
      report = check.run(ReferenceBalancer.self, PrePatchBalancer.self, mode: .invariantsOnly, isTarget: bug.matches)
    case .asPatched2008:
      report = check.run(ReferenceBalancer.self, AsPatched2008Balancer.self, mode: .invariantsOnly, isTarget: bug.matches)
    }
    let elapsed = clock.now - start
    let seconds = elapsed.inSeconds
    guard let failure = report.failure else { return Hunt(seed: seed, events: nil, seconds: seconds, shrunk: nil) }
    let shrunk: Trace?
    switch bug.variant {
    case .prePatch:
      shrunk = Shrinker<ReferenceBalancer, PrePatchBalancer>(mode: .invariantsOnly)
        .shrink(failure.trace, isTarget: bug.matches)?.trace
    case .asPatched2008:
      shrunk = Shrinker<ReferenceBalancer, AsPatched2008Balancer>(mode: .invariantsOnly)
        .shrink(failure.trace, isTarget: bug.matches)?.trace
    }
    return Hunt(seed: seed, events: report.events, seconds: seconds, shrunk: shrunk)
  }

  /// The length of the shortest trace that shows `bug` within `trace`'s own
  /// scope, established by exhaustive exploration: `trace`'s length when no
  /// shorter one exists, else the shorter one's.
  public static func certifiedLength(of bug: HistoricalBug, from trace: Trace) -> (length: Int, shorter: Trace?) {
    let check = "invariant \(bug.invariant.rawValue)"
    let shorter: Trace?
    switch bug.variant {
    case .prePatch:
      shorter = Certification.certify(trace, check: check, mode: .invariantsOnly, isTarget: bug.matches) {
        (pair: Lockstep<ReferenceBalancer, PrePatchBalancer>) in pair.candidate
      }.shorter
    case .asPatched2008:
      shorter = Certification.certify(trace, check: check, mode: .invariantsOnly, isTarget: bug.matches) {
        (pair: Lockstep<ReferenceBalancer, AsPatched2008Balancer>) in pair.candidate
      }.shorter
    }
    return (shorter?.steps.count ?? trace.steps.count, shorter)
  }

  /// The seed of hunt `index` for the bug at `bugIndex` of the catalogue,
  /// in a run whose first seed is `seed`: the same in every shard.
  static func huntSeed(_ seed: UInt64, bug bugIndex: Int, index: Int) -> UInt64 {
    seed &+ UInt64(bugIndex) &* 1_000_003 &+ UInt64(index) &* 7_919
  }

  /// Runs every catalogued bug from this shard's share of `options.seeds`
  /// fresh seeds and returns the table and the exit status: 0 when every bug
  /// was found from every seed.
  public static func run(_ options: BugsOptions) -> (output: String, status: Int32) {
    let indices = Array(options.shard.positions(of: options.seeds))
    let seeds = indices.count
    var lines = [
      "allserved bugs: each catalogued bug hunted from \(seeds) fresh seeds (first seed \(options.seed)"
        + (options.shard == .whole ? "" : ", shard \(options.shard) of \(options.seeds) seed indices") + "), then shrunk",
      "",
      "  bug                                      variant           invariant                   found   events med/max      time med/max      shrunk med/max (hand)  certified minimum",
    ]
    var junit = JUnitReport(
      name: "allserved bugs",
      properties: [("seed", "\(options.seed)"), ("seeds", "\(options.seeds)"), ("shard", "\(options.shard)")])
    var allFound = true
    for (bugIndex, bug) in BugCatalogue.bugs.enumerated() {
      var hunts: [Hunt] = []
      for (count, index) in indices.enumerated() {
        Terminal.progress("bugs: \(bug.id) seed \(count + 1)/\(seeds)")
        hunts.append(hunt(bug, seed: huntSeed(options.seed, bug: bugIndex, index: index)))
      }
      let found = hunts.filter { $0.events != nil }
      if found.count < seeds { allFound = false }
      func stat<T: Comparable>(_ values: [T]) -> (T, T)? {
        let sorted = values.sorted()
        return sorted.isEmpty ? nil : (sorted[sorted.count / 2], sorted[sorted.count - 1])
      }
      let events = stat(found.compactMap(\.events)).map { "\(Terminal.grouped($0.0))/\(Terminal.grouped($0.1))" } ?? "-"
      let times = stat(found.map(\.seconds)).map { "\(milliseconds($0.0))/\(milliseconds($0.1))" } ?? "-"
      let lengths = stat(found.compactMap { $0.shrunk?.steps.count }).map { "\($0.0)/\($0.1)" } ?? "-"
      // The shortest find, certified minimal in its own scope (or beaten there).
      var certified = "-"
      let best = found.compactMap(\.shrunk).min(by: { $0.steps.count < $1.steps.count })
      if let best {
        Terminal.progress("bugs: \(bug.id) certifying \(best.steps.count) events")
        let verdict = certifiedLength(of: bug, from: best)
        certified = verdict.shorter == nil ? "\(verdict.length)" : "\(best.steps.count)→\(verdict.length)"
      }
      lines.append(
        "  " + bug.id.padding(41) + bug.variant.rawValue.padding(18) + bug.invariant.rawValue.padding(28)
          + "\(found.count)/\(seeds)".padding(8) + events.padding(20) + times.padding(18)
          + "\(lengths) (\(bug.handDerivedLength))".padding(16) + certified)
      let missed = hunts.filter { $0.events == nil }.map { "\($0.seed)" }
      junit.cases.append(
        .init(
          name: bug.id, seconds: hunts.reduce(0) { $0 + $1.seconds },
          failure: missed.isEmpty
            ? nil
            : ("not found from \(missed.count) of \(seeds) seeds",
              "seeds that missed: \(missed.joined(separator: ", "))\nreplay: swift run allserved bugs --seed \(options.seed) "
                + "--seeds \(options.seeds)" + (options.shard == .whole ? "" : " --shard \(options.shard)")
                + "\nreference trace: \(bug.tracePath) (swift run allserved replay \(bug.tracePath) "
                + "--variant \(bug.variant.rawValue))"),
          output: best.map { "shortest find, certified length \(certified):\n" + TraceFormat.print($0) }))
    }
    Terminal.endProgress()
    lines.append("")
    lines.append(allFound ? "PASS: every catalogued bug was found from every seed" : "FAIL: some bug was not found from some seed")
    if let line = junit.write(to: options.junit) { lines += ["", line] }
    return (lines.joined(separator: "\n"), allFound ? 0 : 1)
  }

  static func milliseconds(_ seconds: Double) -> String { "\(Int(seconds * 1000)) ms" }
}
