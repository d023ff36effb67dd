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

  /// Runs every catalogued bug from `seeds` fresh seeds and returns the table
  /// and the exit status: 0 when every bug was found from every seed.
  public static func run(seed: UInt64, seeds: Int) -> (output: String, status: Int32) {
    var lines = [
      "allserved bugs: each catalogued bug hunted from \(seeds) fresh seeds (first seed \(seed)), then shrunk",
      "",
      "  bug                                      variant           invariant                   found   events med/max      time med/max      shrunk med/max (hand)  certified minimum",
    ]
    var allFound = true
    for (bugIndex, bug) in BugCatalogue.bugs.enumerated() {
      var hunts: [Hunt] = []
      for index in 0..<seeds {
        Terminal.progress("bugs: \(bug.id) seed \(index + 1)/\(seeds)")
        hunts.append(hunt(bug, seed: seed &+ UInt64(bugIndex) &* 1_000_003 &+ UInt64(index) &* 7_919))
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
      if let best = found.compactMap(\.shrunk).min(by: { $0.steps.count < $1.steps.count }) {
        Terminal.progress("bugs: \(bug.id) certifying \(best.steps.count) events")
        let verdict = certifiedLength(of: bug, from: best)
        certified = verdict.shorter == nil ? "\(verdict.length)" : "\(best.steps.count)→\(verdict.length)"
      }
      lines.append(
        "  " + bug.id.padding(41) + bug.variant.rawValue.padding(18) + bug.invariant.rawValue.padding(28)
          + "\(found.count)/\(seeds)".padding(8) + events.padding(20) + times.padding(18)
          + "\(lengths) (\(bug.handDerivedLength))".padding(16) + certified)
    }
    Terminal.endProgress()
    lines.append("")
    lines.append(allFound ? "PASS: every catalogued bug was found from every seed" : "FAIL: some bug was not found from some seed")
    return (lines.joined(separator: "\n"), allFound ? 0 : 1)
  }

  static func milliseconds(_ seconds: Double) -> String { "\(Int(seconds * 1000)) ms" }
}
