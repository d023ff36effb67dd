import AllServedCore

extension ProductionBalancer {
  /// R-CLOSE: the server answered and closed; the session completes.
  mutating func close(_ id: SessionID) -> Effect {
    guard let session = sessions.handle(of: id) else { return .rejected(.unknownSession(id)) }
    let at = Int(session)
    guard sessions.status[at].phase == .established, sessions.status[at].flags.contains(.ownsSlot) else {
      return .rejected(.unexpectedPhase(id, phase(of: session)))
    }
    let server = Int(sessions.records[at].assigned)
    if !isMutated(.closeNotCounted) { servers[server].counters.completed += 1 }
    backendCounters.completed += 1
    end(session)
    return .ended(.completed(server: ServerID(server)))
  }

  /// R-ABORT: the client went away. Whatever the session held, it gives up
  /// through the one ending procedure.
  mutating func abort(_ id: SessionID) -> Effect {
    guard let session = sessions.handle(of: id) else { return .rejected(.unknownSession(id)) }
    let phase = phase(of: session)
    backendCounters.aborted += 1
    end(session, dequeues: !isMutated(.abortWithoutDequeue))
    return .ended(.aborted(during: phase))
  }

  /// R-QUEUE-TIMEOUT: a request waited until its deadline; 503.
  mutating func queueTimeout(_ id: SessionID) -> Effect {
    guard let session = sessions.handle(of: id) else { return .rejected(.unknownSession(id)) }
    let at = Int(session)
    guard sessions.status[at].phase == .queued else { return .rejected(.unexpectedPhase(id, phase(of: session))) }
    let queue = queue(of: session)
    guard sessions.status[at].flags.contains(.hasTimer) else { return .rejected(.timerNotDue(id, due: nil)) }
    let deadline = sessions.times[at].timer
    guard deadline <= now else { return .rejected(.timerNotDue(id, due: deadline)) }
    if queue != backendQueue && !isMutated(.timeoutNotCharged) { servers[queue].counters.failedConnections += 1 }
    backendCounters.failedConnections += 1
    backendCounters.serviceUnavailable += 1
    end(session)
    return .ended(.queueTimedOut(queueID(queue)))
  }

  /// The public name of queue index `queue`.
  func queueID(_ queue: Int) -> QueueID {
    queue == backendQueue ? .backend : .server(ServerID(queue))
  }
}
