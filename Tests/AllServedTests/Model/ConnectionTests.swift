import AllServedCore
import Testing

@Suite("Running, connecting, retrying")
struct ConnectionTests {
  @Test("R-WAKE-RUNS-LATER: a dequeued session runs later, on its slot, without balancing", arguments: SystemUnderTest.allCases)
  func wakeRunsLater(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1), server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .arrive(x(2)), .connectSucceeded(x(1)), .arrive(x(3))])
    scenario.expect(
      .close(x(1)), .ended(.completed(server: s0)), handovers: [Handover(x(3), to: s0, from: .backend)])
    // Other events come between the handover and the run.
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
    scenario.expect(
      .setState(s0, .maint), .stateChanged(server: s0, from: .running, to: .maint, redistributed: []))
    scenario.expect(.run(x(3)), .connecting(server: s0))
    #expect(scenario.server(s0).connections == 1)
    #expect(scenario.snapshot.backend.queue == [x(4)])
    scenario.expectRejected(.run(x(3)), .unexpectedPhase(x(3), .connecting))
  }

  @Test("R-CONNECT-SUCCESS: a connecting session is established and keeps its slot", arguments: SystemUnderTest.allCases)
  func connectSuccess(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1))])
    scenario.expect(.connectSucceeded(x(1)), .established(server: s0))
    #expect(scenario.phase(1) == .established)
    #expect(scenario.server(s0).served == 1)
    #expect(scenario.server(s0).connections == 1)
  }

  @Test("R-RETRY-KEEP-SLOT: a failed connect closes the connection but keeps the slot", arguments: SystemUnderTest.allCases)
  func keepSlot(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(retries: 3, servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1))])
    scenario.expect(.connectFailed(x(1), .refused), .turnaround(server: s0, until: 1000))
    #expect(scenario.server(s0).served == 1)
    #expect(scenario.server(s0).connections == 0)
    #expect(scenario.session(1)?.slot == s0)
    #expect(scenario.session(1)?.retriesLeft == 2)
    scenario.expect(.arrive(x(2)), .placed(.queued(.backend)))
  }

  @Test(
    "R-RETRY-COUNT, R-RETRY-SAME-SERVER: each failure uses a retry; none left is a 503",
    arguments: SystemUnderTest.allCases)
  func retryCount(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(retries: 2, servers: [server()]))
    scenario.run([.arrive(x(1))])
    scenario.expect(.connectFailed(x(1), .timedOut), .retrying(server: s0))
    #expect(scenario.session(1)?.retriesLeft == 1)
    #expect(scenario.server(s0).connections == 1)
    scenario.expect(.connectFailed(x(1), .timedOut), .retrying(server: s0))
    #expect(scenario.session(1)?.retriesLeft == 0)
    #expect(scenario.server(s0).counters.retries == 2)
    #expect(scenario.snapshot.backend.counters.retries == 2)
    scenario.expect(.connectFailed(x(1), .timedOut), .ended(.connectionFailed(server: s0)))
    #expect(scenario.server(s0).counters.failedConnections == 1)
    #expect(scenario.snapshot.backend.counters.serviceUnavailable == 1)
    #expect(scenario.server(s0).served == 0)
    #expect(scenario.server(s0).connections == 0)
    #expect(scenario.snapshot.sessions.isEmpty)
  }

  @Test("R-RETRY-TURNAROUND: a refused connect waits one second before its retry", arguments: SystemUnderTest.allCases)
  func turnaround(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(retries: 1, servers: [server()]))
    scenario.run([.arrive(x(1))])
    scenario.expect(.connectFailed(x(1), .refused), .turnaround(server: s0, until: 1000))
    scenario.expectRejected(.run(x(1)), .timerNotDue(x(1), due: 1000))
    scenario.expectRejected(.tick(2000), .timerDue(due: 1000))
    scenario.expect(.tick(999), .advanced(to: 999))
    scenario.expect(.tick(1), .advanced(to: 1000))
    scenario.expectRejected(.tick(1), .timerDue(due: 1000))
    scenario.expect(.run(x(1)), .retrying(server: s0))
    #expect(scenario.server(s0).connections == 1)
  }

  @Test(
    "R-REDISPATCH-LAST-RETRY: the last retry is balanced again, cookie ignored",
    arguments: SystemUnderTest.allCases)
  func lastRetry(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(retries: 1, redispatch: true, servers: [server(), server()]))
    scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    scenario.expect(.connectFailed(x(1), .timedOut), .rebalanced(from: s0, .granted(server: s1)))
    let moved = try #require(scenario.session(1))
    #expect(!moved.isDirect)
    #expect(moved.previous == s0)
    #expect(moved.wasRedispatched)
    #expect(moved.retriesLeft == 0)
    #expect(scenario.server(s0).counters.redispatches == 1)
    #expect(scenario.snapshot.backend.counters.redispatches == 1)
    // The attempt after a redispatch is the last one.
    scenario.expect(.connectFailed(x(1), .timedOut), .ended(.connectionFailed(server: s1)))

    // Without option redispatch the last retry stays on the same server.
    var stay = try Scenario(system, Configuration(retries: 1, servers: [server(), server()]))
    stay.run([.arrive(x(1), cookie: s0)])
    stay.expect(.connectFailed(x(1), .timedOut), .retrying(server: s0))
  }

  @Test(
    "R-REDISPATCH-KEEP-SLOT: back on the same server the slot is kept; elsewhere it goes to a waiter",
    arguments: SystemUnderTest.allCases)
  func keepOrHandOver(_ system: SystemUnderTest) throws {
    var same = try Scenario(
      system, Configuration(retries: 1, redispatch: true, servers: [server(maxconn: 1)]))
    same.run([.arrive(x(1))])
    same.expect(.arrive(x(2)), .placed(.queued(.backend)))
    // #2 waited longer than anybody, yet the slot stays #1's: nobody takes it in between.
    same.expect(.connectFailed(x(1), .timedOut), .rebalanced(from: s0, .granted(server: s0)))
    #expect(same.session(1)?.slot == s0)
    #expect(same.snapshot.backend.queue == [x(2)])
    #expect(same.server(s0).counters.retries == 1)

    var elsewhere = try Scenario(
      system,
      Configuration(retries: 1, redispatch: true, servers: [server(maxconn: 1), server(maxconn: 1)]))
    elsewhere.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    elsewhere.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
    elsewhere.expect(
      .connectFailed(x(1), .timedOut), .rebalanced(from: s0, .granted(server: s1)),
      handovers: [Handover(x(2), to: s0, from: .server(s0))])
  }
}
