import AllServedCore
import Testing

@Suite("Balancing")
struct BalancingTests {
  /// Arrives `numbers` without cookie and returns the server each was granted.
  func grants(_ scenario: inout Scenario, _ numbers: ClosedRange<Int>) -> [ServerID?] {
    numbers.map { number in
      guard case .placed(.granted(let server)) = scenario.step(.arrive(x(number))).effect else {
        return nil
      }
      return server
    }
  }

  @Test("R-LB-ELIGIBLE: a server with waiters is never given to a newcomer", arguments: SystemUnderTest.allCases)
  func eligibility(_ system: SystemUnderTest) throws {
    // limit = max(1, ⌊beconn ÷ 2⌋).
    var scenario = try Scenario(
      system, Configuration(fullConnections: 20, servers: [server(maxconn: 10, minconn: 1)]))
    scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))  // beconn 1, limit 1
    scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))  // beconn 2, limit 1
    scenario.expect(.arrive(x(3)), .placed(.queued(.backend)))  // beconn 3, limit 1
    // beconn 4: limit 2 > served 1, yet #2 waits on s0, so s0 is not eligible.
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
    #expect(scenario.server(s0).limit == 2)
    #expect(scenario.server(s0).served == 1)
  }

  @Test(
    "R-LB-AVOID-PREVIOUS: a redispatched request avoids its previous server when it can",
    arguments: SystemUnderTest.allCases)
  func avoidPrevious(_ system: SystemUnderTest) throws {
    let servers = [server(), server()]
    var scenario = try Scenario(
      system, Configuration(algorithm: .leastConnections, retries: 1, redispatch: true, servers: servers))
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))
    scenario.expect(.arrive(x(2)), .placed(.granted(server: s1)))
    // #1's last retry: s0, just released, is the least loaded, but it is avoided.
    scenario.expect(
      .connectFailed(x(1), .timedOut), .rebalanced(from: s0, .granted(server: s1)))
    #expect(scenario.server(s1).served == 2)
    #expect(scenario.server(s0).served == 0)

    // When the previous server is the only candidate, it is taken (and its slot kept).
    var only = try Scenario(
      system,
      Configuration(retries: 1, redispatch: true, servers: [server(maxconn: 1), server(maxconn: 1)]))
    only.expect(.arrive(x(1)), .placed(.granted(server: s0)))
    only.expect(.arrive(x(2)), .placed(.granted(server: s1)))
    only.expect(.connectFailed(x(1), .timedOut), .rebalanced(from: s0, .granted(server: s0)))
    #expect(only.server(s0).counters.retries == 1)
    #expect(only.server(s0).counters.redispatches == 0)
  }

  @Test("R-LB-ROUNDROBIN: weighted turns in virtual time; skipped servers keep their turn", arguments: SystemUnderTest.allCases)
  func roundRobin(_ system: SystemUnderTest) throws {
    var equal = try Scenario(system, Configuration(servers: [server(), server(), server()]))
    #expect(grants(&equal, 1...6) == [s0, s1, s2, s0, s1, s2])

    // Strides 360360 and 720720 for weights 2 and 1.
    var weighted = try Scenario(system, Configuration(servers: [server(weight: 2), server()]))
    #expect(grants(&weighted, 1...9) == [s0, s1, s0, s0, s1, s0, s0, s1, s0])

    // s0 is full for #4 and #5; it keeps its turn and gets #6 as soon as it frees.
    var skipping = try Scenario(system, Configuration(servers: [server(maxconn: 1), server(), server()]))
    #expect(grants(&skipping, 1...5) == [s0, s1, s2, s1, s2])
    skipping.run([.connectSucceeded(x(1)), .close(x(1))])
    #expect(grants(&skipping, 6...6) == [s0])

    // A server coming back is lifted to the current virtual time: one turn, no burst.
    var lifted = try Scenario(system, Configuration(servers: [server(state: .down), server()]))
    #expect(grants(&lifted, 1...3) == [s1, s1, s1])
    lifted.run([.setState(s0, .running)])
    #expect(grants(&lifted, 4...8) == [s0, s0, s1, s0, s1])
  }

  @Test("R-LB-LEASTCONN: fewest slot owners per weight; ties to the least recently moved", arguments: SystemUnderTest.allCases)
  func leastConnections(_ system: SystemUnderTest) throws {
    var equal = try Scenario(
      system, Configuration(algorithm: .leastConnections, servers: [server(), server(), server()]))
    #expect(grants(&equal, 1...4) == [s0, s1, s2, s0])
    equal.run([.connectSucceeded(x(2)), .close(x(2))])
    #expect(grants(&equal, 5...5) == [s1])

    // Keys ⌊served × 256 ÷ weight⌋ with weights 2 and 1.
    var weighted = try Scenario(
      system, Configuration(algorithm: .leastConnections, servers: [server(weight: 2), server()]))
    #expect(grants(&weighted, 1...7) == [s0, s1, s0, s1, s0, s0, s1])

    // Full servers are skipped.
    var full = try Scenario(
      system, Configuration(algorithm: .leastConnections, servers: [server(maxconn: 1), server()]))
    #expect(grants(&full, 1...3) == [s0, s1, s1])
  }

  @Test("R-LB-HASH: the key picks a weighted map entry, whatever the load", arguments: SystemUnderTest.allCases)
  func hash(_ system: SystemUnderTest) throws {
    // Weights 1, 2, 1: the map is [s1, s0, s2, s1].
    var scenario = try Scenario(
      system, Configuration(algorithm: .hash, servers: [server(), server(weight: 2), server()]))
    for (number, key, expected) in [(1, 0, s1), (2, 1, s0), (3, 2, s2), (4, 3, s1), (5, 5, s0)] {
      scenario.expect(.arrive(x(number), hashKey: UInt32(key)), .placed(.granted(server: expected)))
    }
    // s1 down: the map over s0 and s2 is [s0, s2].
    scenario.run([.setState(s1, .down)])
    scenario.expect(.arrive(x(6), hashKey: 1), .placed(.granted(server: s2)))

    // The map is [s0, s1]: key 2 lands on full s0 and waits there while s1 idles.
    var loaded = try Scenario(
      system, Configuration(algorithm: .hash, servers: [server(maxconn: 1), server()]))
    loaded.expect(.arrive(x(1), hashKey: 0), .placed(.granted(server: s0)))
    loaded.expect(.arrive(x(2), hashKey: 2), .placed(.queued(.server(s0))))
    #expect(loaded.server(s1).served == 0)
  }

  @Test("R-LB-HASH-FALLBACK: without a key, round robin with the usual eligibility", arguments: SystemUnderTest.allCases)
  func hashFallback(_ system: SystemUnderTest) throws {
    var plain = try Scenario(system, Configuration(algorithm: .hash, servers: [server(), server()]))
    #expect(grants(&plain, 1...3) == [s0, s1, s0])

    var scenario = try Scenario(
      system, Configuration(algorithm: .hash, servers: [server(maxconn: 1), server(maxconn: 1)]))
    scenario.expect(.arrive(x(1), hashKey: 0), .placed(.granted(server: s0)))
    scenario.expect(.arrive(x(2), hashKey: 0), .placed(.queued(.server(s0))))
    // s0 has a waiter: a keyless newcomer must not overtake it (defect (f)).
    scenario.expect(.arrive(x(3)), .placed(.granted(server: s1)))
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
  }

  @Test("R-LB-NO-SERVER: with no usable server, an immediate 503", arguments: SystemUnderTest.allCases)
  func noServer(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(servers: [server(state: .down), server(state: .maint)]))
    scenario.expect(.arrive(x(1)), .placed(.refused(.noServer)))
    #expect(scenario.snapshot.backend.counters.failedConnections == 1)
    #expect(scenario.snapshot.backend.counters.serviceUnavailable == 1)
    #expect(scenario.snapshot.backend.sessionCount == 0)
    #expect(scenario.snapshot.sessions.isEmpty)
  }
}
