import AllServedCore
import Testing

/// The minimal sequences of the four bugs of 7c669d7e0's commit message (§4 of
/// haproxy-reservation-semantics.md) and of the defects left in the patch
/// (§2.9), each checked for what the fix intended. A = #1, B1 = #2, B2 = #3,
/// C = #4 unless said otherwise.
@Suite("Historical bugs, post-fix behaviour")
struct HistoricalBugTests {
  @Test("Bug 1, sequence 1: a popped session that never connects does not strand the others", arguments: SystemUnderTest.allCases)
  func bug1PoppedSessionAborts(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .connectSucceeded(x(1)), .arrive(x(2)), .arrive(x(3))])
    scenario.expect(
      .close(x(1)), .ended(.completed(server: s0)), handovers: [Handover(x(2), to: s0, from: .backend)])
    // B1's client aborts before B1 runs: B2 must get the slot, not wait for its timeout.
    scenario.expect(
      .abort(x(2)), .ended(.aborted(during: .dequeued)),
      handovers: [Handover(x(3), to: s0, from: .backend)])
    scenario.expect(.run(x(3)), .connecting(server: s0))
  }

  @Test("Bug 1, sequence 2: grown capacity reaches the oldest waiters at the next release", arguments: SystemUnderTest.allCases)
  func bug1CapacityGrowth(_ system: SystemUnderTest) throws {
    // minconn 1, maxconn 10, fullconn 20: limit = max(1, ⌊beconn ÷ 2⌋).
    var scenario = try Scenario(
      system, Configuration(fullConnections: 20, servers: [server(maxconn: 10, minconn: 1)]))
    scenario.run([.arrive(x(1)), .connectSucceeded(x(1))])  // beconn 1, limit 1
    scenario.expect(.arrive(x(2)), .placed(.queued(.backend)))  // beconn 2, limit 1
    scenario.expect(.arrive(x(3)), .placed(.queued(.backend)))  // beconn 3, limit 1
    // beconn 4: the limit grew to 2 silently (R-DYN-SILENT). The residual of
    // 1.3.15: a newcomer takes the grown room ahead of #2 and #3.
    scenario.expect(.arrive(x(4)), .placed(.granted(server: s0)))
    scenario.expect(.arrive(x(5)), .placed(.queued(.backend)))  // beconn 5, limit 2
    // The next release (beconn 4, limit 2) serves the oldest waiter, not #5.
    scenario.expect(
      .close(x(1)), .ended(.completed(server: s0)), handovers: [Handover(x(2), to: s0, from: .backend)])
    #expect(scenario.snapshot.backend.queue == [x(3), x(5)])
  }

  @Test("Bug 2: a handed-over slot is reserved; a newcomer cannot take it", arguments: SystemUnderTest.allCases)
  func bug2Reservation(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(redispatch: true, servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .connectSucceeded(x(1)), .arrive(x(2))])
    scenario.expect(
      .close(x(1)), .ended(.completed(server: s0)), handovers: [Handover(x(2), to: s0, from: .backend)])
    // C arrives before B1 runs: s0 is full by reservation, so C queues.
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
    // B1 runs on its slot: no balancing, no requeue, no redispatch.
    scenario.expect(.run(x(2)), .connecting(server: s0))
    #expect(scenario.snapshot.backend.counters.redispatches == 0)
    #expect(scenario.snapshot.backend.queue == [x(4)])
  }

  @Test("Bug 3: a retrying session keeps its place; its last retry lands back on its own slot", arguments: SystemUnderTest.allCases)
  func bug3RedispatchKeepsPlace(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(retries: 2, redispatch: true, queueTimeout: 30_000, servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1))])
    scenario.expect(.arrive(x(2)), .placed(.queued(.backend)))
    scenario.expect(.connectFailed(x(1), .refused), .turnaround(server: s0, until: 1000))
    // During the turn-around C cannot take A's slot.
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
    scenario.run([.tick(1000)])
    scenario.expect(.run(x(1)), .retrying(server: s0))
    #expect(scenario.server(s0).connections == 1, "never more connections than maxconn")
    scenario.expect(.connectFailed(x(1), .refused), .turnaround(server: s0, until: 2000))
    scenario.run([.tick(1000)])
    // The last retry is balanced again and takes the very same slot back.
    scenario.expect(.run(x(1)), .rebalanced(from: s0, .granted(server: s0)))
    #expect(scenario.snapshot.backend.queue == [x(2), x(4)])
    #expect(scenario.server(s0).counters.retries == 2)
    #expect(scenario.server(s0).counters.redispatches == 0)
  }

  @Test("Bug 4, sequence 1: maxqueue answers 503 without redispatch, redispatches with it", arguments: SystemUnderTest.allCases)
  func bug4Persistence(_ system: SystemUnderTest) throws {
    for redispatch in [false, true] {
      var scenario = try Scenario(
        system,
        Configuration(redispatch: redispatch, servers: [server(maxconn: 1, maxqueue: 1), server(maxconn: 1)]))
      scenario.run([.arrive(x(1), cookie: s0), .arrive(x(2), cookie: s0)])
      if redispatch {
        scenario.expect(
          .arrive(x(4), cookie: s0), .placed(.redispatched(from: s0, .granted(server: s1))))
        #expect(scenario.server(s0).counters.redispatches == 1)
        #expect(scenario.session(4)?.wasRedispatched == true)
      } else {
        // Persistence is never broken without permission.
        scenario.expect(.arrive(x(4), cookie: s0), .placed(.refused(.serverQueueFull(s0))))
        #expect(scenario.server(s0).counters.failedConnections == 1)
        #expect(scenario.server(s1).served == 0)
      }
    }
  }

  @Test("Bug 4, sequence 2: maxqueue holds for hashes, and a full hash target is a 503, not a loop", arguments: SystemUnderTest.allCases)
  func bug4Hash(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system,
      Configuration(algorithm: .hash, redispatch: true, servers: [server(maxconn: 1, maxqueue: 1), server()]))
    scenario.run([.arrive(x(1), hashKey: 0), .arrive(x(2), hashKey: 0)])
    scenario.expect(.arrive(x(4), hashKey: 0), .placed(.refused(.serverQueueFull(s0))))
    #expect(scenario.server(s0).queue.count == 1)
  }

  @Test("Defect (a): the slot is kept during the turn-around, so connections never exceed maxconn", arguments: SystemUnderTest.allCases)
  func defectASlotDuringRetry(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(retries: 3, servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1))])
    scenario.expect(.connectFailed(x(1), .refused), .turnaround(server: s0, until: 1000))
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
    scenario.run([.tick(1000)])
    scenario.expect(.run(x(1)), .retrying(server: s0))
    #expect(scenario.server(s0).connections == 1)
    #expect(scenario.server(s0).served == 1)
  }

  @Test("Defect (b): a warming server's limit is never zero", arguments: SystemUnderTest.allCases)
  func defectBZeroLimit(_ system: SystemUnderTest) throws {
    // maxconn 50, slowstart 100 s: at 1 s the ratio is 1 and ⌊50 × 1 ÷ 100⌋ = 0.
    var scenario = try Scenario(
      system, Configuration(servers: [server(maxconn: 50, slowstart: 100_000, state: .down)]))
    scenario.run([.setState(s0, .running), .tick(1000)])
    #expect(scenario.server(s0).limit == 1)
    scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
  }

  @Test("Defect (c): a dead server does not drain the backend queue", arguments: SystemUnderTest.allCases)
  func defectCDeadServer(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1), server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .connectSucceeded(x(1)), .arrive(x(2)), .connectSucceeded(x(2))])
    scenario.expect(.arrive(x(3)), .placed(.queued(.backend)))
    scenario.run([.setState(s0, .down)])
    scenario.expect(.close(x(1)), .ended(.completed(server: s0)))
    #expect(scenario.snapshot.backend.queue == [x(3)])
    scenario.expect(
      .close(x(2)), .ended(.completed(server: s1)), handovers: [Handover(x(3), to: s1, from: .backend)])
  }

  @Test("Defect (d): a server coming up reserves for the waiters it takes, in order", arguments: SystemUnderTest.allCases)
  func defectDComingUp(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(servers: [server(maxconn: 1, state: .down), server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .arrive(x(2)), .arrive(x(3))])
    scenario.expect(
      .setState(s0, .running), .stateChanged(server: s0, from: .down, to: .running, redistributed: []),
      handovers: [Handover(x(2), to: s0, from: .backend)])
    #expect(scenario.session(2)?.slot == s0)
    // A newcomer queues behind #3; #3 keeps its place at the head.
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
    #expect(scenario.snapshot.backend.queue == [x(3), x(4)])
  }

  @Test("Defect (e): a slot released at session end is offered to the next waiter", arguments: SystemUnderTest.allCases)
  func defectELostWakeUp(_ system: SystemUnderTest) throws {
    // The session_free path: a dequeued session whose client went away.
    var abort = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    abort.run([.arrive(x(1)), .connectSucceeded(x(1)), .arrive(x(2)), .arrive(x(3)), .close(x(1))])
    abort.expect(
      .abort(x(2)), .ended(.aborted(during: .dequeued)), handovers: [Handover(x(3), to: s0, from: .backend)])

    // The retries-exhausted path (b89cfca49).
    var exhausted = try Scenario(system, Configuration(retries: 0, servers: [server(maxconn: 1)]))
    exhausted.run([.arrive(x(1)), .arrive(x(2))])
    exhausted.expect(
      .connectFailed(x(1), .refused), .ended(.connectionFailed(server: s0)),
      handovers: [Handover(x(2), to: s0, from: .backend)])
  }

  @Test("Defect (f): a request without a hash key does not overtake waiters", arguments: SystemUnderTest.allCases)
  func defectFHashFallback(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(algorithm: .hash, servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1), hashKey: 0)])
    scenario.expect(.arrive(x(2), hashKey: 0), .placed(.queued(.server(s0))))
    scenario.run([.connectFailed(x(1), .refused)])  // s0 has no connection now, still a slot owner
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
  }

  @Test("Defect (g): dequeuing counts slots, not connections", arguments: SystemUnderTest.allCases)
  func defectGSlotsNotConnections(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(retries: 1, servers: [server(maxconn: 2)]))
    scenario.run([.arrive(x(1)), .arrive(x(2)), .connectSucceeded(x(2)), .arrive(x(3))])
    scenario.expect(.connectFailed(x(1), .refused), .turnaround(server: s0, until: 1000))
    #expect(scenario.server(s0).connections == 1)
    // One slot frees, one waiter is served: the turn-around still holds its slot.
    scenario.expect(
      .close(x(2)), .ended(.completed(server: s0)), handovers: [Handover(x(3), to: s0, from: .backend)])
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
  }
}
