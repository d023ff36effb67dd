import AllServedConformance
import AllServedCore
import AllServedHarness
import AllServedModel
import AllServedCommandLine
import Testing

/// The conformance runner's parts that need no HAProxy: the generated config,
/// the parsers, the model driver and the random traces.
@Suite("Conformance runner: parts")
struct ConformanceUnitTests {
  @Test("The HAProxy config is the deterministic one of haproxy-2.6-observed.md, server by server")
  func configuration() {
    let configuration = Configuration(
      retries: 0, redispatch: true, queueTimeout: 220,
      servers: [
        ServerConfiguration(weight: 3, maximumConnections: 2, minimumConnections: 2, maximumQueueLength: 1),
        ServerConfiguration(initialState: .maint),
      ], semantics: .haproxy26)
    let text = HAProxyConfiguration.text(
      for: configuration, socketPath: "/tmp/x/admin.sock", frontendPort: 9000, serverPorts: [9001, 9002])
    let lines = text.split(separator: "\n").map(String.init)
    for expected in [
      "    nbthread 1", "    stats socket /tmp/x/admin.sock level admin", "    timeout queue 220ms",
      "    retries 0", "    option redispatch", "    option httpclose", "    http-reuse never",
      "    option abortonclose", "    bind 127.0.0.1:9000", "    balance roundrobin",
      "    server s0 127.0.0.1:9001 weight 3 maxconn 2 maxqueue 1 cookie s0",
      "    server s1 127.0.0.1:9002 weight 1 cookie s1 disabled",
    ] {
      #expect(lines.contains(expected), "missing: \(expected)")
    }
    #expect(!text.contains(" check"), "no health checks")
    var forever = configuration
    forever.queueTimeout = 0
    forever.redispatch = false
    forever.algorithm = .leastConnections
    let other = HAProxyConfiguration.text(
      for: forever, socketPath: "/s", frontendPort: 1, serverPorts: [2, 3])
    #expect(other.contains("    timeout queue 600s\n"))
    #expect(other.contains("    no option redispatch\n"))
    #expect(other.contains("    balance leastconn\n"))
  }

  @Test("What the runner cannot drive is refused with a reason")
  func unsupported() {
    let plain = Configuration(servers: [ServerConfiguration(maximumConnections: 1, minimumConnections: 1)])
    #expect(HAProxyConfiguration.unsupported(plain) == nil)
    var cases: [Configuration] = []
    var hash = plain
    hash.algorithm = .hash
    cases.append(hash)
    var persist = plain
    persist.persist = true
    cases.append(persist)
    var dynamic = plain
    dynamic.servers[0].maximumConnections = 4
    dynamic.fullConnections = 8
    cases.append(dynamic)
    var slow = plain
    slow.servers[0].slowStart = 1000
    cases.append(slow)
    var down = plain
    down.servers[0].initialState = .down
    cases.append(down)
    for configuration in cases { #expect(HAProxyConfiguration.unsupported(configuration) != nil) }
    #expect(ConformanceRunner.unsupported(.connectFailed(SessionID(1), .refused)) != nil)
    #expect(ConformanceRunner.unsupported(.arrive(SessionID(1), hashKey: 3)) != nil)
    #expect(ConformanceRunner.unsupported(.setState(ServerID(0), .down)) != nil)
    #expect(ConformanceRunner.unsupported(.arrive(SessionID(1), cookie: ServerID(0))) == nil)
  }

  @Test("show stat CSV: columns by name, rows by proxy and server, empty cells as 0")
  func statistics() {
    let table = StatisticsTable(
      csv: "# pxname,svname,qcur,qmax,scur,wredis\nfe,FRONTEND,,,7,\nbe,s0,1,2,3,0\nbe,BACKEND,4,,5,2\n")
    #expect(table.value("qcur", proxy: "be", name: "s0") == 1)
    #expect(table.value("scur", proxy: "be", name: "BACKEND") == 5)
    #expect(table.value("wredis", proxy: "be", name: "BACKEND") == 2)
    #expect(table.value("qmax", proxy: "be", name: "BACKEND") == 0)
    #expect(table.value("scur", proxy: "be", name: "s9") == nil)
    #expect(table.value("nosuch", proxy: "be", name: "s0") == nil)
    #expect(StatisticsTable(csv: "Unknown command\n").isEmpty)
  }

  @Test("The held backend names a request by its path; a client reads status and server")
  func parsing() {
    #expect(HeldBackend.session(inRequest: Array("GET /r/42 HTTP/1.1\r\nHost: a\r\n\r\n".utf8)) == SessionID(42))
    #expect(HeldBackend.session(inRequest: Array("GET /r/42 HTTP/1.1\r\nHost: a\r\n".utf8)) == nil)
    #expect(HeldBackend.session(inRequest: Array("GET /x/1 HTTP/1.1\r\n\r\n".utf8)) == nil)
    let ok = ClientRequests.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\ns1".utf8))
    #expect(ok.status == 200 && ok.server == ServerID(1))
    let unavailable = ClientRequests.parse(Array("HTTP/1.1 503 Service Unavailable\r\n\r\n<html>".utf8))
    #expect(unavailable.status == 503 && unavailable.server == nil)
    #expect(ClientRequests.parse([]).status == 0)
  }

  @Test("The model driver adds what HAProxy does by itself: runs, connects and due queue timers")
  func driver() throws {
    let configuration = Configuration(
      retries: 0, queueTimeout: 100,
      servers: [ServerConfiguration(maximumConnections: 1, minimumConnections: 1)], semantics: .haproxy26)
    var driver = ConformanceModelDriver(model: try ReferenceBalancer(configuration: configuration))
    let one = SessionID(1)
    let two = SessionID(2)
    let three = SessionID(3)
    try driver.perform(.arrive(one))
    #expect(driver.trace == [.arrive(one), .connectSucceeded(one)])
    try driver.perform(.arrive(two))
    #expect(driver.nextTimer == 100)
    // The tick stops at #2's deadline (100), fires it, then goes on.
    try driver.perform(.tick(150))
    #expect(Array(driver.trace.suffix(4)) == [.arrive(two), .tick(100), .queueTimeout(two), .tick(50)])
    #expect(driver.answers == [two: 503])
    #expect(driver.prediction.backendFailed == 1)
    try driver.perform(.arrive(three))
    try driver.perform(.close(one))
    // The freed slot goes to #3, which runs and connects at once.
    #expect(Array(driver.trace.suffix(3)) == [.close(one), .run(three), .connectSucceeded(three)])
    #expect(driver.answers[one] == 200)
    #expect(driver.prediction.placements == [three: ServerID(0)])
  }

  @Test("Random conformance traces: seeded, drivable, 2.6 semantics, and clear of races and of D1")
  func randomTraces() throws {
    for seed in UInt64(0)..<150 {
      let trace = ConformanceTraces.trace(seed: seed, length: 16)
      #expect(trace == ConformanceTraces.trace(seed: seed, length: 16), "seed \(seed) draws one trace")
      #expect(trace.configuration.semantics == .haproxy26)
      #expect(HAProxyConfiguration.unsupported(trace.configuration) == nil)
      var driver = ConformanceModelDriver(model: try ReferenceBalancer(configuration: trace.configuration))
      let timed = trace.configuration.queueTimeout > 0
      for event in trace.events {
        #expect(ConformanceRunner.isExternal(event) && ConformanceRunner.unsupported(event) == nil)
        let snapshot = driver.model.snapshot
        if case .setState(_, .running) = event {
          #expect(snapshot.backend.queueLength == 0, "seed \(seed): `\(event)` with waiters in the backend (D1)")
        }
        if timed, !isTick(event) {
          // Every queue deadline is 20 ms away from every other event.
          for session in snapshot.sessions {
            if case .queued(_, let deadline?) = session.phase {
              #expect(abs(deadline - snapshot.now) >= 20, "seed \(seed): `\(event)` near a deadline")
            }
          }
        }
        try driver.perform(event)
      }
      #expect(trace.events.filter { !isTick($0) }.count >= 8, "seed \(seed) draws a real trace")
    }
  }

  @Test("Without haproxy, `allserved conformance` exits 2 and says how to install it")
  func missingHAProxy() {
    var options = ConformanceOptions()
    options.haproxy = "/nonexistent/haproxy"
    let result = ConformanceCommand.run(options)
    #expect(result.status == 2)
    #expect(result.output.contains("apt-get install -y haproxy"))
  }

  private func isTick(_ event: Event) -> Bool {
    if case .tick = event { true } else { false }
  }
}
