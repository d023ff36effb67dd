import AllServedCore
import Testing

@Suite("Servers")
struct AdminTests {
  @Test("R-STATE-TRANSITIONS: redistribution and warm-up follow the transition table", arguments: SystemUnderTest.allCases)
  func transitionTable(_ system: SystemUnderTest) throws {
    for from in ServerState.allCases {
      for to in ServerState.allCases where to != from {
        let configuration = Configuration(
          redispatch: true, persist: true,
          servers: [server(maxconn: 1, slowstart: 10_000, state: from), server(maxconn: 1)])
        var scenario = try Scenario(system, configuration)
        scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
        scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
        // The table: up → not running redistributes; down/maint → up comes up.
        let redistributes = (from == .running || from == .drain) && to != .running
        let comesUp = (from == .down || from == .maint) && (to == .running || to == .drain)
        scenario.expect(
          .setState(s0, to),
          .stateChanged(server: s0, from: from, to: to, redistributed: redistributes ? [x(2)] : []))
        #expect(scenario.server(s0).isWarmingUp == comesUp, "\(from) → \(to)")
        #expect(scenario.session(1)?.slot == s0, "slot owners are untouched, \(from) → \(to)")
      }
    }

    // Into running, a server that was not usable takes the backend queue at once.
    for from in [ServerState.drain, .down, .maint] {
      for to in ServerState.allCases where to != from {
        var scenario = try Scenario(
          system, Configuration(servers: [server(maxconn: 1, state: from), server(maxconn: 1)]))
        scenario.expect(.arrive(x(1)), .placed(.granted(server: s1)))
        scenario.expect(.arrive(x(2)), .placed(.queued(.backend)))
        scenario.expect(
          .setState(s0, to), .stateChanged(server: s0, from: from, to: to, redistributed: []),
          handovers: to == .running ? [Handover(x(2), to: s0, from: .backend)] : [])
      }
    }
  }

  @Test("R-STATE-REDISTRIBUTE: under option redispatch a leaving server's waiters are balanced again", arguments: SystemUnderTest.allCases)
  func redistribute(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(redispatch: true, servers: [server(maxconn: 1), server(maxconn: 1)]))
    scenario.run([.arrive(x(1), cookie: s0), .connectSucceeded(x(1))])
    scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
    scenario.expect(.arrive(x(3), cookie: s0), .placed(.queued(.server(s0))))
    scenario.expect(.arrive(x(4)), .placed(.granted(server: s1)))
    scenario.expect(
      .setState(s0, .maint),
      .stateChanged(server: s0, from: .running, to: .maint, redistributed: [x(2), x(3)]))
    for number in [2, 3] {
      let moved = try #require(scenario.session(number))
      #expect(moved.phase == .redistributed)
      #expect(!moved.isDirect)
      #expect(moved.assigned == nil)
    }
    #expect(scenario.server(s0).queue.isEmpty)
    #expect(scenario.session(1)?.phase == .established, "slot owners finish on their own")
    scenario.expectRejected(.tick(1), .sessionPending(x(2)))
    // The order of their runs is the order they queue in.
    scenario.expect(.run(x(3)), .placed(.queued(.backend)))
    scenario.expect(.run(x(2)), .placed(.queued(.backend)))
    #expect(scenario.snapshot.backend.queue == [x(3), x(2)])

    var kept = try Scenario(system, Configuration(servers: [server(maxconn: 1), server(maxconn: 1)]))
    kept.run([.arrive(x(1), cookie: s0), .arrive(x(2), cookie: s0)])
    kept.expect(
      .setState(s0, .maint), .stateChanged(server: s0, from: .running, to: .maint, redistributed: []))
    #expect(kept.server(s0).queue == [x(2)])
  }

  @Test("R-SLOWSTART-WARMUP: coming up, and only coming up, starts the warm-up", arguments: SystemUnderTest.allCases)
  func warmUpStart(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(servers: [server(maxconn: 4, slowstart: 4000, state: .down)]))
    scenario.run([.tick(5000), .setState(s0, .running)])
    #expect(scenario.server(s0).limit == 1)
    scenario.run([.tick(2000)])
    #expect(scenario.server(s0).limit == 2)  // ⌊4 × 50 ÷ 100⌋
    scenario.run([.setState(s0, .drain), .setState(s0, .running)])
    #expect(scenario.server(s0).limit == 2, "drain and back is not coming up")
    scenario.run([.setState(s0, .maint), .setState(s0, .running)])
    #expect(scenario.server(s0).limit == 1, "maint and back is")
  }

  @Test("R-STATE-UP-DEQUEUE: a server coming up takes waiters with reservation, up to its limit", arguments: SystemUnderTest.allCases)
  func upDequeues(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(servers: [server(maxconn: 2, state: .down), server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .arrive(x(2)), .arrive(x(3)), .arrive(x(4))])
    scenario.expect(
      .setState(s0, .running), .stateChanged(server: s0, from: .down, to: .running, redistributed: []),
      handovers: [Handover(x(2), to: s0, from: .backend), Handover(x(3), to: s0, from: .backend)])
    #expect(scenario.server(s0).served == 2)
    #expect(scenario.snapshot.backend.queue == [x(4)])

    var warming = try Scenario(
      system, Configuration(servers: [server(maxconn: 2, slowstart: 1000, state: .down), server(maxconn: 1)]))
    warming.run([.arrive(x(1)), .arrive(x(2)), .arrive(x(3))])
    warming.expect(
      .setState(s0, .running), .stateChanged(server: s0, from: .down, to: .running, redistributed: []),
      handovers: [Handover(x(2), to: s0, from: .backend)])
  }

  @Test("R-WEIGHT-CHANGE: set weight; leaving weight 0 makes the server dequeue", arguments: SystemUnderTest.allCases)
  func weightChange(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(servers: [server(maxconn: 1, weight: 0), server(maxconn: 1)]))
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s1)))
    scenario.expect(.arrive(x(2)), .placed(.queued(.backend)))
    scenario.expect(
      .setWeight(s0, 2), .weightChanged(server: s0, from: 0, to: 2),
      handovers: [Handover(x(2), to: s0, from: .backend)])
    #expect(scenario.server(s0).weight == 2)
    scenario.expectRejected(.setWeight(s0, 300), .outOfRange(.weight, 300))
    scenario.expectRejected(.setWeight(s0, -1), .outOfRange(.weight, -1))
    scenario.expectRejected(.setWeight(ServerID(2), 1), .unknownServer(ServerID(2)))
  }

  @Test("R-MAXCONN-CHANGE: set maxconn; a static limit stays static; lowering evicts nobody", arguments: SystemUnderTest.allCases)
  func maximumConnectionsChange(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 2)]))
    scenario.run([.arrive(x(1)), .arrive(x(2)), .arrive(x(3)), .arrive(x(4))])
    scenario.expect(
      .setMaximumConnections(s0, 4), .maximumConnectionsChanged(server: s0, from: 2, to: 4),
      handovers: [Handover(x(3), to: s0, from: .backend), Handover(x(4), to: s0, from: .backend)])
    #expect(scenario.server(s0).minimumConnections == 4)
    scenario.expect(.setMaximumConnections(s0, 1), .maximumConnectionsChanged(server: s0, from: 4, to: 1))
    #expect(scenario.server(s0).served == 4)
    #expect(scenario.server(s0).limit == 1)
    #expect(scenario.server(s0).minimumConnections == 1)
    scenario.expectRejected(.setMaximumConnections(s0, -1), .outOfRange(.maximumConnections, -1))

    var dynamic = try Scenario(
      system, Configuration(fullConnections: 100, servers: [server(maxconn: 10, minconn: 2)]))
    dynamic.run([.setMaximumConnections(s0, 5)])
    #expect(dynamic.server(s0).minimumConnections == 2)
    dynamic.run([.setMaximumConnections(s0, 1)])
    #expect(dynamic.server(s0).minimumConnections == 1)
    dynamic.run([.setMaximumConnections(s0, 0)])
    #expect(dynamic.server(s0).minimumConnections == 0)
    #expect(dynamic.server(s0).limit == 0)
  }

  @Test("R-SHUTDOWN-SESSIONS: every slot owner is killed; its slot goes to the next waiter", arguments: SystemUnderTest.allCases)
  func shutdownSessions(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(retries: 3, servers: [server(maxconn: 3)]))
    scenario.run([
      .arrive(x(1)), .connectSucceeded(x(1)), .arrive(x(2)), .arrive(x(3)),
      .connectFailed(x(3), .refused), .arrive(x(4)), .arrive(x(5)), .arrive(x(6)), .arrive(x(7)),
    ])
    scenario.expect(
      .shutdownSessions(s0), .killed(server: s0, sessions: [x(1), x(2), x(3)]),
      handovers: [
        Handover(x(4), to: s0, from: .backend), Handover(x(5), to: s0, from: .backend),
        Handover(x(6), to: s0, from: .backend),
      ])
    #expect(scenario.server(s0).counters.killed == 3)
    #expect(scenario.snapshot.backend.counters.killed == 3)
    #expect(scenario.snapshot.backend.queue == [x(7)])
    // The dequeued ones own slots too.
    scenario.expect(
      .shutdownSessions(s0), .killed(server: s0, sessions: [x(4), x(5), x(6)]),
      handovers: [Handover(x(7), to: s0, from: .backend)])
    scenario.expectRejected(.shutdownSessions(ServerID(1)), .unknownServer(ServerID(1)))
  }

  @Test("R-ADMIN-NO-CHANGE: asking for what already holds does nothing at all", arguments: SystemUnderTest.allCases)
  func noChange(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(algorithm: .leastConnections, servers: [server(), server()]))
    scenario.expect(.setState(s0, .running), .unchanged(server: s0))
    scenario.expect(.setWeight(s0, 1), .unchanged(server: s0))
    scenario.expect(.setMaximumConnections(s0, 0), .unchanged(server: s0))
    // Had s0 moved in the leastconn order, s1 would now come first.
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))
  }
}
