import AllServedCommandLine
import AllServedEngine
import Testing

/// The mutation catalogue (Specs/Mutants.md): with the default budget of
/// `allserved mutants`, the lockstep harness kills every planted fault.
@Suite("Mutation catalogue")
struct MutationTests {
  @Test("Every mutant of the catalogue is killed by the default budget, and its failure shrinks")
  func everyMutantKilled() throws {
    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    #expect(Fault.allCases.count >= 30)
    let options = CheckOptions()
    let results = MutantsCommand.results(seed: options.seed, traces: options.traces, length: options.length)
    for result in results {
      guard let events = result.eventsToFailure else {
        Issue.record("mutant '\(result.fault)' survived \(options.traces) traces of \(options.length) events")
        continue
      }
      #expect(events > 0)
      #expect(result.shrunkLength.map { $0 >= 1 && $0 <= 12 } ?? false, "'\(result.fault)' shrank to \(String(describing: result.shrunkLength))")
    }
  }
}
