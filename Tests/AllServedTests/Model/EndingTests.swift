import AllServedCore
import Testing

@Suite("Ending")
struct EndingTests {
  @Test("R-CLOSE: an established session completes when its server closes", arguments: SystemUnderTest.allCases)
  func close(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1))])
    scenario.expectRejected(.close(x(1)), .unexpectedPhase(x(1), .connecting))
    scenario.run([.connectSucceeded(x(1))])
    scenario.expect(.close(x(1)), .ended(.completed(server: s0)))
    #expect(scenario.server(s0).counters.completed == 1)
    #expect(scenario.snapshot.backend.counters.completed == 1)
    #expect(scenario.server(s0).served == 0)
    #expect(scenario.server(s0).connections == 0)
    #expect(scenario.snapshot.backend.sessionCount == 0)
  }

  @Test("R-ABORT: a client abort ends the session from any phase", arguments: SystemUnderTest.allCases)
  func abortFromEveryPhase(_ system: SystemUnderTest) throws {
    let configuration = Configuration(
      retries: 1, redispatch: true, queueTimeout: 5000,
      servers: [server(maxconn: 1), server(maxconn: 1)])
    let setups: [(setup: [Event], phase: SessionPhase, handovers: [Handover])] = [
      ([.arrive(x(1)), .arrive(x(2)), .arrive(x(9))], .queued(.backend, deadline: 5000), []),
      ([.arrive(x(1)), .arrive(x(9), cookie: s0)], .queued(.server(s0), deadline: 5000), []),
      ([.arrive(x(9))], .connecting, []),
      ([.arrive(x(9)), .connectSucceeded(x(9))], .established, []),
      ([.arrive(x(9)), .connectFailed(x(9), .refused)], .turnaround(until: 1000), []),
      (
        [.arrive(x(1)), .arrive(x(2)), .arrive(x(9)), .arrive(x(10)), .connectSucceeded(x(1)), .close(x(1))],
        .dequeued, [Handover(x(10), to: s0, from: .backend)]
      ),
      ([.arrive(x(1), cookie: s0), .arrive(x(9), cookie: s0), .setState(s0, .down)], .redistributed, []),
    ]
    for (setup, phase, handovers) in setups {
      var scenario = try Scenario(system, configuration)
      scenario.run(setup)
      #expect(scenario.phase(9) == phase)
      scenario.expect(.abort(x(9)), .ended(.aborted(during: phase)), handovers: handovers)
      #expect(scenario.session(9) == nil)
      #expect(scenario.snapshot.backend.counters.aborted == 1)
      #expect(scenario.snapshot.backend.counters.serviceUnavailable == 0)
    }
  }

  @Test("R-QUEUE-TIMEOUT: a request still queued at its deadline gets a 503", arguments: SystemUnderTest.allCases)
  func queueTimeout(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(queueTimeout: 1000, servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1))])
    scenario.expect(.arrive(x(2)), .placed(.queued(.backend)))
    scenario.expect(.arrive(x(3), cookie: s0), .placed(.queued(.server(s0))))
    scenario.expectRejected(.queueTimeout(x(2)), .timerNotDue(x(2), due: 1000))
    scenario.expectRejected(.queueTimeout(x(1)), .unexpectedPhase(x(1), .connecting))
    scenario.run([.tick(1000)])
    scenario.expect(.queueTimeout(x(3)), .ended(.queueTimedOut(.server(s0))))
    #expect(scenario.server(s0).counters.failedConnections == 1)
    scenario.expect(.queueTimeout(x(2)), .ended(.queueTimedOut(.backend)))
    #expect(scenario.server(s0).counters.failedConnections == 1, "#2 was bound to no server")
    #expect(scenario.snapshot.backend.counters.failedConnections == 2)
    #expect(scenario.snapshot.backend.counters.serviceUnavailable == 2)

    var forever = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    forever.run([.arrive(x(1)), .arrive(x(2))])
    forever.expectRejected(.queueTimeout(x(2)), .timerNotDue(x(2), due: nil))
  }

  @Test(
    "R-END-RELEASE-THEN-DEQUEUE: beconn drops, the slot is released, then the bound server dequeues",
    arguments: SystemUnderTest.allCases)
  func endOrder(_ system: SystemUnderTest) throws {
    // A dequeued session that never runs still passes its slot on (defect (e)).
    var lost = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    lost.run([.arrive(x(1)), .arrive(x(2)), .arrive(x(3)), .connectSucceeded(x(1)), .close(x(1))])
    lost.expect(
      .abort(x(2)), .ended(.aborted(during: .dequeued)),
      handovers: [Handover(x(3), to: s0, from: .backend)])

    // limit = max(1, ⌊beconn ÷ 2⌋): the dequeue sees beconn without the ending session.
    var dynamic = try Scenario(
      system, Configuration(fullConnections: 20, servers: [server(maxconn: 10, minconn: 1)]))
    dynamic.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    dynamic.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
    dynamic.expect(.arrive(x(3), cookie: s0), .placed(.queued(.server(s0))))
    dynamic.expect(.arrive(x(4)), .placed(.queued(.backend)))
    #expect(dynamic.server(s0).limit == 2)
    // beconn 4 → 3: limit 1, no room, although it was 2 before.
    dynamic.expect(.abort(x(2)), .ended(.aborted(during: .queued(.server(s0), deadline: nil))))
    dynamic.run([.arrive(x(5)), .arrive(x(6))])
    // beconn 5 → 4: limit 2. #3 owned no slot, yet its end makes s0 dequeue.
    dynamic.expect(
      .abort(x(3)), .ended(.aborted(during: .queued(.server(s0), deadline: nil))),
      handovers: [Handover(x(4), to: s0, from: .backend)])
  }
}
