import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Testing

/// The harness against deliberately broken implementations (one line wrong,
/// planted with ``Fault``): it must find each divergence from random seeds and
/// shrink it to the minimal trace derived by hand below.
@Suite("Shrinking failures of a broken implementation")
struct ShrinkerTests {
  typealias Shrink = Shrinker<ReferenceBalancer, ProductionBalancer>

  /// Runs `body` with `fault` planted in every implementation it builds.
  func planted<Result>(_ fault: Fault, _ body: () -> Result) -> Result {
    Fault.$active.withValue(fault, operation: body)
  }

  @Test("Reordering moves one event earlier, nearest moves first, never swapping equal events")
  func movedEarlier() {
    let a = Event.arrive(SessionID(1))
    let b = Event.arrive(SessionID(2))
    let c = Event.close(SessionID(1))
    let attempt = Shrink.Attempt(
      configuration: Configuration(servers: [ServerConfiguration()]), events: [a, b, c], accepted: [true, true, false])
    let moved = Shrink.movedEarlier(attempt, farthest: 2)
    #expect(moved.map(\.events) == [[b, a, c], [a, c, b], [c, a, b]])
    #expect(moved.map(\.accepted) == [[true, true, false], [true, false, true], [false, true, true]])
    let same = Shrink.Attempt(configuration: attempt.configuration, events: [a, a], accepted: [true, true])
    #expect(Shrink.movedEarlier(same, farthest: 1).isEmpty)
  }

  @Test("maxqueue off by one: a noisy trace shrinks to the three arrivals that show it")
  func maximumQueueFromNoise() throws {
    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    // Hand-derived minimum: one arrival takes the only slot, a second waits in
    // s0's queue (a cookie binds it there), a third finds the queue at
    // maxqueue = 1: the model answers 503, the broken implementation queues it.
    // Fewer events cannot fill both the slot and the queue, and maxconn 0 or
    // maxqueue 0 mean unlimited, so nothing here can be simplified further.
    let noisy = try TraceFormat.parse(
      """
      allserved-trace 1
      backend balance=leastconn retries=3 redispatch=on persist=on timeout-queue=500 fullconn=0
      server s0 weight=2 maxconn=2 minconn=2 maxqueue=2 slowstart=0 state=running
      server s1 weight=1 maxconn=1 minconn=1 maxqueue=0 slowstart=1000 state=running
      arrive 1 cookie=s0
      arrive 2 cookie=s1
      connected 1
      tick 100
      arrive 3 cookie=s0
      arrive 4 cookie=s0
      connected 2
      arrive 5 cookie=s0
      arrive 6 cookie=s0
      arrive 7 cookie=s0
      tick 50
      """)
    let result = try #require(planted(.maximumQueueOffByOne) { Shrink().shrink(noisy) })
    #expect(result.failure.check == "outcome")
    #expect(result.isOneMinimal)
    #expect(
      TraceFormat.print(result.trace) == """
        allserved-trace 1
        # check: outcome
        backend balance=roundrobin retries=0 redispatch=off persist=off timeout-queue=0 fullconn=0
        server s0 weight=1 maxconn=1 minconn=1 maxqueue=1 slowstart=0 state=running
        arrive 1
        arrive 2 cookie=s0
        arrive 3 cookie=s0

        """)
    // Without the fault the shrunk trace passes: it documents the fault and nothing else.
    #expect(Lockstep<ReferenceBalancer, ProductionBalancer>.replay(result.trace) == nil)
  }

  @Test("dequeue ties to the backend: found from random seeds, shrunk to four events")
  func dequeueTieFromSeeds() throws {
    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    // Hand-derived minimum: #1 holds s0's only slot; #2 waits in s0's own
    // queue (cookie), #3 in the backend queue, both at time 0; #1 leaves and
    // s0 dequeues. Equal request times go to the server's own queue
    // (R-DEQUEUE-OLDEST-HEAD), so the model hands the slot to #2, the broken
    // implementation to #3. Two waiters, one holder and one release: 4 events.
    let report = planted(.dequeueTieToBackend) {
      RandomCheck(seed: 1, traces: 400, length: 200).run(ReferenceBalancer.self, ProductionBalancer.self)
    }
    let found = try #require(report.failure, "400 seeded traces find the planted fault")
    let result = try #require(planted(.dequeueTieToBackend) { Shrink().shrink(found.trace) })
    #expect(result.failure.check == found.failure.check)
    #expect(result.isOneMinimal)
    let trace = result.trace
    #expect(trace.steps.count == 4, "\(TraceFormat.print(trace))")
    #expect(trace.configuration.servers.count == 1)
    #expect(trace.configuration.servers.first?.maximumConnections == 1)
    let arrivals = trace.events.filter { if case .arrive = $0 { true } else { false } }
    #expect(arrivals.count == 3)
    #expect(trace.events.contains(.arrive(SessionID(2), cookie: ServerID(0))) || trace.events.contains(.arrive(SessionID(3), cookie: ServerID(0))))
    #expect(Lockstep<ReferenceBalancer, ProductionBalancer>.replay(trace) == nil)
  }

  @Test("maxqueue off by one: found from random seeds and shrunk to three arrivals on one server")
  func maximumQueueFromSeeds() throws {
    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    let report = planted(.maximumQueueOffByOne) {
      RandomCheck(seed: 2026, traces: 300, length: 200).run(ReferenceBalancer.self, ProductionBalancer.self)
    }
    let found = try #require(report.failure)
    let result = try #require(planted(.maximumQueueOffByOne) { Shrink().shrink(found.trace) })
    #expect(result.trace.steps.count == 3)
    #expect(result.trace.events.allSatisfy { if case .arrive = $0 { true } else { false } })
    #expect(result.trace.configuration.servers.map(\.maximumQueueLength) == [1])
    #expect(result.trace.configuration.servers.map(\.maximumConnections) == [1])
  }

  @Test("A 500-event failing trace shrinks to the same four events, failing the same check")
  func longTrace() throws {
    try #require(Fault.isCompiledIn, "fault sites exist in debug builds")
    // 496 events of noise on s1, which drains (so balancing never picks it)
    // and has no limit: each session arrives by cookie, connects and closes,
    // and time moves. Then the four events of the tie.
    var events: [Event] = []
    for round in 1...124 {
      let id = SessionID(round)
      events += [.arrive(id, cookie: ServerID(1)), .connectSucceeded(id), .close(id), .tick(1)]
    }
    events += [
      .arrive(SessionID(1001), cookie: ServerID(0)), .arrive(SessionID(1002), cookie: ServerID(0)),
      .arrive(SessionID(1003)), .abort(SessionID(1001)),
    ]
    let trace = Trace(
      configuration: Configuration(
        servers: [ServerConfiguration(maximumConnections: 1), ServerConfiguration(initialState: .drain)]),
      events: events)
    #expect(trace.steps.count == 500)
    let result = try #require(planted(.dequeueTieToBackend) { Shrink().shrink(trace) })
    #expect(result.failure.check == "outcome")
    #expect(result.isOneMinimal)
    #expect(
      TraceFormat.print(result.trace) == """
        allserved-trace 1
        # check: outcome
        backend balance=roundrobin retries=0 redispatch=off persist=off timeout-queue=0 fullconn=0
        server s0 weight=1 maxconn=1 minconn=1 maxqueue=0 slowstart=0 state=running
        arrive 1
        arrive 2 cookie=s0
        arrive 3
        abort 1

        """)
  }

  @Test("A passing trace has nothing to shrink")
  func passingTrace() throws {
    let trace = Trace(
      configuration: Configuration(servers: [ServerConfiguration(maximumConnections: 1)]),
      events: [.arrive(SessionID(1)), .connectSucceeded(SessionID(1)), .close(SessionID(1))])
    #expect(Shrink().shrink(trace) == nil)
  }

  @Test("Removing a server drops its admin events and cookies, and renumbers the rest")
  func serverRemoval() {
    let attempt = Shrink.Attempt(
      configuration: Configuration(servers: [ServerConfiguration(), ServerConfiguration(), ServerConfiguration()]),
      events: [
        .arrive(SessionID(1), cookie: ServerID(1)), .arrive(SessionID(2), cookie: ServerID(2)),
        .setState(ServerID(1), .down), .setWeight(ServerID(2), 3), .shutdownSessions(ServerID(0)),
      ],
      accepted: [true, true, true, false, true])
    let removed = Shrink.removing(server: 1, from: attempt)
    #expect(removed.configuration.servers.count == 2)
    #expect(
      removed.events == [
        .arrive(SessionID(1)), .arrive(SessionID(2), cookie: ServerID(1)), .setWeight(ServerID(1), 3),
        .shutdownSessions(ServerID(0)),
      ])
    #expect(removed.accepted == [true, true, false, true])
  }
}
