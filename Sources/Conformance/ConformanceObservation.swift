public import AllServedCore

/// What the conformance runner compares after each step: the part of the
/// state that HAProxy shows (Specs/Conformance.md, "What is compared").
public struct ConformanceObservation: Equatable, Sendable, CustomStringConvertible {
  /// One server row of `show stat`.
  public struct Server: Equatable, Sendable {
    /// Slots in use (`scur`; the model's `served`).
    public var served: Int
    /// The server's own queue length (`qcur`).
    public var queued: Int
    /// Redispatches away from it (`wredis`).
    public var redispatches: Int
    /// Failed connections charged to it (`econ`).
    public var failed: Int
  }

  /// The servers, by index.
  public var servers: [Server]
  /// The backend queue length (`BACKEND qcur`).
  public var backendQueued: Int
  /// Every live request (`BACKEND scur`; the model's `beconn`).
  public var backendSessions: Int
  /// Redispatches (`BACKEND wredis`).
  public var backendRedispatches: Int
  /// Failed connections (`BACKEND econ`).
  public var backendFailed: Int
  /// Which server holds each request that reached one, by session.
  public var placements: [SessionID: ServerID]
  /// The HTTP status each answered request got, by session.
  public var answers: [SessionID: Int]

  public var description: String {
    var parts: [String] = []
    for (index, server) in servers.enumerated() {
      parts.append(
        "\(ServerID(index)) served=\(server.served) queued=\(server.queued)"
          + " wredis=\(server.redispatches) econ=\(server.failed)")
    }
    parts.append(
      "backend queued=\(backendQueued) sessions=\(backendSessions)"
        + " wredis=\(backendRedispatches) econ=\(backendFailed)")
    let placed = placements.keys.sorted().map { "\($0)@\(placements[$0]!)" }
    parts.append("at servers: " + (placed.isEmpty ? "-" : placed.joined(separator: " ")))
    let answered = answers.keys.sorted().map { "\($0):\(answers[$0]!)" }
    parts.append("answered: " + (answered.isEmpty ? "-" : answered.joined(separator: " ")))
    return parts.joined(separator: "\n")
  }

  /// The lines where this observation differs from the `predicted` one:
  /// this one's line, then the prediction's.
  public func differences(from predicted: ConformanceObservation) -> [String] {
    let observed = description.split(separator: "\n")
    let expected = predicted.description.split(separator: "\n")
    return zip(observed, expected).filter { $0 != $1 }.map { "\($0.0)  (model: \($0.1))" }
  }
}

extension ConformanceObservation {
  /// The model's prediction: its snapshot, plus the answers its outcomes gave so far.
  init(predictedFrom snapshot: Snapshot, answers: [SessionID: Int]) {
    servers = snapshot.servers.map {
      Server(
        served: $0.served, queued: $0.queueLength, redispatches: $0.counters.redispatches,
        failed: $0.counters.failedConnections)
    }
    backendQueued = snapshot.backend.queueLength
    backendSessions = snapshot.backend.sessionCount
    backendRedispatches = snapshot.backend.counters.redispatches
    backendFailed = snapshot.backend.counters.failedConnections
    var placements: [SessionID: ServerID] = [:]
    for session in snapshot.sessions where session.phase == .established {
      placements[session.id] = session.slot
    }
    self.placements = placements
    self.answers = answers
  }

  /// The HTTP statuses `outcome` gives to its requests: 503 for a refusal or a
  /// queue timeout, 502 for a kill, 200 for a completion.
  package static func answers(in outcome: Outcome, for event: Event) -> [SessionID: Int] {
    var answers: [SessionID: Int] = [:]
    func visit(_ placement: Placement) {
      switch placement {
      case .refused: if let session = event.session { answers[session] = 503 }
      case .redispatched(_, let inner): visit(inner)
      case .granted, .queued: break
      }
    }
    switch outcome.effect {
    case .placed(let placement), .rebalanced(_, let placement): visit(placement)
    case .ended(.completed): if let session = event.session { answers[session] = 200 }
    case .ended(.queueTimedOut), .ended(.connectionFailed): if let session = event.session { answers[session] = 503 }
    case .killed(_, let sessions): for session in sessions { answers[session] = 502 }
    default: break
    }
    return answers
  }
}
