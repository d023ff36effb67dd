import AllServedCore
import Testing

@Suite("Text forms")
struct DescriptionTests {
  @Test("Events read as trace lines")
  func events() {
    #expect(Event.arrive(x(3), cookie: s1, hashKey: 17).description == "arrive 3 cookie=s1 key=17")
    #expect(Event.arrive(x(4)).description == "arrive 4")
    #expect(Event.connectFailed(x(2), .refused).description == "connect-failed 2 refused")
    #expect(Event.connectFailed(x(2), .timedOut).description == "connect-failed 2 timeout")
    #expect(Event.setState(s0, .maint).description == "state s0 maint")
    #expect(Event.setMaximumConnections(s1, 4).description == "maxconn s1 4")
    #expect(Event.shutdownSessions(s2).description == "shutdown-sessions s2")
    #expect(Event.tick(1000).description == "tick 1000")
  }

  @Test("Outcomes read as in Specs/Reservation.md")
  func outcomes() {
    #expect(
      Outcome(.ended(.completed(server: s0)), handovers: [Handover(x(2), to: s0, from: .backend)]).description
        == "completed s0; handover #2→s0 from backend")
    #expect(Outcome(.placed(.granted(server: s1))).description == "placed: granted s1")
    #expect(
      Outcome(.placed(.redispatched(from: s0, .queued(.backend)))).description
        == "placed: redispatched from s0: queued on backend")
    #expect(Outcome(.placed(.refused(.serverQueueFull(s0)))).description == "placed: 503 s0 queue full")
    #expect(
      Outcome(.rebalanced(from: s0, .granted(server: s0))).description == "rebalanced from s0: granted s0")
    #expect(
      Outcome(.stateChanged(server: s0, from: .running, to: .down, redistributed: [x(2), x(3)])).description
        == "s0 running→down, redistributed #2 #3")
    #expect(
      Outcome(.ended(.aborted(during: .queued(.server(s1), deadline: 500)))).description
        == "aborted while queued on s1 until 500")
    #expect(
      Outcome.rejected(.timerDue(due: 1000)).description
        == "rejected: a timer is due at 1000 and must fire first")
  }

  @Test("A configuration reads as trace header lines")
  func configuration() {
    let configuration = Configuration(
      algorithm: .leastConnections, retries: 2, redispatch: true, queueTimeout: 3000,
      servers: [server(maxconn: 1, maxqueue: 2), server(weight: 3, state: .drain)])
    #expect(
      configuration.description == """
        backend balance=leastconn retries=2 redispatch=on persist=off timeout-queue=3000 fullconn=0
        server s0 weight=1 maxconn=1 minconn=0 maxqueue=2 slowstart=0 state=running
        server s1 weight=3 maxconn=0 minconn=0 maxqueue=0 slowstart=0 state=drain
        """)
  }
}
