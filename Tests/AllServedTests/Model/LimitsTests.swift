import AllServedCore
import Testing

@Suite("Derived quantities")
struct LimitsTests {
  @Test("R-USABLE: only running servers of positive weight are balanced over", arguments: SystemUnderTest.allCases)
  func usable(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system,
      Configuration(servers: [
        server(weight: 0), server(state: .drain), server(state: .down), server(state: .maint),
        server(),
      ]))
    #expect(scenario.snapshot.servers.map(\.isUsable) == [false, false, false, false, true])
    for number in 1...3 {
      scenario.expect(.arrive(x(number)), .placed(.granted(server: ServerID(4))))
    }

    var alone = try Scenario(system, Configuration(servers: [server(weight: 0)]))
    alone.expect(.arrive(x(1)), .placed(.refused(.noServer)))
  }

  @Test("R-DYN-LIMIT: max(minconn, beconn × maxconn ÷ fullconn), maxconn from fullconn on", arguments: SystemUnderTest.allCases)
  func dynamicLimit(_ system: SystemUnderTest) throws {
    // s0 is drained, so it takes no traffic while beconn grows through s1.
    var scenario = try Scenario(
      system,
      Configuration(
        fullConnections: 20,
        servers: [server(maxconn: 10, minconn: 2, state: .drain), server(), server(maxconn: 4)]))
    #expect(scenario.server(s0).limit == 2)
    // beconn → max(2, ⌊beconn × 10 ÷ 20⌋), and 10 once beconn ≥ 20.
    let expected = [
      1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 3, 7: 3, 8: 4, 9: 4, 10: 5, 11: 5, 12: 6, 13: 6, 14: 7,
      15: 7, 16: 8, 17: 8, 18: 9, 19: 9, 20: 10, 21: 10,
    ]
    for beconn in 1...21 {
      scenario.run([.arrive(x(beconn), cookie: s1)])
      #expect(scenario.snapshot.backend.sessionCount == beconn)
      #expect(scenario.server(s0).limit == expected[beconn], "beconn \(beconn)")
      #expect(scenario.server(s2).limit == 4, "a static limit ignores beconn")
    }
    #expect(scenario.server(s1).limit == 0, "maxconn 0 has limit 0: unlimited")
  }

  @Test("R-DYN-SLOWSTART: the limit ramps with time, never below one slot", arguments: SystemUnderTest.allCases)
  func slowStart(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system,
      Configuration(servers: [
        server(maxconn: 10, slowstart: 10_000, state: .down),
        server(maxconn: 1, slowstart: 10_000, state: .down),
      ]))
    #expect(!scenario.server(s0).isWarmingUp)
    #expect(scenario.server(s0).limit == 10, "not warming up before it ever came up")
    scenario.run([.setState(s0, .running), .setState(s1, .running)])
    // ratio ⌊100 × elapsed ÷ 10000⌋; limit max(1, ⌊10 × ratio ÷ 100⌋).
    let ramp: [(Milliseconds, Int)] = [(0, 1), (2500, 2), (5000, 5), (9999, 9), (10_000, 10)]
    for (instant, limit) in ramp {
      if instant > scenario.snapshot.now { scenario.run([.tick(instant - scenario.snapshot.now)]) }
      #expect(scenario.server(s0).limit == limit, "t=\(instant)")
      #expect(scenario.server(s0).isWarmingUp == (instant < 10_000), "t=\(instant)")
      #expect(scenario.server(s1).limit == 1, "maxconn 1 never ramps to 0, t=\(instant)")
    }

    // Going down does not end the warm-up window.
    var interrupted = try Scenario(
      system, Configuration(servers: [server(maxconn: 10, slowstart: 10_000, state: .down)]))
    interrupted.run([.setState(s0, .running), .tick(5000), .setState(s0, .down)])
    #expect(interrupted.server(s0).isWarmingUp)
    #expect(interrupted.server(s0).limit == 5)
  }

  @Test("R-DYN-SILENT: a limit grown by beconn is not offered to waiters", arguments: SystemUnderTest.allCases)
  func silentGrowth(_ system: SystemUnderTest) throws {
    // limit = max(2, ⌊beconn ÷ 2⌋).
    var scenario = try Scenario(
      system, Configuration(fullConnections: 20, servers: [server(maxconn: 10, minconn: 2)]))
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))  // beconn 1, limit 2
    scenario.expect(.arrive(x(2)), .placed(.granted(server: s0)))  // beconn 2, limit 2
    for number in 3...5 {  // beconn 3…5, limit 2: full
      scenario.expect(.arrive(x(number)), .placed(.queued(.backend)))
    }
    #expect(scenario.server(s0).limit == 2)
    // beconn 6 makes the limit 3: the room goes to the newcomer, not to #3.
    scenario.expect(.arrive(x(6)), .placed(.granted(server: s0)))
    #expect(scenario.server(s0).served == 3)
    #expect(scenario.snapshot.backend.queue == [x(3), x(4), x(5)])
  }

  @Test("R-ROOM: a server has room below its limit; maxconn 0 always has room", arguments: SystemUnderTest.allCases)
  func room(_ system: SystemUnderTest) throws {
    var limited = try Scenario(system, Configuration(servers: [server(maxconn: 2)]))
    limited.expect(.arrive(x(1)), .placed(.granted(server: s0)))
    limited.expect(.arrive(x(2)), .placed(.granted(server: s0)))
    limited.expect(.arrive(x(3)), .placed(.queued(.backend)))

    var unlimited = try Scenario(system, Configuration(servers: [server()]))
    for number in 1...5 {
      unlimited.expect(.arrive(x(number)), .placed(.granted(server: s0)))
    }
    #expect(unlimited.server(s0).served == 5)
  }
}
