import AllServedCore

extension ReferenceBalancer {
  /// R-WAKE-RUNS-LATER: a woken session runs, as a step of its own.
  mutating func run(_ id: SessionID) -> Effect {
    guard position(of: id) != nil else { return .rejected(.unknownSession(id)) }
    let current = session(id)
    switch current.phase {
    case .dequeued:
      // It owns its slot already: no balancing, no queue check (7c669d7e0).
      guard let server = current.slot else { return .rejected(.unexpectedPhase(id, current.phase)) }
      connect(id, to: server)
      return .connecting(server: server)
    case .redistributed:
      return .placed(place(id))
    case .turnaround(let until):
      guard until <= now else { return .rejected(.timerNotDue(id, due: until)) }
      return retryOrRedispatch(id)
    case .queued, .connecting, .established:
      return .rejected(.unexpectedPhase(id, current.phase))
    }
  }

  /// R-CONNECT-SUCCESS
  mutating func connectSucceeded(_ id: SessionID) -> Effect {
    guard position(of: id) != nil else { return .rejected(.unknownSession(id)) }
    let current = session(id)
    guard current.phase == .connecting, let server = current.slot else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    update(id) { $0.phase = .established }
    return .established(server: server)
  }

  /// A connection attempt failed (HAProxy `SV_STCONN` error path, `sess_update_st_cer`).
  mutating func connectFailed(_ id: SessionID, _ failure: ConnectFailure) -> Effect {
    guard position(of: id) != nil else { return .rejected(.unknownSession(id)) }
    let current = session(id)
    guard current.phase == .connecting, let server = current.slot else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    // R-RETRY-COUNT: out of retries, a 503; the slot is released before the dequeue (b89cfca49).
    if current.retriesLeft == 0 {
      servers[server.index].counters.failedConnections += 1
      backendCounters.failedConnections += 1
      backendCounters.serviceUnavailable += 1
      end(id)
      return .ended(.connectionFailed(server: server))
    }
    // R-RETRY-KEEP-SLOT: the connection closes, the slot stays (43662ff35).
    servers[server.index].connections -= 1
    update(id) { $0.retriesLeft -= 1 }
    // R-RETRY-TURNAROUND: after a refused connect, wait one second first.
    if failure == .refused {
      let until = now + Limits.turnaround
      update(id) { $0.phase = .turnaround(until: until) }
      return .turnaround(server: server, until: until)
    }
    return retryOrRedispatch(id)
  }

  /// What follows a failed attempt that has retries left.
  mutating func retryOrRedispatch(_ id: SessionID) -> Effect {
    let current = session(id)
    guard let server = current.slot else { return .rejected(.unexpectedPhase(id, current.phase)) }
    // R-REDISPATCH-LAST-RETRY: the last retry goes back to the balancer, cookie or not.
    if current.retriesLeft == 0 && configuration.redispatch {
      update(id) {
        $0.isDirect = false
        $0.assigned = nil
        $0.previous = server
      }
      return .rebalanced(from: server, place(id))
    }
    // R-RETRY-SAME-SERVER
    servers[server.index].counters.retries += 1
    backendCounters.retries += 1
    connect(id, to: server)
    return .retrying(server: server)
  }
}
