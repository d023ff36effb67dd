import AllServedCore
import Testing

@Suite("Arrival and assignment")
struct ArrivalTests {
  @Test("R-ARRIVE-FRESH-ID: each arrival names a session never named before", arguments: SystemUnderTest.allCases)
  func freshIdentifiers(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server()]))
    scenario.expectRejected(.arrive(x(0)), .sessionIDNotFresh(x(0), mustExceed: 0))
    scenario.expect(.arrive(x(5)), .placed(.granted(server: s0)))
    scenario.expectRejected(.arrive(x(5)), .sessionIDNotFresh(x(5), mustExceed: 5))
    scenario.expectRejected(.arrive(x(3)), .sessionIDNotFresh(x(3), mustExceed: 5))
    scenario.run([.connectSucceeded(x(5)), .close(x(5))])
    scenario.expectRejected(.arrive(x(5)), .sessionIDNotFresh(x(5), mustExceed: 5))
    scenario.expect(.arrive(x(6)), .placed(.granted(server: s0)))
  }

  @Test("R-ARRIVE-COUNT: a request counts in beconn before its own assignment", arguments: SystemUnderTest.allCases)
  func countsFirst(_ system: SystemUnderTest) throws {
    // limit = max(1, beconn × 4 ÷ 4) = beconn, up to 4.
    var scenario = try Scenario(
      system, Configuration(fullConnections: 4, servers: [server(maxconn: 4, minconn: 1)]))
    for number in 1...4 {
      // Counted after assignment, #2 would meet limit 1 and queue.
      scenario.expect(.arrive(x(number)), .placed(.granted(server: s0)))
    }
    scenario.expect(.arrive(x(5)), .placed(.queued(.backend)))
    #expect(scenario.snapshot.backend.sessionCount == 5)
    #expect(scenario.server(s0).limit == 4)
  }

  @Test("R-PERSIST-COOKIE: a cookie binds to an up server, or to any under option persist", arguments: SystemUnderTest.allCases)
  func persistenceCookie(_ system: SystemUnderTest) throws {
    var running = try Scenario(system, Configuration(servers: [server(), server()]))
    running.expect(.arrive(x(1), cookie: s1), .placed(.granted(server: s1)))
    #expect(running.session(1)?.isDirect == true)
    #expect(running.session(1)?.assigned == s1)
    running.expect(.arrive(x(2)), .placed(.granted(server: s0)))
    #expect(running.session(2)?.isDirect == false)
    running.expectRejected(.arrive(x(3), cookie: ServerID(7)), .unknownServer(ServerID(7)))
    running.expect(.arrive(x(3)), .placed(.granted(server: s1)))

    var draining = try Scenario(system, Configuration(servers: [server(), server(state: .drain)]))
    draining.expect(.arrive(x(1), cookie: s1), .placed(.granted(server: s1)))

    for state in [ServerState.down, .maint] {
      var ignored = try Scenario(system, Configuration(servers: [server(), server(state: state)]))
      ignored.expect(.arrive(x(1), cookie: s1), .placed(.granted(server: s0)))
      #expect(ignored.session(1)?.isDirect == false, "\(state)")

      var persisted = try Scenario(
        system, Configuration(persist: true, servers: [server(), server(state: state)]))
      persisted.expect(.arrive(x(1), cookie: s1), .placed(.granted(server: s1)))
      #expect(persisted.session(1)?.isDirect == true, "\(state)")
    }
  }

  @Test("R-ASSIGN-RESERVE: a bound request with room reserves a slot and connects", arguments: SystemUnderTest.allCases)
  func reserve(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1), server()]))
    scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    #expect(scenario.phase(1) == .connecting)
    #expect(scenario.session(1)?.slot == s0)
    #expect(scenario.server(s0).served == 1)
    #expect(scenario.server(s0).connections == 1)
  }

  @Test("R-ASSIGN-QUEUE-SERVER: a request bound to a full server waits in its queue", arguments: SystemUnderTest.allCases)
  func queueOnServer(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system, Configuration(queueTimeout: 5000, servers: [server(maxconn: 1), server(maxconn: 1)]))
    scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
    #expect(scenario.phase(2) == .queued(.server(s0), deadline: 5000))
    #expect(scenario.session(2)?.slot == nil)
    #expect(scenario.server(s1).served == 0, "s1 idles: the cookie binds #2 to s0")
  }

  @Test("R-ASSIGN-QUEUE-BACKEND: with no eligible server, the unbounded backend queue", arguments: SystemUnderTest.allCases)
  func queueOnBackend(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1), server(maxconn: 1)]))
    scenario.expect(.arrive(x(1)), .placed(.granted(server: s0)))
    scenario.expect(.arrive(x(2)), .placed(.granted(server: s1)))
    for number in 3...12 {
      scenario.expect(.arrive(x(number)), .placed(.queued(.backend)))
      #expect(scenario.session(number)?.assigned == nil)
    }
    #expect(scenario.snapshot.backend.queue == (3...12).map(x))
  }

  @Test("R-MAXQUEUE-FULL: at maxqueue a request gets a 503, cookie or hash", arguments: SystemUnderTest.allCases)
  func maximumQueue(_ system: SystemUnderTest) throws {
    let servers = [server(maxconn: 1, maxqueue: 1), server(maxconn: 1)]
    var cookie = try Scenario(system, Configuration(servers: servers))
    cookie.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    cookie.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
    cookie.expect(.arrive(x(3), cookie: s0), .placed(.refused(.serverQueueFull(s0))))
    #expect(cookie.server(s0).counters.failedConnections == 1)
    #expect(cookie.snapshot.backend.counters.failedConnections == 1)
    #expect(cookie.snapshot.backend.counters.serviceUnavailable == 1)
    #expect(cookie.snapshot.backend.sessionCount == 2)
    #expect(cookie.session(3) == nil)

    // The hash map of two weight-1 servers is [s0, s1]: key 0 is s0. Not DIRECT,
    // so even option redispatch does not move it.
    var hash = try Scenario(
      system, Configuration(algorithm: .hash, redispatch: true, servers: servers))
    hash.expect(.arrive(x(1), hashKey: 0), .placed(.granted(server: s0)))
    hash.expect(.arrive(x(2), hashKey: 0), .placed(.queued(.server(s0))))
    hash.expect(.arrive(x(3), hashKey: 0), .placed(.refused(.serverQueueFull(s0))))
    #expect(hash.server(s0).queue == [x(2)])
  }

  @Test(
    "R-REDISPATCH-FULL-DIRECT, R-REDISPATCH-ACCOUNTING: a DIRECT request at maxqueue is balanced once more",
    arguments: SystemUnderTest.allCases)
  func redispatchWhenFull(_ system: SystemUnderTest) throws {
    let servers = [server(maxconn: 1, maxqueue: 1), server(maxconn: 1)]
    var scenario = try Scenario(system, Configuration(redispatch: true, servers: servers))
    scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    scenario.expect(.arrive(x(2), cookie: s0), .placed(.queued(.server(s0))))
    scenario.expect(
      .arrive(x(3), cookie: s0), .placed(.redispatched(from: s0, .granted(server: s1))))
    let third = try #require(scenario.session(3))
    #expect(!third.isDirect)
    #expect(third.previous == s0)
    #expect(third.wasRedispatched)
    #expect(scenario.server(s0).counters.redispatches == 1)
    #expect(scenario.snapshot.backend.counters.redispatches == 1)
    scenario.expect(.arrive(x(4), cookie: s0), .placed(.redispatched(from: s0, .queued(.backend))))
    #expect(scenario.server(s0).counters.redispatches == 2)

    // A hash brings the request back to the same full server: counted as a retry,
    // then a 503 — never a second redispatch.
    var hash = try Scenario(
      system, Configuration(algorithm: .hash, redispatch: true, servers: servers))
    hash.expect(.arrive(x(1), hashKey: 0), .placed(.granted(server: s0)))
    hash.expect(.arrive(x(2), hashKey: 0), .placed(.queued(.server(s0))))
    hash.expect(
      .arrive(x(3), cookie: s0, hashKey: 0),
      .placed(.redispatched(from: s0, .refused(.serverQueueFull(s0)))))
    #expect(hash.server(s0).counters.retries == 1)
    #expect(hash.server(s0).counters.redispatches == 0)
    #expect(hash.server(s0).counters.failedConnections == 1)
  }

  @Test("R-QUEUE-FIFO: requests leave a queue in the order they joined it", arguments: SystemUnderTest.allCases)
  func firstInFirstOut(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    scenario.run([.arrive(x(1)), .connectSucceeded(x(1))])
    for number in 2...4 { scenario.expect(.arrive(x(number)), .placed(.queued(.backend))) }
    for number in 1...3 {
      scenario.expect(
        .close(x(number)), .ended(.completed(server: s0)),
        handovers: [Handover(x(number + 1), to: s0, from: .backend)])
      scenario.run([.run(x(number + 1)), .connectSucceeded(x(number + 1))])
    }
  }

  @Test("R-QUEUE-DEADLINE: joining a queue arms timeout queue; joining again re-arms it", arguments: SystemUnderTest.allCases)
  func deadlines(_ system: SystemUnderTest) throws {
    var scenario = try Scenario(
      system,
      Configuration(
        redispatch: true, queueTimeout: 3000, servers: [server(maxconn: 1), server(maxconn: 1)]))
    scenario.expect(.arrive(x(1), cookie: s0), .placed(.granted(server: s0)))
    scenario.expect(.arrive(x(2)), .placed(.granted(server: s1)))
    scenario.expect(.arrive(x(3), cookie: s0), .placed(.queued(.server(s0))))
    #expect(scenario.phase(3) == .queued(.server(s0), deadline: 3000))
    scenario.run([.tick(1000)])
    scenario.expect(.arrive(x(4)), .placed(.queued(.backend)))
    #expect(scenario.phase(4) == .queued(.backend, deadline: 4000))
    scenario.run([.tick(1000)])
    scenario.expect(
      .setState(s0, .maint), .stateChanged(server: s0, from: .running, to: .maint, redistributed: [x(3)]))
    scenario.expect(.run(x(3)), .placed(.queued(.backend)))
    #expect(scenario.phase(3) == .queued(.backend, deadline: 5000))
    #expect(scenario.session(3)?.requestTime == 0, "the request time, the FIFO key, never changes")
    #expect(scenario.snapshot.backend.queue == [x(4), x(3)])

    var forever = try Scenario(system, Configuration(servers: [server(maxconn: 1)]))
    forever.run([.arrive(x(1)), .arrive(x(2))])
    #expect(forever.phase(2) == .queued(.backend, deadline: nil))
  }
}
