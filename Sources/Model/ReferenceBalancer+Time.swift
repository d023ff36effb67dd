import AllServedCore

extension ReferenceBalancer {
  /// R-TIME-TICK: the clock moves forward, but never while a woken session has
  /// not run, and never past a timer that has not fired.
  mutating func tick(_ duration: Milliseconds) -> Effect {
    guard duration >= 1, duration <= Limits.maximumTime - now else {
      return .rejected(.outOfRange(.tickDuration, duration))
    }
    let target = now + duration
    for current in sessions {
      switch current.phase {
      case .dequeued, .redistributed:
        return .rejected(.sessionPending(current.id))
      case .queued(_, let deadline?) where deadline < target:
        return .rejected(.timerDue(current.id, due: deadline))
      case .turnaround(let until) where until < target:
        return .rejected(.timerDue(current.id, due: until))
      case .queued, .turnaround, .connecting, .established:
        continue
      }
    }
    // R-TIME-WARMUP-DEQUEUE: a warming server's limit grows with time, so each
    // tick lets it dequeue, in index order (HAProxy's warm-up task).
    let warming = serverIDs.filter(isWarmingUp)
    now = target
    for server in warming { dequeue(server) }
    return .advanced(to: now)
  }
}
