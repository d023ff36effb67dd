import AllServedCore

extension ReferenceBalancer {
  /// R-TIME-TICK: the clock moves forward, but never while a woken session has
  /// not run, and never past a timer that has not fired.
  mutating func tick(_ duration: Milliseconds) -> Effect {
    guard duration >= 1, duration <= Limits.maximumTime - now else {
      return .rejected(.outOfRange(.tickDuration, duration))
    }
    let target = now + duration
    // A woken session first, the lowest identifier; then the earliest timer.
    if let pending = sessions.first(where: { $0.phase == .dequeued || $0.phase == .redistributed }) {
      return .rejected(.sessionPending(pending.id))
    }
    let timers = sessions.compactMap { session -> Milliseconds? in
      switch session.phase {
      case .queued(_, let deadline): deadline
      case .turnaround(let until): until
      case .dequeued, .redistributed, .connecting, .established: nil
      }
    }
    if let earliest = timers.min(), earliest < target {
      return .rejected(.timerDue(due: earliest))
    }
    // R-TIME-WARMUP-DEQUEUE: a warming server's limit grows with time, so each
    // tick lets it dequeue, in index order (HAProxy's warm-up task).
    let warming = serverIDs.filter(isWarmingUp)
    now = target
    for server in warming { dequeue(server) }
    return .advanced(to: now)
  }
}
