import AllServedCommandLine
import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Foundation
import Testing

/// What CI systems read: JUnit reports, shards and the workflows.
@Suite("JUnit reports, shards and workflows")
struct CIReportTests {
  /// A fresh path for a report.
  static func temporaryPath(_ name: String) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("allserved-ci-\(UUID().uuidString)")
    return folder.appendingPathComponent(name).path
  }

  /// The report at `path`: the suite's counts and its test cases.
  static func junit(at path: String) throws -> (suite: [String: String], cases: [XMLOutline.Element], outline: XMLOutline) {
    let outline = try XMLOutline.parse(try String(contentsOfFile: path, encoding: .utf8))
    #expect(outline.elements.first?.name == "testsuites")
    let suite = try #require(outline.named("testsuite").first).attributes
    let cases = outline.named("testcase")
    #expect(suite["tests"] == "\(cases.count)")
    #expect(suite["failures"] == "\(outline.named("failure").count)")
    for testCase in cases { #expect(Double(testCase.attributes["time"] ?? "") != nil) }
    return (suite, cases, outline)
  }

  @Test("A passing check writes one passing test case per trace, named by its seed")
  func junitForAPassingCheck() throws {
    var options = CheckOptions()
    options.seed = 40
    options.traces = 4
    options.length = 30
    options.junit = Self.temporaryPath("check.xml")
    let result = CheckCommand.run(options)
    #expect(result.status == 0)
    let report = try Self.junit(at: try #require(options.junit))
    #expect(report.cases.map { $0.attributes["name"] } == ["seed 40", "seed 41", "seed 42", "seed 43"])
    #expect(report.suite["failures"] == "0")
    #expect(result.summary.contains("JUnit report: \(options.junit!) (4 test cases)"))
  }

  @Test("A failing check's test case holds the shrunk trace and a replay command that parses")
  func junitForAFailingCheck() throws {
    try #require(Fault.isCompiledIn)
    var options = CheckOptions()
    options.traces = 50
    options.fault = .maximumQueueOffByOne
    options.junit = Self.temporaryPath("check.xml")
    let result = CheckCommand.run(options)
    #expect(result.status == 1)
    let report = try Self.junit(at: try #require(options.junit))
    let failure = try #require(report.outline.named("failure").first)
    #expect(report.suite["failures"] == "1")
    #expect(report.cases.last?.attributes["name"]?.hasPrefix("seed ") == true)
    let lines = failure.text.split(separator: "\n").map(String.init)
    let replay = try #require(lines.first { $0.hasPrefix("replay: swift run allserved ") })
    let arguments = replay.dropFirst("replay: swift run allserved ".count).split(separator: " ").map(String.init)
    guard case .check(let replayed) = try Command.parse(arguments) else {
      Issue.record("the replay command is not a check: \(replay)")
      return
    }
    #expect(replayed.traces == 1 && replayed.fault == .maximumQueueOffByOne)
    // The shrunk trace in the failure parses back to a trace that fails the same check.
    let text = failure.text[failure.text.range(of: "allserved-trace 1")!.lowerBound...]
    let trace = try TraceFormat.parse(String(text))
    let recording = Fault.$active.withValue(.maximumQueueOffByOne) {
      Lockstep<ReferenceBalancer, ProductionBalancer>.record(trace)
    }
    #expect(recording.failure.map { "\($0.check) at step \($0.step)" } == failure.attributes["message"])
  }

  @Test("mutants and explore write a test case per mutant and per configuration")
  func junitForMutantsAndExplore() throws {
    try #require(Fault.isCompiledIn)
    var mutants = CheckOptions()
    mutants.traces = 100
    mutants.shard = try #require(Shard(index: 1, count: Fault.allCases.count))
    mutants.junit = Self.temporaryPath("mutants.xml")
    #expect(MutantsCommand.run(mutants).status == 0)
    let mutantReport = try Self.junit(at: try #require(mutants.junit))
    #expect(mutantReport.cases.map { $0.attributes["name"] } == [Fault.allCases[0].rawValue])
    #expect(mutantReport.outline.named("system-out").first?.text.contains("allserved-trace 1") == true)

    var explore = ExploreOptions()
    explore.servers = 1
    explore.sessions = 2
    explore.depth = 6
    explore.jobs = 1
    explore.junit = Self.temporaryPath("explore.xml")
    #expect(ExploreCommand.run(explore).status == 0)
    let exploreReport = try Self.junit(at: try #require(explore.junit))
    #expect(exploreReport.cases.map { $0.attributes["name"] } == ["maxconn=1", "maxconn=2"])
    #expect(exploreReport.suite["failures"] == "0")
  }

  @Test("K/N parses only when 1 ≤ K ≤ N; bad values are usage errors")
  func shardParsing() throws {
    #expect(Shard("2/3") == Shard(index: 2, count: 3))
    for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3", ""] { #expect(Shard(bad) == nil, "'\(bad)'") }
    var options = CheckOptions()
    options.shard = try #require(Shard("2/5"))
    options.junit = "r.xml"
    #expect(try Command.parse(["check", "--shard", "2/5", "--junit", "r.xml"]) == .check(options))
    var bugs = BugsOptions()
    bugs.seeds = 8
    bugs.shard = try #require(Shard("1/2"))
    #expect(try Command.parse(["bugs", "--seeds", "8", "--shard", "1/2"]) == .bugs(bugs))
    #expect(throws: UsageError(message: "--shard takes K/N, this machine's share K of N (1 ≤ K ≤ N), not '3/2'")) {
      try Command.parse(["mutants", "--shard", "3/2"])
    }
  }

  @Test("The shards of a check run exactly the unsharded traces, with the same seeds, and never overlap")
  func checkShardsPartitionTheRun() {
    let check = RandomCheck(seed: 500, traces: 13, length: 40)
    func seeds(_ shard: Shard) -> (seeds: [UInt64], events: Int) {
      var sharded = check
      sharded.shard = shard
      var seeds: [UInt64] = []
      let report = sharded.run(ReferenceBalancer.self, ProductionBalancer.self, progress: { report in
        if let seed = report.lastSeed { seeds.append(seed) }
      })
      #expect(report.failure == nil)
      return (seeds, report.events)
    }
    let whole = seeds(.whole)
    #expect(whole.seeds == (500..<513).map { UInt64($0) })
    for count in [2, 3, 5, 13, 20] {
      let shards = (1...count).map { seeds(Shard(index: $0, count: count)!) }
      let union = shards.flatMap(\.seeds)
      #expect(union.sorted() == whole.seeds, "\(count) shards together run the whole")
      #expect(Set(union).count == union.count, "\(count) shards do not overlap")
      #expect(shards.map(\.events).reduce(0, +) == whole.events, "the same traces, event for event")
    }
  }

  @Test("The shards of bugs, mutants and conformance partition their seeds, faults and traces")
  func otherShardsPartition() throws {
    for count in [1, 2, 3, 7] {
      let shards = (1...count).map { Shard(index: $0, count: count)! }
      let seedIndices = shards.flatMap { Array($0.positions(of: 20)) }
      #expect(seedIndices.sorted() == Array(0..<20) && Set(seedIndices).count == 20)
      let faults = shards.flatMap { $0.share(of: Fault.allCases) }
      #expect(faults.map(\.rawValue).sorted() == Fault.allCases.map(\.rawValue).sorted())
      #expect(Set(faults).count == Fault.allCases.count)

      var options = ConformanceOptions()
      options.traces = 6
      let whole = try ConformanceCommand.plan(options).map(\.name)
      #expect(whole.count >= 20 + 6)
      var union: [String] = []
      for shard in shards {
        options.shard = shard
        union += try ConformanceCommand.plan(options).map(\.name)
      }
      #expect(union.sorted() == whole.sorted())
      #expect(Set(union).count == union.count)
    }
  }

  @Test("The workflows parse, and every allserved command and option they use is in its --help")
  func workflows() throws {
    let folder = RuleCoverageTests.root.appendingPathComponent(".github/workflows")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yml") }.sorted()
    #expect(names == ["ci.yml", "long-check.yml"])
    var invocations: [[String]] = []
    for name in names {
      let workflow = try YAMLSubset.parse(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
      #expect(workflow["name"]?.text != nil, "\(name) has a name")
      #expect(workflow["on"] != nil, "\(name) has triggers")
      let jobs = try #require(workflow["jobs"], "\(name) has jobs")
      #expect(!jobs.keys.isEmpty)
      for job in jobs.keys {
        #expect(jobs[job]?["runs-on"]?.text?.hasPrefix("ubuntu-") == true, "\(name) \(job) runs on Ubuntu")
        #expect(jobs[job]?["steps"]?.items.isEmpty == false, "\(name) \(job) has steps")
        // Matrix values stand in for their expressions, as the runner substitutes them.
        let matrix = jobs[job]?["strategy"]?["matrix"]
        for script in jobs[job]?.all("run") ?? [] {
          var text = script.replacingOccurrences(of: "\\\n", with: " ")
          for key in matrix?.keys ?? [] {
            text = text.replacingOccurrences(of: "${{ matrix.\(key) }}", with: matrix?[key]?.items.first?.text ?? "")
          }
          for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            // `.build/release/allserved …` or `swift run allserved …`, not `--product allserved`.
            let start = words.indices.first { index in
              words[index].hasSuffix("/allserved") || (words[index] == "allserved" && index > 0 && words[index - 1] == "run")
            }
            if let start {
              invocations.append(Array(words[(start + 1)...]))
            }
          }
        }
      }
      if name == "long-check.yml" {
        #expect(workflow["on"]?["schedule"]?.items.first?["cron"]?.text?.split(separator: " ").count == 5)
        #expect(workflow.all("uses").contains { $0.hasPrefix("actions/upload-artifact@") })
        #expect(workflow.all("run").contains { $0.contains("--shard") && $0.contains("--junit") })
      }
      if name == "ci.yml" { #expect(workflow.all("run").contains(".ci/run")) }
    }
    #expect(invocations.count >= 2)
    let overview = try #require(Help.text(for: nil))
    for arguments in invocations {
      let command = try #require(arguments.first)
      let listed = overview.split(separator: "\n").contains { $0.drop { $0 == " " }.hasPrefix(command + " ") }
      #expect(listed, "`\(command)` is among the COMMANDS of allserved --help")
      let help = try #require(Help.text(for: command), "allserved \(command) --help")
      for flag in arguments where flag.hasPrefix("--") { #expect(help.contains(flag), "\(command) \(flag) is in its --help") }
      #expect(throws: Never.self) { try Command.parse(arguments) }
    }
  }

  @Test("The YAML subset rejects what a workflow loader would, with the line")
  func yamlSubsetErrors() {
    #expect(throws: YAMLSubset.Problem.self) { try YAMLSubset.parse("a: 1\n   b: 2\n") }
    #expect(throws: YAMLSubset.Problem.self) { try YAMLSubset.parse("a: [1, 2\n") }
    #expect(throws: YAMLSubset.Problem.self) { try YAMLSubset.parse("a: 1\na: 2\n") }
    #expect(throws: YAMLSubset.Problem.self) { try YAMLSubset.parse("a: \"open\n") }
    let parsed = try? YAMLSubset.parse("x:\n  - a: 1\n    b: [p, q]\n  - plain # comment\ny: |\n  one\n  two\n")
    #expect(parsed?["x"]?.items.first?["b"]?.items.map(\.text) == ["p", "q"])
    #expect(parsed?["x"]?.items.last?.text == "plain")
    #expect(parsed?["y"]?.text == "one\ntwo\n")
  }
}
