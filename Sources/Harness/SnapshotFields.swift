public import AllServedCore

/// A snapshot as named fields with text values: what trace assertions name,
/// what the failure report's per-step table compares.
///
/// Subjects are `backend`, each server (`s0`, …) and each live session (`#1`,
/// …). A session that is not live has the single field `live=no`.
public enum SnapshotFields {
  /// The fields of `backend`.
  public static let backendFields = ["now", "sessions", "queue", "queue-length", "pending"] + counterFields
  /// The fields of a server.
  public static let serverFields =
    ["state", "weight", "maxconn", "minconn", "maxqueue", "usable", "warming", "limit", "served", "connections", "queue", "queue-length", "queue-task"]
    + counterFields
  /// The fields of a session.
  public static let sessionFields =
    ["live", "phase", "request-time", "assigned", "slot", "previous", "direct", "retries", "redispatched"]
  /// The counter fields of the backend and of each server.
  public static let counterFields = [
    "completed", "failed", "503s", "aborted", "killed", "retries-counted", "redispatches",
  ]

  /// Every field of the snapshot, in a fixed order: backend, servers, sessions.
  public static func all(_ snapshot: Snapshot) -> [(subject: String, field: String, value: String)] {
    var result: [(String, String, String)] = []
    for field in backendFields {
      result.append(("backend", field, value(of: "backend", field, in: snapshot) ?? "?"))
    }
    for index in snapshot.servers.indices {
      let subject = ServerID(index).description
      for field in serverFields { result.append((subject, field, value(of: subject, field, in: snapshot) ?? "?")) }
    }
    for session in snapshot.sessions {
      let subject = session.id.description
      for field in sessionFields.dropFirst() {
        result.append((subject, field, value(of: subject, field, in: snapshot) ?? "?"))
      }
    }
    return result
  }

  /// The value of one field, or `nil` when the subject or the field does not exist.
  public static func value(of subject: String, _ field: String, in snapshot: Snapshot) -> String? {
    if subject == "backend" { return backendValue(field, snapshot) }
    if subject.hasPrefix("s"), let index = Int(subject.dropFirst()), snapshot.servers.indices.contains(index) {
      return serverValue(field, snapshot.servers[index])
    }
    if subject.hasPrefix("#"), let number = Int(subject.dropFirst()) {
      guard let session = snapshot.session(SessionID(number)) else {
        return sessionFields.contains(field) ? (field == "live" ? "no" : "-") : nil
      }
      return sessionValue(field, session)
    }
    return nil
  }

  /// Whether `field` is a field of `subject`'s kind.
  public static func isField(_ field: String, of subject: String) -> Bool {
    if subject == "backend" { return backendFields.contains(field) }
    if subject.hasPrefix("s") { return serverFields.contains(field) }
    return sessionFields.contains(field)
  }

  static func list(_ ids: [SessionID]) -> String {
    ids.isEmpty ? "-" : ids.map(\.description).joined(separator: ",")
  }

  static func counter(_ field: String, _ counters: Counters) -> String? {
    switch field {
    case "completed": "\(counters.completed)"
    case "failed": "\(counters.failedConnections)"
    case "503s": "\(counters.serviceUnavailable)"
    case "aborted": "\(counters.aborted)"
    case "killed": "\(counters.killed)"
    case "retries-counted": "\(counters.retries)"
    case "redispatches": "\(counters.redispatches)"
    default: nil
    }
  }

  static func backendValue(_ field: String, _ snapshot: Snapshot) -> String? {
    let backend = snapshot.backend
    switch field {
    case "now": return "\(snapshot.now)"
    case "sessions": return "\(backend.sessionCount)"
    case "queue": return list(backend.queue)
    case "queue-length": return "\(backend.queueLength)"
    case "pending": return "\(backend.totalPending)"
    default: return counter(field, backend.counters)
    }
  }

  static func serverValue(_ field: String, _ server: ServerSnapshot) -> String? {
    switch field {
    case "state": return server.state.description
    case "weight": return "\(server.weight)"
    case "maxconn": return "\(server.maximumConnections)"
    case "minconn": return "\(server.minimumConnections)"
    case "maxqueue": return "\(server.maximumQueueLength)"
    case "usable": return server.isUsable ? "yes" : "no"
    case "warming": return server.isWarmingUp ? "yes" : "no"
    case "limit": return "\(server.limit)"
    case "served": return "\(server.served)"
    case "connections": return "\(server.connections)"
    case "queue": return list(server.queue)
    case "queue-length": return "\(server.queueLength)"
    case "queue-task": return server.hasScheduledTask ? "scheduled" : "-"
    default: return counter(field, server.counters)
    }
  }

  static func sessionValue(_ field: String, _ session: SessionSnapshot) -> String? {
    func server(_ id: ServerID?) -> String { id?.description ?? "-" }
    switch field {
    case "live": return "yes"
    case "phase": return phaseText(session.phase)
    case "request-time": return "\(session.requestTime)"
    case "queue-key": return "\(session.queueKey)"
    case "assigned": return server(session.assigned)
    case "slot": return server(session.slot)
    case "previous": return server(session.previous)
    case "direct": return session.isDirect ? "yes" : "no"
    case "retries": return "\(session.retriesLeft)"
    case "redispatched": return session.wasRedispatched ? "yes" : "no"
    default: return nil
    }
  }

  /// `queued:s0@1000`, `queued:backend`, `turnaround@2000`, `connecting`, … (no spaces).
  public static func phaseText(_ phase: SessionPhase) -> String {
    switch phase {
    case .queued(let queue, let deadline): "queued:\(queue)" + (deadline.map { "@\($0)" } ?? "")
    case .dequeued: "dequeued"
    case .redistributed: "redistributed"
    case .connecting: "connecting"
    case .turnaround(let until): "turnaround@\(until)"
    case .established: "established"
    }
  }
}
