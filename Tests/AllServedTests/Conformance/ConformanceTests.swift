import AllServedConformance
import AllServedCore
import AllServedHarness
import Foundation
import Testing

/// The installed HAProxy 2.6, if any.
enum InstalledHAProxy {
  static let installation = try? HAProxyInstallation.locate()
}

/// The model against a real HAProxy 2.6 on 127.0.0.1. Skipped, with the reason,
/// where haproxy is not installed; CI installs it (`.ci/run`).
@Suite(
  "Conformance: the model predicts HAProxy 2.6", .serialized,
  .enabled(if: InstalledHAProxy.installation != nil, "haproxy 2.6 is not installed: apt-get install -y haproxy"))
struct ConformanceTests {
  var suite: ConformanceSuite { ConformanceSuite(installation: InstalledHAProxy.installation!) }

  static func traces(in folder: String) throws -> [(path: String, trace: Trace)] {
    let directory = RuleCoverageTests.root.appendingPathComponent(folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return try names.filter { $0.hasSuffix(".trace") }.sorted().map { name in
      let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
      return ("\(folder)/\(name)", try TraceFormat.parse(text))
    }
  }

  @Test("Every scripted scenario of Specs/Conformance agrees with HAProxy 2.6, step by step")
  func scriptedScenarios() throws {
    let scenarios = try Self.traces(in: "Specs/Conformance")
    #expect(scenarios.count >= 15)
    for (path, trace) in scenarios {
      let report = suite.check(trace, name: path)
      #expect(report.error == nil, "\(report.error ?? "")")
      #expect(report.failure == nil, "\(report.failure ?? "")\nreplay: swift run allserved conformance \(path)")
      #expect((report.result?.agreedSteps ?? 0) == trace.events.filter(ConformanceRunner.isExternal).count)
    }
  }

  @Test("Each known difference of Specs/Conformance/Differences still shows, at its last step")
  func knownDifferences() throws {
    let differences = try Self.traces(in: "Specs/Conformance/Differences")
    #expect(!differences.isEmpty)
    for (path, trace) in differences {
      let report = suite.checkKnownDifference(trace, name: path)
      #expect(report.error == nil && report.failure == nil, "\(report.error ?? report.failure ?? "")")
    }
  }

  @Test("Random traces drawn by the harness agree with HAProxy 2.6")
  func randomTraces() {
    var generator = ConformanceTraces(seed: 2026, length: 16)
    for _ in 0..<20 {
      let trace = generator.next()
      let report = suite.check(trace, name: "seed \(trace.seed ?? 0)")
      #expect(report.error == nil, "\(report.error ?? "")")
      guard report.failure == nil else {
        Issue.record("\(report.failure!)\nreplay: swift run allserved conformance --seed \(trace.seed ?? 0) --traces 1")
        return
      }
    }
  }

  @Test("Under the 2008 semantics HAProxy 2.6 differs, and the difference is shrunk to its step")
  func wrongSemanticsIsCaught() throws {
    let scenarios = try Self.traces(in: "Specs/Conformance")
    let (path, original) = try #require(scenarios.first { $0.path.hasSuffix("16-roundrobin-full-loses-turn.trace") })
    var trace = original
    trace.configuration.semantics = .design2008
    let report = suite.check(trace, name: path)
    let failure = try #require(report.failure)
    // R-LB-ROUNDROBIN keeps s0's turn, so the model sends #5 to s0; fwrr sends it to s2.
    #expect(failure.contains("`arrive 5`"))
    #expect(failure.contains("#5@s2  (model:") && failure.contains("#5@s0"))
    #expect(failure.contains("allserved-trace 1"), "the shrunk trace is printed")
  }

  @Test("Every haproxy the runner started is stopped by its pid")
  func processesStopped() throws {
    // The runner's haproxy runs `-f /tmp/allserved-conformance-<our pid>-<n>/haproxy.cfg`.
    func leftRunning() throws -> [String] {
      let marker = "allserved-conformance-\(getpid())-"
      return try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { entry in
        guard Int(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else {
          return false
        }
        return String(decoding: data, as: UTF8.self).contains(marker)
      }
    }
    let report = suite.check(try Self.traces(in: "Specs/Conformance")[0].trace, name: "one scenario")
    #expect(report.result != nil)
    #expect(try leftRunning().isEmpty)
  }
}
