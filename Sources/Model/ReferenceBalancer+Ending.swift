import AllServedCore

extension ReferenceBalancer {
  /// R-CLOSE: the server answered and closed; the session completes.
  mutating func close(_ id: SessionID) -> Effect {
    guard position(of: id) != nil else { return .rejected(.unknownSession(id)) }
    let current = session(id)
    guard current.phase == .established, let server = current.slot else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    servers[server.index].counters.completed += 1
    backendCounters.completed += 1
    end(id)
    return .ended(.completed(server: server))
  }

  /// R-ABORT: the client went away. Whatever the session held, it gives up
  /// through the one ending procedure.
  mutating func abort(_ id: SessionID) -> Effect {
    guard position(of: id) != nil else { return .rejected(.unknownSession(id)) }
    let phase = session(id).phase
    backendCounters.aborted += 1
    end(id)
    return .ended(.aborted(during: phase))
  }

  /// R-QUEUE-TIMEOUT: a request waited until its deadline; 503.
  mutating func queueTimeout(_ id: SessionID) -> Effect {
    guard position(of: id) != nil else { return .rejected(.unknownSession(id)) }
    let current = session(id)
    guard case .queued(let queue, let deadline) = current.phase else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    guard let deadline, deadline <= now else { return .rejected(.timerNotDue(id, due: deadline)) }
    if let server = current.assigned { servers[server.index].counters.failedConnections += 1 }
    backendCounters.failedConnections += 1
    backendCounters.serviceUnavailable += 1
    end(id)
    return .ended(.queueTimedOut(queue))
  }
}
