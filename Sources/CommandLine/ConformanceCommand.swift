import AllServedConformance
import AllServedCore
import AllServedHarness
import Foundation

/// `allserved conformance`: the model's predictions against a real HAProxy 2.6.
public enum ConformanceCommand {
  /// The scripted scenarios, relative to the package root.
  static let scenarioDirectory = "Specs/Conformance"

  /// Runs the scripted scenarios (or `options.paths`) and `options.traces` random
  /// traces. Status 0 when all agree, 1 on a difference, 2 when haproxy is
  /// missing or a file cannot be used.
  public static func run(_ options: ConformanceOptions) -> (output: String, status: Int32) {
    let installation: HAProxyInstallation
    do { installation = try HAProxyInstallation.locate() } catch { return ("\(error)", 2) }
    let started = Clock.now
    var paths = options.paths
    if paths.isEmpty {
      paths = ((try? FileManager.default.contentsOfDirectory(atPath: scenarioDirectory)) ?? [])
        .filter { $0.hasSuffix(".trace") }.sorted().map { "\(scenarioDirectory)/\($0)" }
    }
    var scripted: [(name: String, trace: Trace)] = []
    for path in paths {
      do { scripted.append((path, try TraceFile.load(path))) } catch { return (error.message, 2) }
    }
    let suite = ConformanceSuite(installation: installation)
    var lines = ["haproxy: \(installation.version)"]
    var failures = 0
    var runs = 0
    let total = scripted.count + options.traces
    for (index, entry) in scripted.enumerated() {
      Terminal.progress("conformance: scenario \(index + 1)/\(scripted.count) \(entry.name)")
      let report = suite.check(entry.trace, name: entry.name)
      runs += 1
      if let text = report.failure {
        failures += 1
        lines.append(text)
      }
      if let error = report.error { return (error, 2) }
    }
    var generator = ConformanceTraces(seed: options.seed, length: options.length)
    for index in 0..<options.traces {
      Terminal.progress("conformance: random trace \(index + 1)/\(options.traces), \(failures) differences")
      let trace = generator.next()
      let report = suite.check(trace, name: "random trace \(index + 1) (seed \(trace.seed ?? 0))")
      runs += 1
      if let text = report.failure {
        failures += 1
        lines.append(text)
      }
      if let error = report.error { return (error, 2) }
    }
    Terminal.endProgress()
    let seconds = Double(Clock.now - started) / 1000
    lines.append(
      "\(runs - failures)/\(total) agree (\(scripted.count) scripted, \(options.traces) random), "
        + "\(failures) differences, \(String(format: "%.1f", seconds)) s")
    return (lines.joined(separator: "\n"), failures == 0 ? 0 : 1)
  }
}
