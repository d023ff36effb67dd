import AllServedCore

extension ProductionBalancer {
  /// R-TIME-TICK: the clock moves forward, but never while a woken session has
  /// not run, and never past a timer that has not fired.
  ///
  /// - Complexity: O(1) to decide, plus O(*p*) for *p* woken sessions when one
  ///   is pending (to name the lowest), plus the dequeues of warming servers.
  mutating func tick(_ duration: Milliseconds) -> Effect {
    guard duration >= 1, duration <= Limits.maximumTime - now else {
      return .rejected(.outOfRange(.tickDuration, duration))
    }
    let target = now + duration
    if !isMutated(.tickIgnoresWokenSessions), let pending = lowestPending() {
      return .rejected(.sessionPending(pending))
    }
    if let earliest = earliestTimer(), earliest < target || (isMutated(.timerBoundaryExclusive) && earliest == target) {
      return .rejected(.timerDue(due: earliest))
    }
    now = target
    // R-TIME-WARMUP-DEQUEUE: a warming server's limit grows with time, so each
    // tick lets it dequeue, in index order. The list holds exactly the servers
    // warming before the tick: it is pruned after every tick.
    guard !warming.isEmpty else { return .advanced(to: now) }
    for server in warming {
      refresh(Int(server))
      if !isMutated(.warmUpWithoutDequeue) { dequeue(Int(server)) }
    }
    var kept = 0
    for position in warming.indices {
      let server = Int(warming[position])
      if isWarmingUp(server) {
        warming[kept] = warming[position]
        kept += 1
      } else {
        servers[server].isListedWarming = false
      }
    }
    warming.removeLast(warming.count - kept)
    return .advanced(to: now)
  }

  /// The lowest identifier among woken sessions that have not run.
  func lowestPending() -> SessionID? {
    var lowest: Int?
    var cursor = pending.first
    while cursor >= 0 {
      let id = sessions.identifier[Int(cursor)]
      if lowest.map({ id < $0 }) ?? true { lowest = id }
      cursor = sessions.waiting[Int(cursor)].next
    }
    return lowest.map(SessionID.init)
  }

  /// The earliest queue deadline or turn-around end.
  ///
  /// - Complexity: O(1): both are heads of deadline-ordered structures.
  func earliestTimer() -> Milliseconds? {
    let turnaround = turnarounds.first >= 0 ? sessions.times[Int(turnarounds.first)].timer : nil
    switch (deadlines.earliest, turnaround) {
    case (let queued?, let turnaround?): return min(queued, turnaround)
    case (let queued?, nil): return queued
    case (nil, let turnaround): return turnaround
    }
  }
}
