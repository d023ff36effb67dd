import AllServedCore
import Testing

@Suite("Dequeue")
struct DequeueTests {
  @Test("R-DEQUEUE-UNTIL-FULL: a dequeue hands slots while there is room; unlimited drains", arguments: SystemUnderTest.allCases)
  func untilFull(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 2)]))
    scenario.run([.arrive(x(1)), .arrive(x(2)), .arrive(x(3)), .arrive(x(4)), .arrive(x(5))])
    scenario.expect(
      .setMaximumConnections(s0, 4), .maximumConnectionsChanged(server: s0, from: 2, to: 4),
      handovers: [Handover(x(3), to: s0, from: .backend), Handover(x(4), to: s0, from: .backend)])
    #expect(scenario.snapshot.backend.queue == [x(5)])
    scenario.expect(
      .setMaximumConnections(s0, 0), .maximumConnectionsChanged(server: s0, from: 4, to: 0),
      handovers: [Handover(x(5), to: s0, from: .backend)])
    #expect(scenario.server(s0).served == 5)
  }

  @Test("R-DEQUEUE-OWN-QUEUE-ALWAYS: a down server still serves its own queue", arguments: SystemUnderTest.allCases)
  func ownQueueAlways(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1), cookie: s0), .connectSucceeded(x(1))])
    scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
    scenario.expect(
      .setState(s0, .down), .stateChanged(server: s0, from: .running, to: .down, redistributed: []))
    scenario.expect(
      .close(x(1)), .ended(.completed(server: s0)),
      handovers: [Handover(x(2), to: s0, from: .server(s0))])
  }

  @Test(
    "R-DEQUEUE-BACKEND-ONLY-USABLE: down, maint, drain or weight-0 servers leave the backend queue alone",
    arguments: SystemUnderTest.allCases)
  func backendOnlyUsable(_ system: SystemUnderTest) throws {
    let disablers: [Event] = [
      .setState(s0, .down), .setState(s0, .maint), .setState(s0, .drain), .setWeight(s0, 0),
    ]
    for disabler in disablers {
      var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1), server(maxconn: 1)]))
      scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))
      scenario.expect(.arrive(x(2)), .placed(.granted(server: s1)))
      scenario.expect(.arrive(x(3)), .placed(.queued(.backend)))
      scenario.run([.connectSucceeded(x(1)), disabler])
      scenario.expect(.close(x(1)), .ended(.completed(server: s0)))
      #expect(scenario.snapshot.backend.queue == [x(3)], "after \(disabler)")
      #expect(scenario.server(s0).served == 0, "after \(disabler)")
    }
  }

  @Test("R-DEQUEUE-OLDEST-HEAD: the older head wins; equal times go to the server's queue", arguments: SystemUnderTest.allCases)
  func oldestHead(_ system: SystemUnderTest) throws {
    var older = try Scenario(system, Configuration(servers: [server(maxconn: 1), server(maxconn: 1)]))
    older.run([.arrive(x(1), cookie: s0), .connectSucceeded(x(1))])
    older.expect(.arrive(x(2)), .placed(.granted(server: s1)))
    older.run([.tick(10)])
    older.expect(.arrive(x(3)), .placed(.queued(.backend)))  // request time 10
    older.run([.tick(10)])
    older.expect(.arrive(x(4), cookie: s0), .placed(.queued(.server(s0))))  // request time 20
    older.expect(
      .close(x(1)), .ended(.completed(server: s0)), handovers: [Handover(x(3), to: s0, from: .backend)])

    var tie = try Scenario(system, Configuration(servers: [server(maxconn: 1), server(maxconn: 1)]))
    tie.run([.arrive(x(1), cookie: s0), .connectSucceeded(x(1)), .arrive(x(2))])
    tie.expect(.arrive(x(3)), .placed(.queued(.backend)))  // request time 0
    tie.expect(.arrive(x(4), cookie: s0), .placed(.queued(.server(s0))))  // request time 0
    tie.expect(
      .close(x(1)), .ended(.completed(server: s0)),
      handovers: [Handover(x(4), to: s0, from: .server(s0))])
  }

  @Test("R-DEQUEUE-RESERVES: the slot is the waiter's before it runs", arguments: SystemUnderTest.allCases)
  func reserves(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .connectSucceeded(x(1)), .arrive(x(2))])
    scenario.expect(
      .close(x(1)), .ended(.completed(server: s0)), handovers: [Handover(x(2), to: s0, from: .backend)])
    let handed = try #require(scenario.session(2))
    #expect(handed.phase == .dequeued)
    #expect(handed.slot == s0)
    #expect(handed.assigned == s0)
    #expect(scenario.server(s0).served == 1)
    #expect(scenario.server(s0).connections == 0)
    scenario.expect(.arrive(x(3)), .placed(.queued(.backend)))
  }

  @Test("R-RELEASE-THEN-DEQUEUE: the released slot itself goes to the next waiter", arguments: SystemUnderTest.allCases)
  func releaseThenDequeue(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(retries: 0, servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .arrive(x(2))])
    // Out of retries: released before the dequeue, so #2 gets the slot (b89cfca49).
    scenario.expect(
      .connectFailed(x(1), .timedOut), .ended(.connectionFailed(server: s0)),
      handovers: [Handover(x(2), to: s0, from: .backend)])
  }
}
