import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel

/// `allserved check`: seeded random traces, model and implementation in lockstep.
public enum CheckCommand {
  /// Runs the check with a progress line on a terminal, and returns the
  /// summary and the exit status: 0 when every check held and coverage was
  /// met, 1 otherwise.
  public static func run(_ options: CheckOptions) -> (summary: String, status: Int32) {
    Fault.$active.withValue(options.fault) { runPlanted(options) }
  }

  static func runPlanted(_ options: CheckOptions) -> (summary: String, status: Int32) {
    var check = RandomCheck(seed: options.seed, traces: options.traces, length: options.length)
    check.shard = options.shard
    let share = options.shard.positions(of: options.traces).underestimatedCount
    let clock = ContinuousClock()
    let start = clock.now
    var lastDraw = start
    var lastTrace = start
    var junit = JUnitReport(name: "allserved check", properties: properties(options))
    let report = check.run(ReferenceBalancer.self, ProductionBalancer.self, progress: { report in
      let now = clock.now
      if options.junit != nil, let seed = report.lastSeed {
        junit.cases.append(.init(name: "seed \(seed)", seconds: (now - lastTrace).inSeconds))
      }
      lastTrace = now
      guard now - lastDraw > .milliseconds(100) || report.traces == share else { return }
      lastDraw = now
      Terminal.progress(
        "check: trace \(Terminal.grouped(report.traces))/\(Terminal.grouped(share))"
          + "  events \(Terminal.grouped(report.events))")
    })
    let elapsed = clock.now - start
    var lines = summary(report, options: options, elapsed: elapsed)
    var status: Int32 = 0
    if let failure = report.failure {
      status = 1
      Terminal.progress("check: shrinking the failing trace of seed \(failure.seed)…")
      let shrinkStart = clock.now
      let shrunk = Shrinker<ReferenceBalancer, ProductionBalancer>().shrink(failure.trace)
      Terminal.endProgress()
      let shrinkElapsed = clock.now - shrinkStart
      var shrunkTrace = shrunk?.trace ?? failure.trace
      shrunkTrace.title = options.title
      shrunkTrace.bug = options.bug
      let minimal = ShrinkCommand.certified(
        shrunkTrace, failure: shrunk?.failure ?? failure.failure, budget: options.certifyBudget)
      let trace = minimal.trace
      let failed = minimal.failure
      let replay = "swift run allserved check --seed \(failure.seed) --traces 1 --length \(options.length)"
        + (options.fault.map { " --fault \($0)" } ?? "")
      lines += ShrinkCommand.report(
        trace: trace, failure: failed, originalLength: failure.trace.steps.count, shrunkLength: shrunkTrace.steps.count,
        candidates: shrunk?.candidates, minimal: shrunk?.isOneMinimal ?? false,
        elapsed: shrinkElapsed, certification: minimal.line, fault: options.fault, replay: replay)
      junit.cases.append(
        .init(
          name: "seed \(failure.seed)", seconds: (clock.now - lastTrace).inSeconds,
          failure: ("\(failed.check) at step \(failed.step)", "replay: \(replay)\n\n" + TraceFormat.print(trace))))
      if let path = options.save {
        lines += [""] + TraceFile.save(trace, to: path)
        if path.hasPrefix("Specs/Traces/") { lines.append("(`swift test` replays it, and checks that its picture is current)") }
      }
    } else {
      Terminal.endProgress()
      let shortfalls = report.coverageShortfalls
      if shortfalls.isEmpty {
        lines.append(
          "PASS: model and implementation agreed on every outcome and snapshot; invariants I1–I12 held; "
            + "every impossible event was rejected unchanged"
            + (report.traces >= Situation.coverageJudgedFrom ? "; coverage met" : "; too few traces to judge coverage"))
      } else {
        status = 1
        lines.append("FAIL: coverage below its declared minimum:")
        lines += shortfalls.map { "  \($0.situation): \($0.traces) traces, at least \($0.required) required" }
      }
    }
    if let line = junit.write(to: options.junit) { lines += ["", line] }
    return (lines.joined(separator: "\n"), status)
  }

  static func summary(_ report: RandomCheck.Report, options: CheckOptions, elapsed: Duration) -> [String] {
    let seconds = elapsed.inSeconds
    let rate = seconds > 0 ? Int(Double(report.events) / seconds) : 0
    let percent = report.events > 0 ? report.rejected * 1000 / report.events : 0
    let last = options.seed &+ UInt64(options.traces - 1)
    let shard = options.shard == .whole ? "" : ", shard \(options.shard) (trace i when i mod \(options.shard.count) = \(options.shard.index - 1))"
    var lines = [
      "allserved check: model ⇄ implementation in lockstep, seeds \(options.seed)…\(last)" + shard
        + (options.fault.map { ", fault '\($0)' planted in the implementation" } ?? ""),
      "",
      Terminal.row("traces", Terminal.grouped(report.traces)),
      Terminal.row("events", Terminal.grouped(report.events)),
      Terminal.row("rejected as impossible", "\(Terminal.grouped(report.rejected)) (\(percent / 10).\(percent % 10)%)"),
      Terminal.row("time", "\(Int(seconds * 1000)) ms, \(Terminal.grouped(rate)) lockstep events/s"),
      "",
      "  event kinds",
    ]
    lines += EventKind.allCases.map { Terminal.row($0.rawValue, Terminal.grouped(report.kinds[$0, default: 0])) }
    lines += ["", "  situations                                      events    traces   minimum"]
    for situation in Situation.allCases {
      let required = Int((Double(max(report.traces, 1)) * situation.minimumTraceShare).rounded(.up))
      let traces = report.situationTraces[situation, default: 0]
      let mark = report.traces >= Situation.coverageJudgedFrom && traces < required ? "  ✗" : ""
      lines.append(
        Terminal.row(situation.rawValue, Terminal.grouped(report.situations[situation, default: 0]))
          + Terminal.column(Terminal.grouped(traces), 10) + Terminal.column(Terminal.grouped(required), 10) + mark)
    }
    lines.append("")
    return lines
  }

  /// The run's settings, for a JUnit report.
  static func properties(_ options: CheckOptions) -> [(name: String, value: String)] {
    [
      ("seed", "\(options.seed)"), ("traces", "\(options.traces)"), ("length", "\(options.length)"),
      ("shard", "\(options.shard)"), ("fault", options.fault?.rawValue ?? "none"),
    ]
  }
}
