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
    /// The shrinker's trace.
    public var shrinkerTrace: Trace?
    /// Wall time of the shrinker, in seconds.
    public var shrinkSeconds = 0.0
    /// What the search of the shrinker trace's own scope established; nil when not asked for.
    public var certification: Certification.Verdict?
    /// The result: the shortest trace found by the search, else the shrinker's.
    public var shrunk: Trace? { certification?.shorter ?? shrinkerTrace }
    /// Whether ``shrunk`` is certified minimal in its scope.
    public var isCertified: Bool { certification?.isSettled ?? false }
  }

  /// Hunts `bug` from `seed`, trying up to `traces` traces of `length` events;
  /// shrinks the find, then searches its scope for a shorter one within
  /// `budget` distinct states (0: no search).
  public static func hunt(
    _ bug: HistoricalBug, seed: UInt64, traces: Int = 20_000, length: Int = 200, budget: Int = 0
  ) -> Hunt {
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
    let seconds = (clock.now - start).inSeconds
    guard let failure = report.failure else { return Hunt(seed: seed, events: nil, seconds: seconds) }
    let shrinkStart = clock.now
    let shrunk: Trace?
    switch bug.variant {
    case .prePatch:
      shrunk = Shrinker<ReferenceBalancer, PrePatchBalancer>(mode: .invariantsOnly)
        .shrink(failure.trace, isTarget: bug.matches)?.trace
    case .asPatched2008:
      shrunk = Shrinker<ReferenceBalancer, AsPatched2008Balancer>(mode: .invariantsOnly)
        .shrink(failure.trace, isTarget: bug.matches)?.trace
    }
    var hunt = Hunt(
      seed: seed, events: report.events, seconds: seconds, shrinkerTrace: shrunk,
      shrinkSeconds: (clock.now - shrinkStart).inSeconds)
    if budget > 0, let shrunk { hunt.certification = certification(of: bug, from: shrunk, budget: budget) }
    return hunt
  }

  /// Searches `trace`'s own scope, breadth first, for a shorter trace that
  /// shows `bug` (``Certification``): the shortest there is, or none.
  public static func certification(
    of bug: HistoricalBug, from trace: Trace, budget: Int = Certification.defaultBudget
  ) -> Certification.Verdict {
    let check = "invariant \(bug.invariant.rawValue)"
    switch bug.variant {
    case .prePatch:
      return Certification.certify(trace, check: check, mode: .invariantsOnly, budget: budget, isTarget: bug.matches) {
        _ in { (pair: Lockstep<ReferenceBalancer, PrePatchBalancer>) in pair.candidate }
      }
    case .asPatched2008:
      return Certification.certify(trace, check: check, mode: .invariantsOnly, budget: budget, isTarget: bug.matches) {
        _ in { (pair: Lockstep<ReferenceBalancer, AsPatched2008Balancer>) in pair.candidate }
      }
    }
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
        + (options.shard == .whole ? "" : ", shard \(options.shard) of \(options.seeds) seed indices")
        + "), shrunk, then certified by exhaustive search of the find's own scope"
        + (options.certifyBudget > 0 ? " (budget \(Terminal.grouped(options.certifyBudget)) states)" : " (not asked for)"),
      "",
      "  bug                                      variant           invariant                   found   events med/max      "
        + "find ms   shrinker med/max  shrink ms   result med/max (hand)  certified  certify ms  total ms med/max",
    ]
    var junit = JUnitReport(
      name: "allserved bugs",
      properties: [
        ("seed", "\(options.seed)"), ("seeds", "\(options.seeds)"), ("shard", "\(options.shard)"),
        ("certify-budget", "\(options.certifyBudget)"),
      ])
    var allFound = true
    for (bugIndex, bug) in BugCatalogue.bugs.enumerated() {
      var hunts: [Hunt] = []
      for (count, index) in indices.enumerated() {
        Terminal.progress("bugs: \(bug.id) seed \(count + 1)/\(seeds)")
        hunts.append(
          hunt(bug, seed: huntSeed(options.seed, bug: bugIndex, index: index), budget: options.certifyBudget))
      }
      let found = hunts.filter { $0.events != nil }
      if found.count < seeds { allFound = false }
      func stat<T: Comparable>(_ values: [T]) -> (T, T)? {
        let sorted = values.sorted()
        return sorted.isEmpty ? nil : (sorted[sorted.count / 2], sorted[sorted.count - 1])
      }
      func pair<T: Comparable>(_ values: [T], _ show: (T) -> String) -> String {
        stat(values).map { "\(show($0.0))/\(show($0.1))" } ?? "-"
      }
      let events = pair(found.compactMap(\.events)) { Terminal.grouped($0) }
      let findTimes = pair(found.map(\.seconds)) { "\(Int($0 * 1000))" }
      let shrinker = pair(found.compactMap { $0.shrinkerTrace?.steps.count }) { "\($0)" }
      let shrinkTimes = pair(found.map(\.shrinkSeconds)) { "\(Int($0 * 1000))" }
      let lengths = pair(found.compactMap { $0.shrunk?.steps.count }) { "\($0)" }
      let certified = found.filter(\.isCertified).count
      let certifyTimes = pair(found.map { $0.certification?.seconds ?? 0 }) { "\(Int($0 * 1000))" }
      let totals = pair(found.map { $0.seconds + $0.shrinkSeconds + ($0.certification?.seconds ?? 0) }) { "\(Int($0 * 1000))" }
      lines.append(
        "  " + bug.id.padding(41) + bug.variant.rawValue.padding(18) + bug.invariant.rawValue.padding(28)
          + "\(found.count)/\(seeds)".padding(8) + events.padding(20) + findTimes.padding(10) + shrinker.padding(18)
          + shrinkTimes.padding(12) + "\(lengths) (\(bug.handDerivedLength))".padding(23)
          + "\(certified)/\(found.count)".padding(11) + certifyTimes.padding(12) + totals)
      let missed = hunts.filter { $0.events == nil }.map { "\($0.seed)" }
      let uncertified = found.filter { !$0.isCertified }.map { "\($0.seed)" }
      let best = found.compactMap(\.shrunk).min { $0.steps.count < $1.steps.count }
      let replay = "swift run allserved bugs --seed \(options.seed) --seeds \(options.seeds)"
        + (options.shard == .whole ? "" : " --shard \(options.shard)")
      var failure: (message: String, details: String)?
      if !missed.isEmpty {
        failure = (
          "not found from \(missed.count) of \(seeds) seeds",
          "seeds that missed: \(missed.joined(separator: ", "))\nreplay: \(replay)\nreference trace: \(bug.tracePath) "
            + "(swift run allserved replay \(bug.tracePath) --variant \(bug.variant.rawValue))"
        )
      }
      junit.cases.append(
        .init(
          name: bug.id, seconds: found.reduce(0) { $0 + $1.seconds + $1.shrinkSeconds + ($1.certification?.seconds ?? 0) },
          failure: failure,
          output: best.map {
            "shortest find (\(certified)/\(found.count) finds certified minimal"
              + (uncertified.isEmpty ? "" : "; not certified: seeds \(uncertified.joined(separator: ", "))") + "):\n"
              + TraceFormat.print($0)
          }))
    }
    Terminal.endProgress()
    lines.append("")
    lines.append(allFound ? "PASS: every catalogued bug was found from every seed" : "FAIL: some bug was not found from some seed")
    if let line = junit.write(to: options.junit) { lines += ["", line] }
    return (lines.joined(separator: "\n"), allFound ? 0 : 1)
  }

  static func milliseconds(_ seconds: Double) -> String { "\(Int(seconds * 1000)) ms" }
}
