import AllServedCore
public import AllServedEngine
public import AllServedHarness
import AllServedModel

/// `allserved mutants`: every fault of the mutation catalogue, planted alone,
/// against the lockstep harness.
public enum MutantsCommand {
  /// What became of one mutant.
  public struct Result: Sendable {
    /// The planted fault.
    public var fault: Fault
    /// Lockstep events until the harness noticed it; `nil` if it survived.
    public var eventsToFailure: Int?
    /// The check that failed.
    public var check: String?
    /// The length of the shrunk trace.
    public var shrunkLength: Int? { shrunk?.steps.count }
    /// The shrunk trace that kills it.
    public var shrunk: Trace?
    /// Wall time of the hunt and the shrink, in seconds.
    public var seconds: Double
  }

  /// Runs each mutant with the given budget (it stops at its first failure).
  public static func results(
    seed: UInt64, traces: Int, length: Int, faults: [Fault] = Fault.allCases, progress: (Int) -> Void = { _ in }
  ) -> [Result] {
    faults.enumerated().map { index, fault in
      progress(index)
      let clock = ContinuousClock()
      let start = clock.now
      return Fault.$active.withValue(fault) {
        let report = RandomCheck(seed: seed, traces: traces, length: length)
          .run(ReferenceBalancer.self, ProductionBalancer.self)
        guard let failure = report.failure else {
          return Result(fault: fault, eventsToFailure: nil, check: nil, shrunk: nil, seconds: (clock.now - start).inSeconds)
        }
        let shrunk = Shrinker<ReferenceBalancer, ProductionBalancer>().shrink(failure.trace)
        return Result(
          fault: fault, eventsToFailure: report.events, check: failure.failure.check,
          shrunk: shrunk?.trace ?? failure.trace, seconds: (clock.now - start).inSeconds)
      }
    }
  }

  /// Runs the catalogue and returns the table and the exit status: 0 when
  /// every mutant was killed, 1 otherwise.
  public static func run(_ options: CheckOptions) -> (output: String, status: Int32) {
    guard Fault.isCompiledIn else {
      return ("allserved mutants: this is a release build; the fault sites exist in debug builds (swift run allserved mutants)", 2)
    }
    let clock = ContinuousClock()
    let start = clock.now
    let all = options.shard.share(of: Fault.allCases)
    let found = results(seed: options.seed, traces: options.traces, length: options.length, faults: all) { index in
      Terminal.progress("mutants: \(index + 1)/\(all.count) \(all[index])")
    }
    Terminal.endProgress()
    let elapsed = clock.now - start
    var lines = [
      "allserved mutants: \(all.count) single-point faults planted one at a time in the implementation"
        + (options.shard == .whole ? "," : " (shard \(options.shard) of \(Fault.allCases.count)),"),
      "each run against the model in lockstep (seed \(options.seed), up to \(options.traces) traces × \(options.length) events)",
      "",
      "  mutant                              verdict   events to failure   shrunk   check",
    ]
    for result in found {
      let verdict = result.eventsToFailure == nil ? "SURVIVED" : "killed"
      lines.append(
        "  " + result.fault.rawValue.padding(34) + verdict.padding(10)
          + Terminal.column(result.eventsToFailure.map(Terminal.grouped) ?? "-", 17)
          + Terminal.column(result.shrunkLength.map(String.init) ?? "-", 9) + "   " + (result.check ?? "-"))
    }
    var junit = JUnitReport(name: "allserved mutants", properties: CheckCommand.properties(options))
    for result in found {
      let replay = "swift run allserved check --fault \(result.fault) --seed \(options.seed) --traces \(options.traces) --length \(options.length)"
      junit.cases.append(
        .init(
          name: result.fault.rawValue, seconds: result.seconds,
          failure: result.eventsToFailure == nil
            ? ("survived \(options.traces) traces of \(options.length) events", "replay: \(replay)") : nil,
          output: result.shrunk.map { "killed by '\(result.check ?? "?")'; replay: \(replay)\n" + TraceFormat.print($0) }))
    }
    let survivors = found.filter { $0.eventsToFailure == nil }
    let events = found.compactMap(\.eventsToFailure).sorted()
    let median = events.isEmpty ? 0 : events[events.count / 2]
    let seconds = elapsed.inSeconds
    lines += [
      "",
      "killed \(found.count - survivors.count) of \(found.count); median \(Terminal.grouped(median)) events to failure; \(Int(seconds * 1000)) ms",
    ]
    lines.append(
      survivors.isEmpty ? "PASS: every mutant was killed" : "FAIL: survivors: " + survivors.map(\.fault.rawValue).joined(separator: ", "))
    if let line = junit.write(to: options.junit) { lines += ["", line] }
    return (lines.joined(separator: "\n"), survivors.isEmpty ? 0 : 1)
  }
}

extension String {
  func padding(_ width: Int) -> String {
    self + String(repeating: " ", count: max(1, width - count))
  }
}
