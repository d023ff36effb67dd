import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Testing

@Suite("Trace format")
struct TraceFormatTests {
  @Test("Printer and parser round-trip generated traces with outcomes and assertions")
  func roundTrip() throws {
    for seed in UInt64(1)...60 {
      var generator = EventGenerator(seed: seed)
      var trace = Trace(configuration: generator.configuration(), title: "seed \(seed)", seed: seed)
      guard case .success(var lockstep) = Lockstep<ReferenceBalancer, ProductionBalancer>.start(trace.configuration)
      else {
        Issue.record("seed \(seed): configuration refused")
        continue
      }
      for index in 0..<80 {
        let event = generator.draw(for: lockstep.snapshot, configuration: trace.configuration).event
        _ = lockstep.step(event)
        var step = Trace.Step(event, expectedOutcome: lockstep.lastOutcome?.description)
        if index % 7 == 0 {
          step.assertions = [
            Trace.Assertion(subject: "s0", field: "served", value: "\(lockstep.snapshot.servers[0].served)"),
            Trace.Assertion(
              subject: "backend", field: "queue",
              value: SnapshotFields.value(of: "backend", "queue", in: lockstep.snapshot) ?? "-"),
          ]
        }
        trace.steps.append(step)
      }
      let text = TraceFormat.print(trace)
      let parsed = try TraceFormat.parse(text)
      #expect(parsed == trace, "seed \(seed)")
      #expect(TraceFormat.print(parsed) == text, "seed \(seed)")
      // The printed expectations hold when the trace is replayed.
      #expect(Lockstep<ReferenceBalancer, ProductionBalancer>.replay(parsed) == nil, "seed \(seed)")
    }
  }

  @Test("Every event form parses back from its description")
  func eventForms() throws {
    let events: [Event] = [
      .arrive(SessionID(3)), .arrive(SessionID(4), cookie: ServerID(1)), .arrive(SessionID(5), hashKey: 17),
      .arrive(SessionID(6), cookie: ServerID(0), hashKey: 0), .run(SessionID(1)), .connectSucceeded(SessionID(1)),
      .connectFailed(SessionID(2), .refused), .connectFailed(SessionID(2), .timedOut), .close(SessionID(9)),
      .abort(SessionID(9)), .queueTimeout(SessionID(9)), .setState(ServerID(2), .maint),
      .setWeight(ServerID(0), -1), .setMaximumConnections(ServerID(0), 0), .shutdownSessions(ServerID(1)),
      .tick(-5), .tick(1000),
    ]
    for event in events {
      #expect(try TraceFormat.parseEvent(event.description) == event, "\(event)")
    }
  }

  static let header = "allserved-trace 1\nbackend\nserver s0\n"

  @Test("Bad input is refused with line:column and a clear message", arguments: [
    ("", "1:1: expected 'allserved-trace 1' as the first line, found ''"),
    ("allserved-trace 2\n", "1:1: expected 'allserved-trace 1' as the first line, found 'allserved-trace 2'"),
    ("allserved-trace 1\n", "2:1: the trace has no 'backend' line"),
    ("allserved-trace 1\nbackend\n", "2:1: the backend has no 'server' line"),
    ("allserved-trace 1\nbackend balance=fastest\nserver s0\n", "2:9: unknown balance 'fastest'; expected roundrobin, leastconn or hash"),
    ("allserved-trace 1\nbackend retries=3 retries=4\nserver s0\n", "2:19: 'retries' given twice"),
    ("allserved-trace 1\nbackend redispatch=yes\nserver s0\n", "2:9: 'yes' must be 'on' or 'off'"),
    ("allserved-trace 1\nbackend\nserver s1\n", "3:8: expected server 's0' (servers are named in order), found 's1'"),
    ("allserved-trace 1\nbackend\nserver s0 colour=red\n", "3:11: unknown key 'colour'; expected one of: weight, maxconn, minconn, maxqueue, slowstart, state"),
    ("allserved-trace 1\nbackend\nserver s0 maxconn=-1\n", "3:1: invalid configuration: s0 maxconn -1 is outside 0...2147483647"),
    ("allserved-trace 1\nbackend\nserver s0 maxconn=99999999999999999999\n", "3:11: '99999999999999999999' is not an integer"),
    (header + "arive 1\n", "4:1: unknown event 'arive'; expected arrive, run, connected, connect-failed, close, abort, queue-timeout, state, weight, maxconn, shutdown-sessions, tick or queue-task"),
    (header + "arrive\n", "4:8: 'arrive' needs a session number"),
    (header + "close 1 2\n", "4:9: unexpected '2' after 'close'"),
    (header + "connect-failed 1 slowly\n", "4:18: 'slowly' must be 'refused' or 'timeout'"),
    (header + "arrive 1 cookie=x1\n", "4:17: 'x1' is not a server name (s0, s1, …)"),
    (header + "arrive 1 key=-3\n", "4:10: the key '-3' is not a 32-bit unsigned integer"),
    (header + "state s0 asleep\n", "4:10: unknown state 'asleep'; expected running, drain, down or maint"),
    (header + "arrive 1 =>\n", "4:10: '=>' needs an outcome after it"),
    (header + "arrive 1 => \n", "4:13: '=>' needs an outcome after it"),
    (header + "expect s0 served=1\n", "4:1: 'expect' lines must follow an event"),
    (header + "arrive 1\nexpect s0 colour=red\n", "5:11: 'colour' is not a field of s0"),
    (header + "arrive 1\nexpect q9 served=1\n", "5:8: unknown subject 'q9'; expected backend, s<n> or #<n>"),
    (header + "arrive 1\nserver s1\n", "5:1: 'server' lines must come before the events"),
    ("allserved-trace 1\n# seed: many\nbackend\nserver s0\n", "2:8: the seed 'many' is not a number"),
  ])
  func errors(text: String, message: String) {
    #expect(throws: TraceError.self) { try TraceFormat.parse(text) }
    do {
      _ = try TraceFormat.parse(text)
    } catch {
      #expect(error.description == message)
    }
  }

  @Test("Random corruptions of a valid trace never trap, and errors point inside the text")
  func corruption() throws {
    let original = TraceFormat.print(
      Trace(
        configuration: Configuration(
          algorithm: .hash, queueTimeout: 500, servers: [ServerConfiguration(maximumConnections: 1), ServerConfiguration()]),
        events: [
          .arrive(SessionID(1), cookie: ServerID(1), hashKey: 4), .tick(10), .connectFailed(SessionID(1), .refused),
          .setState(ServerID(0), .drain),
        ]))
    let alphabet = Array("abcs0123456789 =#>-\n\t:é")
    var random = SplitMix64(seed: 99)
    var refused = 0
    for _ in 0..<3_000 {
      var characters = Array(original)
      for _ in 0..<(1 + random.below(4)) {
        let at = random.below(characters.count)
        switch random.below(3) {
        case 0: characters.remove(at: at)
        case 1: characters.insert(random.pick(alphabet), at: at)
        default: characters[at] = random.pick(alphabet)
        }
      }
      let text = String(characters)
      do {
        _ = try TraceFormat.parse(text)
      } catch {
        refused += 1
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(error.line >= 1 && error.line <= lines.count, "\(error)")
        #expect(error.column >= 1, "\(error)")
      }
    }
    #expect(refused > 1_000, "most corruptions are refused")
  }
}
