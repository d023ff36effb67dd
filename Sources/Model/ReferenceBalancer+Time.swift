import AllServedCore

extension ReferenceBalancer {
  /// R-TIME-TICK: the clock moves forward, but never while a woken session has
  /// not run, and never past a timer that has not fired.
  mutating func tick(_ duration: Milliseconds) -> Effect {
    if let rejection = Rejection.tick(duration, now: now, sessions: sessions.lazy.map { ($0.id, $0.phase) }) {
      return .rejected(rejection)
    }
    let target = now + duration
    // R-TIME-WARMUP-DEQUEUE: a warming server's limit grows with time, so each
    // tick lets it dequeue, in index order (HAProxy's warm-up task).
    let warming = serverIDs.filter(isWarmingUp)
    now = target
    for server in warming { dequeue(server) }
    return .advanced(to: now)
  }
}
