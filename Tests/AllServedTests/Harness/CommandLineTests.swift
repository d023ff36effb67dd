import AllServedCommandLine
import AllServedCore
import AllServedEngine
import AllServedHarness
import Foundation
import Testing

@Suite("allserved command line")
struct CommandLineTests {
  @Test("No arguments is the default check; options are parsed by hand")
  func parsing() throws {
    #expect(try Command.parse([]) == .check(CheckOptions()))
    var options = CheckOptions()
    options.seed = 7
    options.traces = 3
    options.length = 40
    #expect(try Command.parse(["check", "--seed", "7", "--traces", "3", "--length", "40"]) == .check(options))
    #expect(try Command.parse(["--seed", "7", "--traces", "3", "--length", "40"]) == .check(options))
    #expect(try Command.parse(["--help"]) == .help(topic: nil))
    #expect(try Command.parse(["check", "--help"]) == .help(topic: "check"))
    #expect(try Command.parse(["help", "check"]) == .help(topic: "check"))
    var replay = ReplayOptions(path: "t.trace")
    replay.json = true
    #expect(try Command.parse(["replay", "t.trace", "--json"]) == .replay(replay))
    var shrink = ShrinkOptions(path: "t.trace")
    shrink.output = "small.trace"
    #expect(try Command.parse(["shrink", "t.trace", "-o", "small.trace"]) == .shrink(shrink))
    #expect(try Command.parse(["replay", "--help"]) == .help(topic: "replay"))
    var explore = ExploreOptions()
    explore.algorithm = .leastConnections
    explore.semantics = .haproxy26
    explore.variant = .asPatched2008
    explore.maximumConnections = 1...1
    #expect(
      try Command.parse(["explore", "--algorithm", "leastconn", "--semantics", "haproxy-2.6", "--variant", "as-patched-2008", "--maxconn", "1"])
        == .explore(explore))
    #expect(Help.text(for: "check")?.contains("--traces N") == true)
    #expect(Help.text(for: "nonsense") == nil)
  }

  @Test("Bad arguments are usage errors with a clear message (exit status 2)")
  func usageErrors() {
    let cases: [([String], String)] = [
      (["frobnicate"], "unknown command 'frobnicate'; expected check, replay, shrink, explore, conformance, mutants, bugs, pictures or help"),
      (["replay"], "'replay' needs a trace file: allserved replay FILE"),
      (["shrink", "--output", "x"], "'shrink' needs a trace file: allserved shrink FILE"),
      (["replay", "a.trace", "--yaml"], "unknown option '--yaml' for 'replay'"),
      (["replay", "a.trace", "b.trace"], "unexpected argument 'b.trace' for 'replay'"),
      (["check", "--fault", "gremlins"], "unknown fault 'gremlins'; the catalogue is in Specs/Mutants.md (e.g. maxqueue-off-by-one)"),
      (["check", "--bogus", "1"], "unknown option '--bogus' for 'check'"),
      (["check", "--seed"], "option '--seed' needs a value"),
      (["check", "--seed", "-1"], "--seed takes a whole number from 0 to 18446744073709551615, not '-1'"),
      (["check", "--traces", "0"], "--traces takes a whole number from 1 to 10000000, not '0'"),
      (["check", "--length", "ten"], "--length takes a whole number from 1 to 1000000, not 'ten'"),
      (["explore", "--variant", "1.3.14"], "--variant takes pre-patch or as-patched-2008, not '1.3.14'"),
      (["explore", "--semantics", "2.4"], "--semantics takes 2008 or haproxy-2.6, not '2.4'"),
      (
        ["explore", "--variant", "pre-patch", "--fault", "maxqueue-off-by-one"],
        "--fault plants a fault in the implementation, which --variant replaces; give one of them"
      ),
    ]
    for (arguments, message) in cases {
      #expect(throws: UsageError(message: message)) { try Command.parse(arguments) }
    }
  }

  @Test("A check passes on the model, and its summary names the seeds and the verdict")
  func checkSummary() {
    var options = CheckOptions()
    options.seed = 11
    options.traces = 5
    options.length = 50
    let result = CheckCommand.run(options)
    #expect(result.status == 0)
    #expect(result.summary.contains("seeds 11…15"))
    #expect(result.summary.contains("PASS"))
    #expect(result.summary.contains("  events                                   250"))
  }

  /// Writes `text` to a fresh temporary file and returns its path.
  func temporaryTrace(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("allserved-\(UUID().uuidString).trace").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("replay: a passing file exits 0, a failing one 1, a bad one 2 with line:column")
  func replayCommand() throws {
    let good = try temporaryTrace(
      """
      allserved-trace 1
      backend
      server s0 maxconn=1
      arrive 1 => placed: granted s0
      arrive 2 => placed: queued on backend
      expect backend queue=#2
      """)
    defer { try? FileManager.default.removeItem(atPath: good) }
    let passed = ReplayCommand.run(ReplayOptions(path: good))
    #expect(passed.status == 0)
    #expect(passed.output.contains("step 2  arrive 2  =>  placed: queued on backend"))
    #expect(passed.output.hasSuffix("PASS: 2 events; model and implementation agreed, invariants held, expectations met"))

    let wrong = try temporaryTrace("allserved-trace 1\nbackend\nserver s0 maxconn=1\narrive 1 => placed: queued on backend\n")
    defer { try? FileManager.default.removeItem(atPath: wrong) }
    let failed = ReplayCommand.run(ReplayOptions(path: wrong))
    #expect(failed.status == 1)
    #expect(failed.output.contains("FAIL: step 1: expected outcome"))

    let bad = try temporaryTrace("allserved-trace 1\nbackend\nserver s0 maxconn=1\narrive x\n")
    defer { try? FileManager.default.removeItem(atPath: bad) }
    let refused = ReplayCommand.run(ReplayOptions(path: bad))
    #expect(refused.status == 2)
    #expect(refused.output == "\(bad):4:8: 'x' is not an integer")

    let missing = ReplayCommand.run(ReplayOptions(path: "/nonexistent/allserved.trace"))
    #expect(missing.status == 2)
    #expect(missing.output.hasPrefix("/nonexistent/allserved.trace: cannot read the file"))
  }

  @Test("replay --json: one JSON object per step, with the snapshot's fields")
  func replayJSON() throws {
    let path = try temporaryTrace("allserved-trace 1\nbackend\nserver s0 maxconn=1\narrive 1\narrive 2\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    var options = ReplayOptions(path: path)
    options.json = true
    let result = ReplayCommand.run(options)
    #expect(result.status == 0)
    let lines = result.output.split(separator: "\n")
    #expect(lines.count == 2)
    let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
    #expect(second?["step"] as? Int == 2)
    #expect(second?["outcome"] as? String == "placed: queued on backend")
    let snapshot = second?["snapshot"] as? [String: [String: String]]
    #expect(snapshot?["backend"]?["queue"] == "#2")
    #expect(snapshot?["s0"]?["served"] == "1")
  }

  @Test("shrink: a failing trace shrinks and is written out; a passing one exits 1")
  func shrinkCommand() throws {
    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    let path = try temporaryTrace(
      """
      allserved-trace 1
      backend balance=roundrobin retries=2 redispatch=on
      server s0 maxconn=1 maxqueue=1
      server s1 maxconn=2
      arrive 1 cookie=s0
      arrive 2 cookie=s1
      arrive 3 cookie=s0
      arrive 4 cookie=s0
      """)
    let output = path + ".small"
    defer {
      try? FileManager.default.removeItem(atPath: path)
      try? FileManager.default.removeItem(atPath: output)
    }
    var options = ShrinkOptions(path: path)
    options.output = output
    options.fault = .maximumQueueOffByOne
    let result = ShrinkCommand.run(options)
    #expect(result.status == 0)
    #expect(result.output.contains("shrunk:  4 → 3 events"))
    #expect(result.output.contains("certified minimal in its scope: no trace of fewer than 3 events fails 'outcome'"))
    options.certifyBudget = 1
    #expect(ShrinkCommand.run(options).output.contains("1-minimal, not certified: its scope (to depth 2) holds more than the budget of 1 states"))
    options.certifyBudget = Certification.defaultBudget
    #expect(result.output.contains("@Test(\"Regression: outcome\")"))
    let saved = try TraceFormat.parse(try String(contentsOfFile: output, encoding: .utf8))
    #expect(saved.steps.count == 3)
    let passing = ShrinkCommand.run(ShrinkOptions(path: path))
    #expect(passing.status == 1)
  }
}
