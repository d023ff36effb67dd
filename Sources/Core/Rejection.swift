/// Why an event cannot happen in the current state (`R-REJECT-UNCHANGED`).
///
/// A rejected event leaves the state exactly as it was, in every system.
public enum Rejection: Hashable, Sendable, CustomStringConvertible {
  /// No live session has this identifier.
  case unknownSession(SessionID)
  /// An arrival must use an identifier greater than `mustExceed` (`R-ARRIVE-FRESH-ID`).
  case sessionIDNotFresh(SessionID, mustExceed: Int)
  /// The backend has no server with this index.
  case unknownServer(ServerID)
  /// The event does not apply to a session in this phase.
  case unexpectedPhase(SessionID, SessionPhase)
  /// The session's timer is not due yet; `due` is `nil` when it has no timer.
  case timerNotDue(SessionID, due: Milliseconds?)
  /// Time cannot move while a woken session has not run (`R-TIME-TICK`).
  case sessionPending(SessionID)
  /// Time cannot move past a timer that has not fired (`R-TIME-TICK`): `due`
  /// is the earliest timer, which falls before the requested instant.
  case timerDue(due: Milliseconds)
  /// A number in the event is outside its range.
  case outOfRange(Parameter, Int)
  /// The system has no such event: a historical variant predates it (HAProxy
  /// 1.3.15 had no `set weight`, for example).
  case unsupported(String)
  /// Time cannot move while a historical variant's queue task is scheduled,
  /// nor can a task run that is not.
  case taskPending(ServerID, scheduled: Bool)

  /// A numeric field of an event.
  public enum Parameter: String, Hashable, Sendable {
    /// The weight of `setWeight`, 0 to ``Limits/maximumWeight``.
    case weight
    /// The limit of `setMaximumConnections`, 0 to ``Limits/maximumCount``.
    case maximumConnections = "maxconn"
    /// The duration of `tick`: at least 1, and the clock must stay under ``Limits/maximumTime``.
    case tickDuration = "tick"
  }

  /// The reason as one sentence.
  public var description: String {
    switch self {
    case .unknownSession(let id): "no live session \(id)"
    case .sessionIDNotFresh(let id, let floor): "session \(id) is not fresh: ids must exceed \(floor)"
    case .unknownServer(let id): "no server \(id)"
    case .unexpectedPhase(let id, let phase): "session \(id) is \(phase)"
    case .timerNotDue(let id, let due):
      due.map { "the timer of \(id) is due at \($0)" } ?? "session \(id) has no timer"
    case .sessionPending(let id): "session \(id) was woken and must run first"
    case .timerDue(let due): "a timer is due at \(due) and must fire first"
    case .outOfRange(let parameter, let value): "\(parameter.rawValue) \(value) is out of range"
    case .unsupported(let what): "this system has no \(what)"
    case .taskPending(let server, let scheduled):
      scheduled ? "the queue task of \(server) is scheduled and must run first" : "no queue task of \(server) is scheduled"
    }
  }
}

extension Rejection {
  /// R-TIME-TICK over live sessions listed by increasing identifier: a woken
  /// session that has not run (the lowest identifier), else the earliest timer
  /// before `now + duration`, else `nil` when the clock may move.
  ///
  /// - Complexity: O(*s*) for *s* sessions.
  public static func tick(
    _ duration: Milliseconds, now: Milliseconds, sessions: some Sequence<(id: SessionID, phase: SessionPhase)>
  ) -> Rejection? {
    guard duration >= 1, duration <= Limits.maximumTime - now else { return .outOfRange(.tickDuration, duration) }
    var earliest: Milliseconds?
    for (id, phase) in sessions {
      switch phase {
      case .dequeued, .redistributed: return .sessionPending(id)
      case .queued(_, let deadline?), .turnaround(let deadline):
        earliest = min(earliest ?? deadline, deadline)
      case .queued, .connecting, .established: break
      }
    }
    if let earliest, earliest < now + duration { return .timerDue(due: earliest) }
    return nil
  }
}
