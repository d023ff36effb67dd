import AllServedConformance
import AllServedCore
import AllServedHarness
import Foundation

/// `allserved conformance`: the model's predictions against a real HAProxy 2.6.
public enum ConformanceCommand {
  /// The scripted scenarios, relative to the package root.
  static let scenarioDirectory = "Specs/Conformance"
  /// The known differences, each a trace HAProxy 2.6 must still differ on.
  static let differenceDirectory = "Specs/Conformance/Differences"

  /// Runs the scripted scenarios (or `options.paths`) and `options.traces` random
  /// traces. Status 0 when all agree, 1 on a difference, 2 when haproxy is
  /// missing or a file cannot be used.
  public static func run(_ options: ConformanceOptions) -> (output: String, status: Int32) {
    let installation: HAProxyInstallation
    var environment = ProcessInfo.processInfo.environment
    if let path = options.haproxy { environment["ALLSERVED_HAPROXY"] = path }
    do { installation = try HAProxyInstallation.locate(environment: environment) } catch { return ("\(error)", 2) }
    let started = MonotonicClock.now
    var paths = options.paths
    var differencePaths: [String] = []
    if paths.isEmpty {
      paths = traceFiles(in: scenarioDirectory)
      differencePaths = traceFiles(in: differenceDirectory)
    }
    var scripted: [(name: String, trace: Trace)] = []
    var differences: [(name: String, trace: Trace)] = []
    do {
      for path in paths { scripted.append((path, try TraceFile.load(path))) }
      for path in differencePaths { differences.append((path, try TraceFile.load(path))) }
    } catch { return (error.message, 2) }
    let suite = ConformanceSuite(installation: installation)
    var lines = ["haproxy: \(installation.version)"]
    var disagreements = 0
    var differencesGone = 0
    var problem: String?
    func record(_ report: ConformanceSuite.Report, counting counter: inout Int) {
      if let error = report.error { problem = problem ?? error }
      if let text = report.failure {
        counter += 1
        lines.append(text)
      }
    }
    for (index, entry) in scripted.enumerated() where problem == nil {
      Terminal.progress("conformance: scenario \(index + 1)/\(scripted.count) \(entry.name)")
      record(suite.check(entry.trace, name: entry.name), counting: &disagreements)
    }
    for (index, entry) in differences.enumerated() where problem == nil {
      Terminal.progress("conformance: known difference \(index + 1)/\(differences.count) \(entry.name)")
      record(suite.checkKnownDifference(entry.trace, name: entry.name), counting: &differencesGone)
    }
    var generator = ConformanceTraces(seed: options.seed, length: options.length)
    for index in 0..<options.traces where problem == nil {
      Terminal.progress("conformance: random trace \(index + 1)/\(options.traces), \(disagreements) differences")
      let trace = generator.next()
      record(suite.check(trace, name: "random trace \(index + 1) (seed \(trace.seed ?? 0))"), counting: &disagreements)
    }
    Terminal.endProgress()
    if let problem { return (problem, 2) }
    let total = scripted.count + options.traces
    let seconds = Double(MonotonicClock.now - started) / 1000
    lines.append(
      "\(total - disagreements)/\(total) agree (\(scripted.count) scripted, \(options.traces) random), "
        + "\(disagreements) differences; known differences still shown: "
        + "\(differences.count - differencesGone)/\(differences.count); \(String(format: "%.1f", seconds)) s")
    return (lines.joined(separator: "\n"), disagreements + differencesGone == 0 ? 0 : 1)
  }

  private static func traceFiles(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .filter { $0.hasSuffix(".trace") }.sorted().map { "\(directory)/\($0)" }
  }
}
