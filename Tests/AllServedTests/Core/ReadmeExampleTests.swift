import AllServedCore
import AllServedModel
import Testing

@Suite("README")
struct ReadmeExampleTests {
  @Test("R-DEQUEUE-RESERVES: the README's example prints what the README says")
  func example() throws {
    var model = try ReferenceBalancer(
      configuration: Configuration(servers: [ServerConfiguration(maximumConnections: 1)]))
    let events: [Event] = [
      .arrive(SessionID(1)), .arrive(SessionID(2)), .connectSucceeded(SessionID(1)),
      .close(SessionID(1)), .arrive(SessionID(3)), .run(SessionID(2)),
    ]
    let printed = events.map { event in "\(event) → \(model.apply(event))" }
    #expect(
      printed == [
        "arrive 1 → placed: granted s0",
        "arrive 2 → placed: queued on backend",
        "connected 1 → established s0",
        "close 1 → completed s0; handover #2→s0 from backend",
        "arrive 3 → placed: queued on backend",
        "run 2 → connecting s0",
      ])
    #expect(model.snapshot.servers[0].served == 1)
    #expect(model.violations.isEmpty)
  }
}
