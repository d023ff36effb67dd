import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel

/// `allserved shrink FILE`: the smallest trace that fails the same check.
public enum ShrinkCommand {
  /// Shrinks the trace in the file, prints the report, and returns the exit
  /// status: 0 when the trace failed and was shrunk, 1 when it passes (nothing
  /// to shrink), 2 when the file cannot be used.
  public static func run(_ options: ShrinkOptions) -> (output: String, status: Int32) {
    let trace: Trace
    do {
      trace = try TraceFile.load(options.path)
    } catch {
      return (error.message, 2)
    }
    return Fault.$active.withValue(options.fault) {
      let clock = ContinuousClock()
      let start = clock.now
      Terminal.progress("shrink: \(trace.steps.count) events…")
      let result = Shrinker<ReferenceBalancer, ProductionBalancer>().shrink(trace)
      Terminal.endProgress()
      guard let result else {
        return ("allserved shrink: \(options.path) passes every check: nothing to shrink", 1)
      }
      let shrinkElapsed = clock.now - start
      let minimal = certified(result.trace, failure: result.failure, budget: options.certifyBudget)
      var lines = report(
        trace: minimal.trace, failure: minimal.failure, originalLength: trace.steps.count,
        shrunkLength: result.trace.steps.count, candidates: result.candidates, minimal: result.isOneMinimal,
        elapsed: shrinkElapsed, certification: minimal.line, fault: options.fault,
        replay: "swift run allserved replay \(options.path)" + (options.fault.map { " --fault \($0)" } ?? ""))
      if let output = options.output {
        let saved = TraceFile.save(minimal.trace, to: output)
        lines += [""] + saved
        if saved.contains(where: { $0.hasPrefix("could not") }) { return (lines.joined(separator: "\n"), 2) }
      }
      return (lines.joined(separator: "\n"), 0)
    }
  }

  /// The shortest failing trace the search finds in the shrunk trace's own
  /// scope within `budget` states (model and implementation in lockstep), or
  /// the shrunk trace itself; and the line that says which.
  static func certified(
    _ trace: Trace, failure: LockstepFailure, budget: Int
  ) -> (trace: Trace, failure: LockstepFailure, line: String?) {
    guard budget > 0 else { return (trace, failure, nil) }
    Terminal.progress("certifying \(trace.steps.count) events…")
    let verdict = Certification.certify(trace, check: failure.check, mode: .differential, budget: budget) { configuration in
      let renamings = (try? ReferenceBalancer(configuration: configuration))?.serverRenamings ?? []
      return { (pair: Lockstep<ReferenceBalancer, ProductionBalancer>) in pair.reference.canonicalFingerprint(renamings: renamings) }
    }
    Terminal.endProgress()
    return adopt(verdict, trace: trace, failure: failure, budget: budget)
  }

  /// The certified trace of `verdict` (or `trace`), and the line that says what the search established.
  static func adopt(
    _ verdict: Certification.Verdict, trace: Trace, failure: LockstepFailure, budget: Int
  ) -> (trace: Trace, failure: LockstepFailure, line: String) {
    let cost = "\(Terminal.grouped(verdict.states)) states, \(Terminal.grouped(verdict.transitions)) transitions, \(Int(verdict.seconds * 1000)) ms"
    if var shorter = verdict.shorter, let shorterFailure = verdict.failure {
      shorter.title = trace.title
      shorter.bug = trace.bug
      shorter.seed = trace.seed
      return (
        shorter, shorterFailure,
        "certified minimal in its scope: \(shorter.steps.count) events, found by exhaustive search where the shrinker left "
          + "\(trace.steps.count) (\(cost))"
      )
    }
    if verdict.isSettled {
      return (
        trace, failure,
        "certified minimal in its scope: no trace of fewer than \(trace.steps.count) events fails '\(failure.check)' (\(cost))"
      )
    }
    return (
      trace, failure,
      "1-minimal, not certified: its scope (to depth \(max(0, trace.steps.count - 1))) holds more than the budget of "
        + "\(Terminal.grouped(budget)) states; the search reached depth \(verdict.depth) (\(cost)); raise --certify-budget"
    )
  }

  /// The failure report shared by `check` and `shrink`.
  static func report(
    trace: Trace, failure: LockstepFailure, originalLength: Int, shrunkLength: Int, candidates: Int?, minimal: Bool,
    elapsed: Duration, certification: String?, fault: Fault?, replay: String
  ) -> [String] {
    let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    let candidate = fault.map { "implementation with '\($0)'" } ?? "implementation"
    let report = FailureReport<ReferenceBalancer, ProductionBalancer>(
      trace: trace, failure: failure, names: ("model", candidate))
    var lines = [
      "FAIL: \(failure.check) at step \(failure.step)" + (trace.seed.map { " (trace seed \($0))" } ?? ""),
      "  model:          \(failure.reference)",
      "  \(candidate): \(failure.candidate)",
      "",
      "replay:  \(replay)",
      "shrunk:  \(originalLength) → \(shrunkLength) events in \(milliseconds) ms"
        + (candidates.map { ", \($0) candidates" } ?? "") + (minimal ? ", 1-minimal" : ", budget reached (not proven 1-minimal)"),
    ]
    if let certification { lines.append("         \(certification)") }
    lines += [
      "",
      "--- shrunk trace (keep it: `--save Specs/Traces/NAME.trace`, or `shrink FILE -o …`) ---",
    ]
    lines += TraceFormat.print(trace).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    lines += ["", "--- step by step (fields that changed or differ; ≠ marks a difference) ---"]
    lines.append(report.table)
    lines += ["", "--- a Swift Testing test for Tests/ ---", report.swiftTest]
    return lines
  }
}
