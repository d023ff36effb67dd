import AllServedCore
import Testing

/// The HAProxy 2.6 policies (Specs/Reservation.md, "HAProxy 2.6 semantics"),
/// each with its expected values derived by hand from the rule's text, and the
/// 2008 outcome beside it where the two differ.
@Suite("HAProxy 2.6 semantics")
struct HAProxy26Tests {
  func configuration(
    _ algorithm: Algorithm, _ servers: [ServerConfiguration], redispatch: Bool = false,
    semantics: Semantics = .haproxy26
  ) -> Configuration {
    Configuration(algorithm: algorithm, retries: 0, redispatch: redispatch, servers: servers, semantics: semantics)
  }

  @Test("R-26-ROUNDROBIN-FWRR: equal weights take turns in index order", arguments: SystemUnderTest.allCases)
  func equalTurns(_ system: SystemUnderTest) throws {
    // N = W = P = 48. The three servers join from `initial` at positions 48, 49,
    // 50 (each then 3 further on), and the round comes back to s0 at P = 51.
    var scenario = try Scenario(system, configuration(.roundRobin, [server(), server(), server()]))
    for (number, expected) in zip(1..., [s0, s1, s2, s0, s1, s2, s0]) {
      scenario.expect(.arrive(x(number)), .placed(.granted(server: expected)))
    }
  }

  @Test("R-26-ROUNDROBIN-FWRR: a full server passed over loses its turn", arguments: SystemUnderTest.allCases)
  func fullServerLosesTurn(_ system: SystemUnderTest) throws {
    func run(_ semantics: Semantics) throws -> Scenario {
      var scenario = try Scenario(
        system, configuration(.roundRobin, [server(maxconn: 1), server(), server()], semantics: semantics))
      scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))
      scenario.expect(.connectSucceeded(x(1)), .established(server: s0))
      scenario.expect(.arrive(x(2)), .placed(.granted(server: s1)))
      scenario.expect(.arrive(x(3)), .placed(.granted(server: s2)))
      // s0's turn (position 51 = P): full, so it is advanced to 54 and passed over.
      scenario.expect(.arrive(x(4)), .placed(.granted(server: s1)))
      scenario.expect(.close(x(1)), .ended(.completed(server: s0)))
      return scenario
    }
    var haproxy = try run(.haproxy26)
    // P = 53: s2's position 53 comes before s0's 54.
    haproxy.expect(.arrive(x(5)), .placed(.granted(server: s2)))
    haproxy.expect(.arrive(x(6)), .placed(.granted(server: s0)))
    // R-LB-ROUNDROBIN instead keeps s0's turn: it is served first once free.
    var design = try run(.design2008)
    design.expect(.arrive(x(5)), .placed(.granted(server: s0)))
  }

  @Test("R-26-ROUNDROBIN-FWRR: a server back from drain rejoins one stride ahead", arguments: SystemUnderTest.allCases)
  func comingBack(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, configuration(.roundRobin, [server(maxconn: 1), server(maxconn: 1)]))
    // N = W = P = 32. Leaving, s0 takes N to 16; coming back, N = 32 and s0
    // joins `current` at 32 + (32 + 32 − 32) ÷ 16 = 34 > P: s1 goes first.
    scenario.run([.setState(s0, .drain), .setState(s0, .running)])
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s1)))
    // P = 33; s0 (34) heads `current` and is the only one left: it is taken.
    scenario.expect(.arrive(x(2)), .placed(.granted(server: s0)))
    var design = try Scenario(
      system, configuration(.roundRobin, [server(maxconn: 1), server(maxconn: 1)], semantics: .design2008))
    design.run([.setState(s0, .drain), .setState(s0, .running)])
    design.expect(.arrive(x(1)), .placed(.granted(server: s0)))
  }

  @Test("R-26-LEASTCONN-QUEUE-ROOM: a full server with queue room takes a balanced request into its queue", arguments: SystemUnderTest.allCases)
  func queueRoom(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, configuration(.leastConnections, [server(maxconn: 1, maxqueue: 1)]))
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))
    // served 1 + queued 0 < maxconn 1 + maxqueue 1.
    scenario.expect(.arrive(x(2)), .placed(.queued(.server(s0))))
    // 1 + 1 < 2 fails: no eligible server.
    scenario.expect(.arrive(x(3)), .placed(.queued(.backend)))
    var design = try Scenario(
      system, configuration(.leastConnections, [server(maxconn: 1, maxqueue: 1)], semantics: .design2008))
    design.expect(.arrive(x(1)), .placed(.granted(server: s0)))
    design.expect(.arrive(x(2)), .placed(.queued(.backend)))
  }

  @Test("R-26-LEASTCONN-INFLIGHT: the key counts waiters but is stored when the server last moved", arguments: SystemUnderTest.allCases)
  func inflightKey(_ system: SystemUnderTest) throws {
    let servers = [server(maxconn: 1, maxqueue: 2), server(maxconn: 1, maxqueue: 2)]
    var scenario = try Scenario(system, configuration(.leastConnections, servers))
    // Both idle (key 0): s0 first; it moves to key (1 + 1) × 256 = 512.
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))
    scenario.expect(.connectSucceeded(x(1)), .established(server: s0))
    scenario.expect(.arrive(x(2)), .placed(.granted(server: s1)))
    scenario.expect(.connectSucceeded(x(2)), .established(server: s1))
    // Both at 512; s0 moved first. Full with room: #3 waits on s0, whose stored
    // key stays 512 (joining a queue does not move a server).
    scenario.expect(.arrive(x(3)), .placed(.queued(.server(s0))))
    // Still a tie at 512, s0 first: a live key (768) would have sent #4 to s1.
    scenario.expect(.arrive(x(4)), .placed(.queued(.server(s0))))
    // s0 now has 1 + 2 = 3, not below 1 + 2: only s1 is eligible.
    scenario.expect(.arrive(x(5)), .placed(.queued(.server(s1))))
    #expect(scenario.server(s0).queue == [x(3), x(4)])
  }

  @Test("R-26-REDISTRIBUTE-PREVIOUS: a redistributed request counts a redispatch on the server it left", arguments: SystemUnderTest.allCases)
  func redistributionCounts(_ system: SystemUnderTest) throws {
    func run(_ semantics: Semantics) throws -> Scenario {
      var scenario = try Scenario(
        system,
        configuration(
          .leastConnections, [server(maxconn: 1), server(maxconn: 1)], redispatch: true, semantics: semantics))
      scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
      scenario.expect(.connectSucceeded(x(1)), .established(server: s0))
      scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
      scenario.expect(.setState(s0, .maint), .stateChanged(server: s0, from: .running, to: .maint, redistributed: [x(2)]))
      scenario.expect(.run(x(2)), .placed(.granted(server: s1)))
      return scenario
    }
    let haproxy = try run(.haproxy26)
    #expect(haproxy.server(s0).counters.redispatches == 1)
    #expect(haproxy.snapshot.backend.counters.redispatches == 1)
    #expect(haproxy.session(2)?.previous == s0)
    #expect(haproxy.session(2)?.wasRedispatched == true)
    let design = try run(.design2008)
    #expect(design.server(s0).counters.redispatches == 0)
    #expect(design.session(2)?.previous == nil)
  }

  @Test("R-26-QUEUE-KEY: a request queued again competes by when it joined, not when it arrived", arguments: SystemUnderTest.allCases)
  func queueKey(_ system: SystemUnderTest) throws {
    func run(_ semantics: Semantics) throws -> Scenario {
      var scenario = try Scenario(
        system,
        configuration(
          .roundRobin, [server(maxconn: 1), server(maxconn: 1, maxqueue: 2)], redispatch: true,
          semantics: semantics))
      scenario.run([.arrive(x(1), cookie: s0), .connectSucceeded(x(1)), .tick(5)])
      scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))  // t = 5
      scenario.run([.tick(5), .arrive(x(3), cookie: s1), .connectSucceeded(x(3)), .tick(5)])
      scenario.expect(.arrive(x(4), cookie: s1), .placed(.queued(.server(s1))))  // t = 15
      scenario.run([.tick(5), .setState(s0, .maint)])  // t = 20: #2 redistributed
      // s0 is in maintenance and s1 full: #2 waits in the backend queue again.
      scenario.expect(.run(x(2)), .placed(.queued(.backend)))
      scenario.run([.tick(5)])
      return scenario
    }
    var haproxy = try run(.haproxy26)
    #expect(haproxy.session(2)?.requestTime == 5)
    #expect(haproxy.session(2)?.queueKey == 20)
    // s1's own head #4 joined at 15, before #2 joined the backend queue at 20.
    haproxy.expect(
      .close(x(3)), .ended(.completed(server: s1)), handovers: [Handover(x(4), to: s1, from: .server(s1))])
    var design = try run(.design2008)
    #expect(design.session(2)?.queueKey == 5)
    // By request time #2 (5) is older than #4 (15).
    design.expect(.close(x(3)), .ended(.completed(server: s1)), handovers: [Handover(x(2), to: s1, from: .backend)])
  }
}
