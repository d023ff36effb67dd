import AllServedCore

extension ProductionBalancer {
  /// R-WAKE-RUNS-LATER: a woken session runs, as a step of its own.
  mutating func run(_ id: SessionID) -> Effect {
    guard let session = sessions.handle(of: id) else { return .rejected(.unknownSession(id)) }
    let at = Int(session)
    switch sessions.status[at].phase {
    case .dequeued:
      // It owns its slot already: no balancing, no queue check (7c669d7e0).
      guard sessions.status[at].flags.contains(.ownsSlot) else {
        return .rejected(.unexpectedPhase(id, phase(of: session)))
      }
      sessions.waiting.remove(session, from: &pending)
      let server = Int(sessions.records[at].assigned)
      connect(session, to: server)
      return .connecting(server: ServerID(server))
    case .redistributed:
      sessions.waiting.remove(session, from: &pending)
      sessions.status[at].phase = .placing
      return .placed(place(session))
    case .turnaround:
      let until = sessions.times[at].timer
      guard until <= now else { return .rejected(.timerNotDue(id, due: until)) }
      sessions.waiting.remove(session, from: &turnarounds)
      sessions.status[at].flags.remove(.hasTimer)
      return retryOrRedispatch(session)
    case .queued, .connecting, .established, .placing, .free:
      return .rejected(.unexpectedPhase(id, phase(of: session)))
    }
  }

  /// R-CONNECT-SUCCESS
  mutating func connectSucceeded(_ id: SessionID) -> Effect {
    guard let session = sessions.handle(of: id) else { return .rejected(.unknownSession(id)) }
    let at = Int(session)
    guard sessions.status[at].phase == .connecting, sessions.status[at].flags.contains(.ownsSlot) else {
      return .rejected(.unexpectedPhase(id, phase(of: session)))
    }
    sessions.status[at].phase = .established
    return .established(server: ServerID(Int(sessions.records[at].assigned)))
  }

  /// A connection attempt failed (HAProxy `SV_STCONN` error path, `sess_update_st_cer`).
  mutating func connectFailed(_ id: SessionID, _ failure: ConnectFailure) -> Effect {
    guard let session = sessions.handle(of: id) else { return .rejected(.unknownSession(id)) }
    let at = Int(session)
    guard sessions.status[at].phase == .connecting, sessions.status[at].flags.contains(.ownsSlot) else {
      return .rejected(.unexpectedPhase(id, phase(of: session)))
    }
    let server = Int(sessions.records[at].assigned)
    // R-RETRY-COUNT: out of retries, a 503; the slot is released before the dequeue (b89cfca49).
    if sessions.records[at].retriesLeft == 0 {
      servers[server].counters.failedConnections += 1
      backendCounters.failedConnections += 1
      backendCounters.serviceUnavailable += 1
      end(session)
      return .ended(.connectionFailed(server: ServerID(server)))
    }
    // R-RETRY-KEEP-SLOT: the connection closes, the slot stays (43662ff35).
    servers[server].connections -= 1
    if !isMutated(.retriesNeverSpent) { sessions.records[at].retriesLeft -= 1 }
    // R-RETRY-TURNAROUND: after a refused connect, wait one second first.
    if failure == .refused && !isMutated(.refusedWithoutTurnaround) {
      let until = now + Limits.turnaround
      sessions.status[at].phase = .turnaround
      sessions.times[at].timer = until
      sessions.status[at].flags.insert(.hasTimer)
      sessions.waiting.append(session, to: &turnarounds)
      if isMutated(.retryReleasesSlot) {
        release(session)
        dequeue(server)
      }
      return .turnaround(server: ServerID(server), until: until)
    }
    return retryOrRedispatch(session)
  }

  /// What follows a failed attempt that has retries left.
  mutating func retryOrRedispatch(_ session: Int32) -> Effect {
    let at = Int(session)
    let server = Int(sessions.records[at].assigned)
    // R-REDISPATCH-LAST-RETRY: the last retry goes back to the balancer, cookie or not.
    if sessions.records[at].retriesLeft <= (isMutated(.redispatchOneRetryEarly) ? 1 : 0) && configuration.redispatch {
      sessions.status[at].flags.remove(.direct)
      if !isMutated(.redispatchForgetsPrevious) { sessions.records[at].previous = Int32(server) }
      sessions.status[at].phase = .placing
      return .rebalanced(from: ServerID(server), place(session, rebalancing: true))
    }
    // R-RETRY-SAME-SERVER
    servers[server].counters.retries += 1
    backendCounters.retries += 1
    connect(session, to: server)
    return .retrying(server: ServerID(server))
  }
}
