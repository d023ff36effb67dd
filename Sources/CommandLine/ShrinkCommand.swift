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
      var lines = report(
        trace: result.trace, failure: result.failure, originalLength: trace.steps.count,
        candidates: result.candidates, minimal: result.isOneMinimal, elapsed: clock.now - start,
        fault: options.fault,
        replay: "swift run allserved replay \(options.path)" + (options.fault.map { " --fault \($0)" } ?? ""))
      if options.certify {
        Terminal.progress("shrink: certifying \(result.trace.steps.count) events…")
        let renamings = (try? ReferenceBalancer(configuration: result.trace.configuration))?.serverRenamings ?? []
        let verdict = Certification.certify(
          result.trace, check: result.failure.check, mode: .differential
        ) { (pair: Lockstep<ReferenceBalancer, ProductionBalancer>) in
          pair.reference.canonicalFingerprint(renamings: renamings)
        }
        Terminal.endProgress()
        lines.append("")
        if let shorter = verdict.shorter {
          lines.append("NOT MINIMAL: a shorter trace (\(shorter.steps.count) events) fails the same check:")
          lines.append(TraceFormat.print(shorter))
        } else {
          lines.append(
            "CERTIFIED: no trace of fewer than \(result.trace.steps.count) events fails '\(result.failure.check)' in this scope "
              + "(\(Terminal.grouped(verdict.states)) states, \(Terminal.grouped(verdict.transitions)) transitions, "
              + "\(Int(verdict.seconds * 1000)) ms)")
        }
      }
      if let output = options.output {
        let saved = TraceFile.save(result.trace, to: output)
        lines += [""] + saved
        if saved.contains(where: { $0.hasPrefix("could not") }) { return (lines.joined(separator: "\n"), 2) }
      }
      return (lines.joined(separator: "\n"), 0)
    }
  }

  /// The failure report shared by `check` and `shrink`.
  static func report(
    trace: Trace, failure: LockstepFailure, originalLength: Int, candidates: Int?, minimal: Bool,
    elapsed: Duration, fault: Fault?, replay: String
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
      "shrunk:  \(originalLength) → \(trace.steps.count) events in \(milliseconds) ms"
        + (candidates.map { ", \($0) candidates" } ?? "") + (minimal ? ", 1-minimal" : ", budget reached (not proven 1-minimal)"),
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
