import AllServedCore
public import AllServedHarness

/// Runs conformance traces, shrinks a difference to a short trace, and
/// reports it in the trace format, ready to save under Specs/Conformance.
public struct ConformanceSuite: Sendable {
  /// The runner.
  public var runner: ConformanceRunner
  /// HAProxy runs a shrink may spend (each takes 0.1–1 s).
  public var shrinkBudget = 40

  /// A suite on `installation`.
  public init(installation: HAProxyInstallation) {
    runner = ConformanceRunner(installation: installation)
  }

  /// What one trace gave.
  public struct Report: Sendable {
    /// The run of the trace as given.
    public var result: ConformanceRunner.Result?
    /// The shrunk difference, as text, when HAProxy and the model disagree.
    public var failure: String?
    /// A trace that cannot be run, or HAProxy that cannot be started.
    public var error: String?
  }

  /// Runs `trace`; on a difference, shrinks it and describes it. A difference
  /// must show twice, on two fresh HAProxy processes: a busy machine can delay
  /// HAProxy past the runner's margins once.
  public func check(_ trace: Trace, name: String) -> Report {
    var result: ConformanceRunner.Result
    do {
      result = try runner.run(configuration: trace.configuration, events: trace.events)
      if result.difference != nil {
        result = try runner.run(configuration: trace.configuration, events: trace.events)
      }
    } catch {
      return Report(result: nil, failure: nil, error: "\(name): \(error)")
    }
    guard let difference = result.difference else { return Report(result: result, failure: nil, error: nil) }
    let external = trace.events.filter(ConformanceRunner.isExternal)
    let shrunk = shrink(trace.configuration, Array(external.prefix(difference.step + 1)))
    let final = (try? runner.run(configuration: trace.configuration, events: shrunk)) ?? result
    let shown = final.difference ?? difference
    var printed = Trace(
      configuration: trace.configuration, events: final.modelTrace,
      title: "HAProxy 2.6 differs from the model: \(name)", seed: trace.seed)
    printed.check = "conformance"
    var lines = [
      "DIFFERENCE in \(name) at step \(shown.step + 1) `\(shown.event)`"
        + " (shrunk from \(external.count) to \(shrunk.count) events; HAProxy's steps ran at most "
        + "\(final.maximumLateness) ms behind model time):"
    ]
    lines += shown.observed.differences(from: shown.predicted).map { "  haproxy: \($0)" }
    lines.append(TraceFormat.print(printed))
    return Report(result: result, failure: lines.joined(separator: "\n"), error: nil)
  }

  /// Runs a known difference (Specs/Conformance/Differences): HAProxy must
  /// still differ from the model, at the trace's last step and not before.
  public func checkKnownDifference(_ trace: Trace, name: String) -> Report {
    let result: ConformanceRunner.Result
    do { result = try runner.run(configuration: trace.configuration, events: trace.events) } catch {
      return Report(result: nil, failure: nil, error: "\(name): \(error)")
    }
    let last = trace.events.filter(ConformanceRunner.isExternal).count - 1
    guard let difference = result.difference else {
      return Report(
        result: result,
        failure: "KNOWN DIFFERENCE GONE: \(name) now agrees with the model; update Specs/Conformance.md",
        error: nil)
    }
    guard difference.step == last else {
      return Report(
        result: result,
        failure: "KNOWN DIFFERENCE MOVED: \(name) differs at step \(difference.step + 1) `\(difference.event)`, "
          + "before its last step \(last + 1)",
        error: nil)
    }
    return Report(result: result, failure: nil, error: nil)
  }

  /// Deletes chunks, then single events, while HAProxy still differs: at most
  /// `shrinkBudget` runs. Ticks are kept, so time between the others stays.
  func shrink(_ configuration: Configuration, _ events: [Event]) -> [Event] {
    var current = events
    var runs = 0
    func stillDiffers(_ candidate: [Event]) -> Bool {
      runs += 1
      guard let result = try? runner.run(configuration: configuration, events: candidate) else { return false }
      return result.difference != nil
    }
    var chunk = max(1, current.count / 2)
    while chunk >= 1, runs < shrinkBudget {
      var start = 0
      var removedAny = false
      while start < current.count, runs < shrinkBudget {
        let end = min(current.count, start + chunk)
        let removable = (start..<end).filter { !Self.isTick(current[$0]) }
        if removable.isEmpty {
          start = end
          continue
        }
        var candidate = current
        for index in removable.reversed() { candidate.remove(at: index) }
        if stillDiffers(candidate) {
          current = candidate
          removedAny = true
        } else {
          start = end
        }
      }
      if !removedAny { chunk /= 2 }
    }
    // Adjacent ticks merge into one: the same instants, a shorter trace.
    var merged: [Event] = []
    for event in current {
      if case .tick(let more) = event, case .tick(let duration)? = merged.last {
        merged[merged.count - 1] = .tick(duration + more)
      } else {
        merged.append(event)
      }
    }
    return merged
  }

  private static func isTick(_ event: Event) -> Bool {
    if case .tick = event { true } else { false }
  }
}
