import AllServedCore

/// A recorded trace in the Informal Trace Format (ITF) that Apalache and
/// Quint read and write: a JSON object with `#meta`, `vars` and `states`.
///
/// Each state holds every variable: `now`, `backend`, `servers` (a sequence
/// of records, by server index), `sessions` (a `#map` from session number to
/// a record), and `action` and `outcome`, the event that led to the state and
/// what it did (`init` for the first state). Integers are `{"#bigint": "N"}`;
/// records are JSON objects; an absent server is the Quint sum
/// `{"tag": "None", "value": {"#tup": []}}`, a present one
/// `{"tag": "Some", "value": N}`; a session's phase is a sum too
/// (`Queued`, `Dequeued`, `Redistributed`, `Connecting`, `Turnaround`,
/// `Established`). Record fields are the trace format's assertion fields in
/// camel case (`queue-length` is `queueLength`).
public struct InformalTrace: Sendable {
  /// The variables of every state, in order.
  public static let variables = ["now", "backend", "servers", "sessions", "action", "outcome"]

  /// What is exported.
  public var recording: TraceRecording

  /// The ITF form of `recording`.
  public init(_ recording: TraceRecording) { self.recording = recording }

  /// The JSON document, one state per block, keys in a fixed order.
  ///
  /// - Complexity: O(*e* · size of a snapshot) for *e* events.
  public var json: String {
    var meta: [(String, Value)] = [
      ("format", .string("ITF")),
      ("format-description", .string("https://apalache-mc.org/docs/adr/015adr-trace.html")),
      ("source", .string("allserved")),
      ("description", .string(recording.trace.title ?? "a trace replayed by allserved")),
      ("configuration", .string(recording.trace.configuration.description)),
      ("system", .string(recording.mode == .differential ? recording.names.reference : recording.names.candidate)),
    ]
    if let failure = recording.failure {
      meta.append(("failure", .string("step \(failure.step): \(failure.check)")))
    }
    var states: [Value] = [state(0, recording.initial, action: "init", outcome: "-")]
    for (index, step) in recording.steps.enumerated() {
      states.append(state(index + 1, step.snapshot, action: step.event.description, outcome: step.outcome.description))
    }
    let document = Value.record([
      ("#meta", .record(meta)),
      ("vars", .list(Self.variables.map(Value.string))),
      ("states", .list(states)),
    ])
    var text = ""
    document.write(to: &text, indent: 0)
    return text + "\n"
  }

  func state(_ index: Int, _ snapshot: Snapshot, action: String, outcome: String) -> Value {
    .record([
      ("#meta", .record([("index", .number(index))])),
      ("now", .int(snapshot.now)),
      ("backend", backend(snapshot.backend)),
      ("servers", .list(snapshot.servers.map(server))),
      ("sessions", .map(snapshot.sessions.map { (.int($0.id.number), session($0)) })),
      ("action", .string(action)),
      ("outcome", .string(outcome)),
    ])
  }

  func backend(_ backend: BackendSnapshot) -> Value {
    .record(
      [
        ("sessions", .int(backend.sessionCount)),
        ("queue", .list(backend.queue.map { .int($0.number) })),
        ("queueLength", .int(backend.queueLength)),
        ("pending", .int(backend.totalPending)),
      ] + counters(backend.counters))
  }

  func server(_ server: ServerSnapshot) -> Value {
    .record(
      [
        ("state", .string(server.state.rawValue)),
        ("weight", .int(server.weight)),
        ("maxconn", .int(server.maximumConnections)),
        ("minconn", .int(server.minimumConnections)),
        ("maxqueue", .int(server.maximumQueueLength)),
        ("usable", .bool(server.isUsable)),
        ("warming", .bool(server.isWarmingUp)),
        ("limit", .int(server.limit)),
        ("served", .int(server.served)),
        ("connections", .int(server.connections)),
        ("queue", .list(server.queue.map { .int($0.number) })),
        ("queueLength", .int(server.queueLength)),
        ("queueTask", .bool(server.hasScheduledTask)),
      ] + counters(server.counters))
  }

  func counters(_ counters: Counters) -> [(String, Value)] {
    [
      ("completed", .int(counters.completed)),
      ("failed", .int(counters.failedConnections)),
      ("503s", .int(counters.serviceUnavailable)),
      ("aborted", .int(counters.aborted)),
      ("killed", .int(counters.killed)),
      ("retriesCounted", .int(counters.retries)),
      ("redispatches", .int(counters.redispatches)),
    ]
  }

  func session(_ session: SessionSnapshot) -> Value {
    func server(_ id: ServerID?) -> Value { Value.option(id.map { .int($0.index) }) }
    return .record([
      ("phase", phase(session.phase)),
      ("requestTime", .int(session.requestTime)),
      ("queueKey", .int(session.queueKey)),
      ("assigned", server(session.assigned)),
      ("slot", server(session.slot)),
      ("previous", server(session.previous)),
      ("direct", .bool(session.isDirect)),
      ("retries", .int(session.retriesLeft)),
      ("redispatched", .bool(session.wasRedispatched)),
    ])
  }

  func phase(_ phase: SessionPhase) -> Value {
    switch phase {
    case .queued(let queue, let deadline):
      let where_: Value =
        switch queue {
        case .backend: .variant("Backend", .tuple([]))
        case .server(let server): .variant("Server", .int(server.index))
        }
      return .variant("Queued", .record([("queue", where_), ("deadline", .option(deadline.map(Value.int)))]))
    case .dequeued: return .variant("Dequeued", .tuple([]))
    case .redistributed: return .variant("Redistributed", .tuple([]))
    case .connecting: return .variant("Connecting", .tuple([]))
    case .turnaround(let until): return .variant("Turnaround", .record([("until", .int(until))]))
    case .established: return .variant("Established", .tuple([]))
    }
  }
}

extension InformalTrace {
  /// An ITF value: what a JSON node of the format stands for.
  indirect enum Value {
    /// An integer, written `{"#bigint": "N"}`.
    case int(Int)
    /// A plain JSON number, for `#meta` fields.
    case number(Int)
    case string(String)
    case bool(Bool)
    /// A sequence (a JSON array).
    case list([Value])
    /// A record (a JSON object), fields in order.
    case record([(String, Value)])
    /// A map, written `{"#map": [[key, value], …]}`.
    case map([(Value, Value)])
    /// A tuple, written `{"#tup": […]}`.
    case tuple([Value])

    /// A Quint sum-type value: `{"tag": T, "value": V}`.
    static func variant(_ tag: String, _ value: Value) -> Value { .record([("tag", .string(tag)), ("value", value)]) }

    /// Quint's `Option`: `Some(value)` or `None`.
    static func option(_ value: Value?) -> Value { value.map { .variant("Some", $0) } ?? .variant("None", .tuple([])) }

    /// Writes the value as JSON; containers of containers go one per line.
    func write(to text: inout String, indent: Int) {
      switch self {
      case .int(let value): text += "{\"#bigint\":\"\(value)\"}"
      case .number(let value): text += "\(value)"
      case .string(let value): Self.quote(value, into: &text)
      case .bool(let value): text += value ? "true" : "false"
      case .list(let items): Self.writeItems(items.map { item in { item.write(to: &$0, indent: $1) } }, "[", "]", &text, indent)
      case .tuple(let items):
        text += "{\"#tup\":"
        Self.writeItems(items.map { item in { item.write(to: &$0, indent: $1) } }, "[", "]", &text, indent)
        text += "}"
      case .map(let pairs):
        text += "{\"#map\":"
        Self.writeItems(
          pairs.map { pair in
            { text, indent in Value.list([pair.0, pair.1]).write(to: &text, indent: indent) }
          }, "[", "]", &text, indent)
        text += "}"
      case .record(let fields):
        Self.writeItems(
          fields.map { field in
            { text, indent in
              Self.quote(field.0, into: &text)
              text += ":"
              field.1.write(to: &text, indent: indent)
            }
          }, "{", "}", &text, indent)
      }
    }

    var isLeaf: Bool {
      switch self {
      case .int, .number, .string, .bool: true
      case .list(let items), .tuple(let items): items.allSatisfy(\.isLeaf)
      case .record(let fields): fields.count <= 2 && fields.allSatisfy { $0.1.isLeaf }
      case .map(let pairs): pairs.isEmpty
      }
    }

    /// Short containers on one line, the rest one item per line.
    static func writeItems(
      _ items: [(inout String, Int) -> Void], _ open: String, _ close: String, _ text: inout String, _ indent: Int
    ) {
      text += open
      if items.isEmpty {
        text += close
        return
      }
      let pad = String(repeating: " ", count: indent + 2)
      for (index, item) in items.enumerated() {
        text += index == 0 ? "\n" + pad : ",\n" + pad
        item(&text, indent + 2)
      }
      text += "\n" + String(repeating: " ", count: indent) + close
    }

    static func quote(_ string: String, into text: inout String) {
      text += "\""
      for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": text += "\\\""
        case "\\": text += "\\\\"
        case "\n": text += "\\n"
        case "\t": text += "\\t"
        case "\r": text += "\\r"
        default:
          if scalar.value < 0x20 {
            let hex = String(scalar.value, radix: 16)
            text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
          } else {
            text.unicodeScalars.append(scalar)
          }
        }
      }
      text += "\""
    }
  }
}
