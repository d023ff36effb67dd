import AllServedCore
import AllServedHarness
import AllServedModel

/// `allserved check`: seeded random traces on the reference model.
public enum CheckCommand {
  /// Runs the check with a progress line on a terminal, and returns the summary
  /// and the exit status: 0 when every check held, 1 otherwise.
  public static func run(_ options: CheckOptions) -> (summary: String, status: Int32) {
    let check = RandomCheck(seed: options.seed, traces: options.traces, length: options.length)
    let clock = ContinuousClock()
    let start = clock.now
    var lastDraw = start
    let report = check.run(
      make: { try ReferenceBalancer(configuration: $0) },
      progress: { report in
        let now = clock.now
        guard now - lastDraw > .milliseconds(100) || report.traces == options.traces else { return }
        lastDraw = now
        Terminal.progress(
          "check: trace \(Terminal.grouped(report.traces))/\(Terminal.grouped(options.traces))"
            + "  events \(Terminal.grouped(report.events))")
      })
    Terminal.endProgress()
    let elapsed = clock.now - start
    return (summary(report, options: options, elapsed: elapsed), report.failure == nil ? 0 : 1)
  }

  static func summary(_ report: RandomCheck.Report, options: CheckOptions, elapsed: Duration) -> String {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = seconds > 0 ? Int(Double(report.events) / seconds) : 0
    let percent = report.events > 0 ? report.rejected * 1000 / report.events : 0
    var lines = [
      "allserved check: reference model, seeds \(options.seed)…\(options.seed &+ UInt64(options.traces - 1))",
      "",
      Terminal.row("traces", Terminal.grouped(report.traces)),
      Terminal.row("events", Terminal.grouped(report.events)),
      Terminal.row("rejected as impossible", "\(Terminal.grouped(report.rejected)) (\(percent / 10).\(percent % 10)%)"),
      Terminal.row("time", "\(Int(seconds * 1000)) ms, \(Terminal.grouped(rate)) events/s"),
      "",
      "  event kinds",
    ]
    lines += EventKind.allCases.map { Terminal.row($0.rawValue, Terminal.grouped(report.kinds[$0, default: 0])) }
    lines += ["", "  situations reached (accepted events)"]
    lines += Situation.allCases.map { Terminal.row($0.rawValue, Terminal.grouped(report.situations[$0, default: 0])) }
    lines.append("")
    if let failure = report.failure {
      lines += [
        "FAIL: trace seed \(failure.seed), event \(failure.events.count)",
        failure.message,
        "",
        "configuration:",
        failure.configuration.description,
        "",
        "events:",
      ]
      lines += failure.events.map { "  \($0)" }
      lines += ["", "replay: swift run allserved check --seed \(failure.seed) --traces 1 --length \(options.length)"]
    } else {
      lines.append("PASS: invariants I1–I12 held after every event; every impossible event was rejected unchanged")
    }
    return lines.joined(separator: "\n")
  }
}
