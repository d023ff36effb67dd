import AllServedCore
import AllServedModel
import Testing

@Suite("Rejection")
struct RejectionTests {
  static let configuration = Configuration(
    queueTimeout: 1000, servers: [server(maxconn: 1), server(maxconn: 1)])

  /// #1 connecting on s0, #2 connecting on s1, #3 queued on the backend until 1000.
  static let setup: [Event] = [.arrive(x(1)), .arrive(x(2)), .arrive(x(3))]

  static let impossible: [(Event, Rejection)] = [
    (.run(x(99)), .unknownSession(x(99))),
    (.connectSucceeded(x(99)), .unknownSession(x(99))),
    (.abort(x(99)), .unknownSession(x(99))),
    (.close(x(1)), .unexpectedPhase(x(1), .connecting)),
    (.run(x(1)), .unexpectedPhase(x(1), .connecting)),
    (.queueTimeout(x(1)), .unexpectedPhase(x(1), .connecting)),
    (.connectSucceeded(x(3)), .unexpectedPhase(x(3), .queued(.backend, deadline: 1000))),
    (.connectFailed(x(3), .refused), .unexpectedPhase(x(3), .queued(.backend, deadline: 1000))),
    (.run(x(3)), .unexpectedPhase(x(3), .queued(.backend, deadline: 1000))),
    (.queueTimeout(x(3)), .timerNotDue(x(3), due: 1000)),
    (.arrive(x(2)), .sessionIDNotFresh(x(2), mustExceed: 3)),
    (.arrive(x(4), cookie: ServerID(9)), .unknownServer(ServerID(9))),
    (.setState(ServerID(9), .down), .unknownServer(ServerID(9))),
    (.setState(ServerID(-1), .down), .unknownServer(ServerID(-1))),
    (.setWeight(s0, 257), .outOfRange(.weight, 257)),
    (.setMaximumConnections(s1, -1), .outOfRange(.maximumConnections, -1)),
    (.shutdownSessions(ServerID(2)), .unknownServer(ServerID(2))),
    (.tick(0), .outOfRange(.tickDuration, 0)),
    (.tick(1001), .timerDue(due: 1000)),
  ]

  @Test("R-REJECT-UNCHANGED: impossible events are refused with a typed reason, state untouched", arguments: SystemUnderTest.allCases)
  func rejections(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Self.configuration)
    scenario.run(Self.setup)
    for (event, reason) in Self.impossible {
      scenario.expectRejected(event, reason)
    }
    // A rejected arrival does not use up its identifier.
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
  }

  @Test("R-REJECT-UNCHANGED: the whole model value, internal order included, is untouched")
  func modelValueUntouched() throws {
    var model = try ReferenceBalancer(configuration: Self.configuration)
    for event in Self.setup { _ = model.apply(event) }
    for (event, reason) in Self.impossible {
      let before = model
      #expect(model.apply(event) == .rejected(reason))
      #expect(model == before, "\(event)")
    }
  }
}
