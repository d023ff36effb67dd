import AllServedCore
import Testing

@Suite("Time")
struct TimeTests {
  @Test("R-TIME-TICK: time waits for woken sessions and due timers, and lands on deadlines", arguments: SystemUnderTest.allCases)
  func tick(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(queueTimeout: 1000, servers: [server(maxconn: 1)]))
    scenario.expectRejected(.tick(0), .outOfRange(.tickDuration, 0))
    scenario.expectRejected(.tick(-5), .outOfRange(.tickDuration, -5))
    scenario.expectRejected(.tick(Limits.maximumTime + 1), .outOfRange(.tickDuration, Limits.maximumTime + 1))
    scenario.expect(.tick(100), .advanced(to: 100))
    scenario.run([.arrive(x(1)), .connectSucceeded(x(1))])
    scenario.expect(.arrive(x(2)), .placed(.queued(.backend)))  // deadline 1100
    scenario.expectRejected(.tick(1001), .timerDue(due: 1100))
    scenario.expect(.tick(1000), .advanced(to: 1100))
    scenario.expectRejected(.tick(1), .timerDue(due: 1100))
    // The timer is due, but other events may still come first at this instant.
    scenario.expect(
      .close(x(1)), .ended(.completed(server: s0)), handovers: [Handover(x(2), to: s0, from: .backend)])
    scenario.expectRejected(.tick(1), .sessionPending(x(2)))
    scenario.expect(.run(x(2)), .connecting(server: s0))
    scenario.expect(.tick(1), .advanced(to: 1101))
  }

  @Test("R-TIME-WARMUP-DEQUEUE: each tick lets a warming server take what its grown limit allows", arguments: SystemUnderTest.allCases)
  func warmUpDequeue(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(servers: [server(maxconn: 4, slowstart: 4000, state: .down), server(maxconn: 1)]))
    scenario.run((1...6).map { .arrive(x($0)) })
    scenario.expect(
      .setState(s0, .running), .stateChanged(server: s0, from: .down, to: .running, redistributed: []),
      handovers: [Handover(x(2), to: s0, from: .backend)])
    // Limits at 1000…4000 ms: ⌊4 × 25 ÷ 100⌋ = 1, 2, 3, then 4 (warm-up over).
    let expected: [(Milliseconds, [Int])] = [(1000, []), (2000, [3]), (3000, [4]), (4000, [5]), (5000, [])]
    scenario.run([.run(x(2))])
    for (instant, handed) in expected {
      scenario.expect(
        .tick(1000), .advanced(to: instant),
        handovers: handed.map { Handover(x($0), to: s0, from: .backend) })
      scenario.run(handed.map { .run(x($0)) })
    }
    #expect(scenario.snapshot.backend.queue == [x(6)])
    #expect(scenario.server(s0).served == 4)
  }

  @Test("R-TIME-TICK: a woken session outranks timers, and the earliest timer is the one named", arguments: SystemUnderTest.allCases)
  func tickRejectionOrder(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(queueTimeout: 1000, servers: [server(maxconn: 1), server(maxconn: 1)]))
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))
    scenario.expect(.tick(50), .advanced(to: 50))
    scenario.expect(.arrive(x(2)), .placed(.granted(server: s1)))
    scenario.expect(.arrive(x(3)), .placed(.queued(.backend)))  // deadline 1050
    scenario.expect(.connectFailed(x(1), .refused), .turnaround(server: s0, until: 1050))
    scenario.expect(.tick(100), .advanced(to: 150))
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))  // deadline 1150
    scenario.expect(.connectFailed(x(2), .refused), .turnaround(server: s1, until: 1150))
    // Three timers: #1 and #3 at 1050, #2 and #4 at 1150. The earliest is named.
    scenario.expectRejected(.tick(5000), .timerDue(due: 1050))
    scenario.expect(.tick(900), .advanced(to: 1050))
    scenario.expect(.run(x(1)), .retrying(server: s0))
    scenario.expect(.connectSucceeded(x(1)), .established(server: s0))
    scenario.expect(
      .close(x(1)), .ended(.completed(server: s0)), handovers: [Handover(x(3), to: s0, from: .backend)])
    // #3 was woken; #2's turn-around (1150) is earlier than any tick past it.
    scenario.expectRejected(.tick(5000), .sessionPending(x(3)))
    scenario.expect(.run(x(3)), .connecting(server: s0))
    scenario.expectRejected(.tick(5000), .timerDue(due: 1150))
  }
}
