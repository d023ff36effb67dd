import AllServedCommandLine
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
    #expect(Help.text(for: "check")?.contains("--traces N") == true)
    #expect(Help.text(for: "nonsense") == nil)
  }

  @Test("Bad arguments are usage errors with a clear message (exit status 2)")
  func usageErrors() {
    let cases: [([String], String)] = [
      (["frobnicate"], "unknown command 'frobnicate'"),
      (["check", "--bogus", "1"], "unknown option '--bogus' for 'check'"),
      (["check", "--seed"], "option '--seed' needs a value"),
      (["check", "--seed", "-1"], "--seed takes a whole number from 0 to 18446744073709551615, not '-1'"),
      (["check", "--traces", "0"], "--traces takes a whole number from 1 to 10000000, not '0'"),
      (["check", "--length", "ten"], "--length takes a whole number from 1 to 1000000, not 'ten'"),
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
}
