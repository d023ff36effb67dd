import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Foundation
import Testing

@Suite("Implementation against the model")
struct DifferentialSmokeTests {
  @Test("Random traces: equal outcomes and snapshots after every event")
  func lockstep() throws {
    let base = ProcessInfo.processInfo.environment["ALLSERVED_IMPL_SEED"].flatMap(UInt64.init) ?? 1
    let traces = ProcessInfo.processInfo.environment["ALLSERVED_IMPL_TRACES"].flatMap(Int.init) ?? 200
    for seed in base..<(base + UInt64(traces)) {
      var generator = EventGenerator(seed: seed)
      let configuration = generator.configuration()
      var model = try ReferenceBalancer(configuration: configuration)
      var implementation = try ProductionBalancer(configuration: configuration)
      var events: [Event] = []
      for _ in 0..<300 {
        let before = model.snapshot
        let event = generator.draw(for: before, configuration: configuration).event
        events.append(event)
        let expected = model.apply(event)
        let actual = implementation.apply(event)
        let snapshot = implementation.snapshot
        guard expected == actual, model.snapshot == snapshot, implementation.structuralProblems.isEmpty else {
          Issue.record(
            """
            seed \(seed), step \(events.count) `\(event)`: model \(expected), implementation \(actual)
            \(implementation.structuralProblems)
            \(configuration)
            \(events.map(\.description).joined(separator: "\n"))
            """)
          return
        }
      }
    }
  }
}
