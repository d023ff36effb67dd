import AllServedConformance
import AllServedCore
package import AllServedHarness
import Foundation

/// `allserved conformance`: the model's predictions against a real HAProxy 2.6.
public enum ConformanceCommand {
  /// The scripted scenarios, relative to the package root.
  static let scenarioDirectory = "Specs/Conformance"
  /// The known differences, each a trace HAProxy 2.6 must still differ on.
  static let differenceDirectory = "Specs/Conformance/Differences"

  /// One trace of a conformance run.
  package struct Item {
    /// What the run is: a scenario, a known difference that must still show,
    /// or random trace *i* (seed S + *i*).
    package enum Kind: Equatable { case scripted, knownDifference, generated(index: Int) }
    /// The kind.
    package var kind: Kind
    /// The file, or `random trace i (seed S)`.
    package var name: String
    /// The trace.
    package var trace: Trace
  }

  /// Every trace of the unsharded run, in order: the scripted scenarios (or
  /// `options.paths`), the known differences, then the random traces; then
  /// this shard's share of them.
  package static func plan(_ options: ConformanceOptions) throws(TraceFile.Problem) -> [Item] {
    var items: [Item] = []
    let paths = options.paths.isEmpty ? traceFiles(in: scenarioDirectory) : options.paths
    for path in paths { items.append(Item(kind: .scripted, name: path, trace: try TraceFile.load(path))) }
    if options.paths.isEmpty {
      for path in traceFiles(in: differenceDirectory) {
        items.append(Item(kind: .knownDifference, name: path, trace: try TraceFile.load(path)))
      }
    }
    for index in 0..<options.traces {
      let seed = options.seed &+ UInt64(index)
      let trace = ConformanceTraces.trace(seed: seed, length: options.length)
      items.append(Item(kind: .generated(index: index), name: "random trace \(index + 1) (seed \(seed))", trace: trace))
    }
    return options.shard.share(of: items)
  }

  /// Runs this shard's share of the scripted scenarios (or `options.paths`),
  /// the known differences and `options.traces` random traces. Status 0 when
  /// all agree, 1 on a difference, 2 when haproxy is missing or a file cannot
  /// be used.
  public static func run(_ options: ConformanceOptions) -> (output: String, status: Int32) {
    let installation: HAProxyInstallation
    var environment = ProcessInfo.processInfo.environment
    if let path = options.haproxy { environment["ALLSERVED_HAPROXY"] = path }
    do { installation = try HAProxyInstallation.locate(environment: environment) } catch { return ("\(error)", 2) }
    let started = MonotonicClock.now
    let items: [Item]
    do { items = try plan(options) } catch { return (error.message, 2) }
    let suite = ConformanceSuite(installation: installation)
    var lines = ["haproxy: \(installation.version)" + (options.shard == .whole ? "" : ", shard \(options.shard)")]
    var junit = JUnitReport(
      name: "allserved conformance",
      properties: [
        ("haproxy", installation.version), ("seed", "\(options.seed)"), ("traces", "\(options.traces)"),
        ("length", "\(options.length)"), ("shard", "\(options.shard)"),
      ])
    var disagreements = 0
    var differencesGone = 0
    var problem: String?
    for (position, item) in items.enumerated() where problem == nil {
      let label: String
      switch item.kind {
      case .scripted: label = "scenario \(item.name)"
      case .knownDifference: label = "known difference \(item.name)"
      case .generated: label = item.name
      }
      Terminal.progress("conformance: \(position + 1)/\(items.count) \(label), \(disagreements) differences")
      let itemStart = MonotonicClock.now
      let report = item.kind == .knownDifference
        ? suite.checkKnownDifference(item.trace, name: item.name) : suite.check(item.trace, name: item.name)
      if let error = report.error { problem = problem ?? error }
      var failure: (message: String, details: String)?
      if let text = report.failure {
        if item.kind == .knownDifference { differencesGone += 1 } else { disagreements += 1 }
        lines.append(text)
        let replay = "swift run allserved conformance " + (item.kind.isRandom ? "--seed \(item.trace.seed ?? 0) --traces 1 --length \(options.length)" : item.name)
        failure = (item.kind == .knownDifference ? "the known difference no longer shows" : "HAProxy 2.6 and the model differ",
          "replay: \(replay)\n\n\(text)")
      }
      junit.cases.append(.init(name: label, seconds: Double(MonotonicClock.now - itemStart) / 1000, failure: failure))
    }
    Terminal.endProgress()
    if let problem { return (problem, 2) }
    let scripted = items.filter { $0.kind == .scripted }.count
    let random = items.filter(\.kind.isRandom).count
    let differences = items.filter { $0.kind == .knownDifference }.count
    let total = scripted + random
    let seconds = Double(MonotonicClock.now - started) / 1000
    lines.append(
      "\(total - disagreements)/\(total) agree (\(scripted) scripted, \(random) random), "
        + "\(disagreements) differences; known differences still shown: "
        + "\(differences - differencesGone)/\(differences); \(String(format: "%.1f", seconds)) s")
    if let line = junit.write(to: options.junit) { lines += [line] }
    return (lines.joined(separator: "\n"), disagreements + differencesGone == 0 ? 0 : 1)
  }

  private static func traceFiles(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .filter { $0.hasSuffix(".trace") }.sorted().map { "\(directory)/\($0)" }
  }
}

extension ConformanceCommand.Item.Kind {
  /// Whether it is a random trace.
  package var isRandom: Bool { if case .generated = self { true } else { false } }
}
