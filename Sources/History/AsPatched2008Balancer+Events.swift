import AllServedCore

extension AsPatched2008Balancer {
  mutating func arrive(_ id: SessionID, _ cookie: ServerID?, _ key: UInt32?) -> Effect {
    guard id.number > highestSessionID else { return .rejected(.sessionIDNotFresh(id, mustExceed: highestSessionID)) }
    if let cookie, !servers.indices.contains(cookie.index) { return .rejected(.unknownServer(cookie)) }
    highestSessionID = id.number
    sessionCount += 1
    var session = Session(
      id: id, phase: .redistributed, requestTime: now, hashKey: key, retriesLeft: configuration.retries)
    if let cookie, servers[cookie.index].isUp || configuration.persist {
      session.isDirect = true
      session.assigned = cookie
    }
    sessions.append(session)
    return .placed(place(id))
  }

  /// `srv_redispatch_connect`.
  mutating func place(_ id: SessionID) -> Placement {
    let first = assignAndQueue(id)
    if case .full(let server) = first, session(id)?.isDirect == true, configuration.redispatch {
      edit(id) {
        $0.isDirect = false
        $0.assigned = nil
        $0.previous = server
      }
      return .redispatched(from: server, settle(id, assignAndQueue(id)))
    }
    return settle(id, first)
  }

  enum Assignment { case granted(ServerID), queued(QueueID), full(ServerID), noServer }

  mutating func settle(_ id: SessionID, _ result: Assignment) -> Placement {
    switch result {
    case .granted(let server):
      servers[server.index].connections += 1
      edit(id) { $0.phase = .connecting }
      return .granted(server: server)
    case .queued(let queue):
      return .queued(queue)
    case .full(let server):
      servers[server.index].counters.failedConnections += 1
      counters.failedConnections += 1
      counters.serviceUnavailable += 1
      free(id)
      return .refused(.serverQueueFull(server))
    case .noServer:
      counters.failedConnections += 1
      counters.serviceUnavailable += 1
      free(id)
      return .refused(.noServer)
    }
  }

  /// `assign_server_and_queue`.
  mutating func assignAndQueue(_ id: SessionID) -> Assignment {
    let server: ServerID
    if let bound = session(id)?.assigned {
      server = bound
    } else {
      let selection = assignServer(id)
      if let current = session(id), let previous = current.previous {
        if current.assigned != previous {
          servers[previous.index].counters.redispatches += 1
          counters.redispatches += 1
          edit(id) { $0.wasRedispatched = true }
        } else {
          servers[previous.index].counters.retries += 1
          counters.retries += 1
        }
      }
      switch selection {
      case .none: return .noServer
      case .some(nil):
        enqueue(id, on: .backend)
        return .queued(.backend)
      case .some(let chosen?): server = chosen
      }
    }
    if session(id)?.slot == server { return .granted(server) }
    let current = servers[server.index]
    if current.configuration.maximumConnections > 0 && (!current.queue.isEmpty || current.served >= limit(server.index)) {
      if current.configuration.maximumQueueLength > 0 && current.queue.count >= current.configuration.maximumQueueLength {
        return .full(server)
      }
      enqueue(id, on: .server(server))
      return .queued(.server(server))
    }
    changeServer(id, to: server)
    return .granted(server)
  }

  /// `assign_server`: release, balance, then take the slot back or hand it on
  /// (through `may_dequeue_tasks`, which reads `cur_sess`).
  mutating func assignServer(_ id: SessionID) -> ServerID?? {
    let held = session(id)?.slot
    changeServer(id, to: nil)
    edit(id) { $0.assigned = nil }
    let current = session(id)
    let selection = select(avoiding: current?.previous, hashKey: current?.hashKey)
    if case .some(let chosen?) = selection { edit(id) { $0.assigned = chosen } }
    if let held {
      if case .some(held?) = selection {
        changeServer(id, to: held)
      } else if mayDequeue(held.index) {
        processQueue(held.index)
      }
    }
    return selection
  }

  /// `session_free`: the queue is processed while the dying session still owns
  /// its slot, which is released only afterwards (the lost wake-up).
  mutating func free(_ id: SessionID) {
    guard let current = session(id) else { return }
    if case .queued = current.phase { unlink(id) }
    if let server = current.assigned { processQueue(server.index) }
    changeServer(id, to: nil)
    sessions.removeAll { $0.id == id }
    sessionCount -= 1
  }

  /// Event 11: the server connection closes; release, then dequeue if `cur_sess` allows.
  mutating func closeConnection(_ id: SessionID) {
    guard let current = session(id), let server = current.assigned else { return }
    servers[server.index].connections -= 1
    changeServer(id, to: nil)
    if mayDequeue(server.index) { processQueue(server.index) }
  }

  mutating func run(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    switch current.phase {
    case .dequeued:
      // Woken by check_for_pending: not assigned, so balanced again.
      guard let server = current.slot else { return .placed(place(id)) }
      servers[server.index].connections += 1
      edit(id) { $0.phase = .connecting }
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

  mutating func connectSucceeded(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    guard current.phase == .connecting, let server = current.assigned else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    edit(id) { $0.phase = .established }
    return .established(server: server)
  }

  /// `SV_STCONN` on a connect error or timeout: close, **release the slot**,
  /// count the retry; turn around after an immediate error.
  mutating func connectFailed(_ id: SessionID, _ failure: ConnectFailure) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    guard current.phase == .connecting, let server = current.assigned else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    servers[server.index].connections -= 1
    changeServer(id, to: nil)
    if current.retriesLeft == 0 {
      servers[server.index].counters.failedConnections += 1
      counters.failedConnections += 1
      counters.serviceUnavailable += 1
      if mayDequeue(server.index) { processQueue(server.index) }
      free(id)
      return .ended(.connectionFailed(server: server))
    }
    edit(id) { $0.retriesLeft -= 1 }
    if failure == .refused {
      let until = now + Limits.turnaround
      edit(id) { $0.phase = .turnaround(until: until) }
      return .turnaround(server: server, until: until)
    }
    return retryOrRedispatch(id)
  }

  /// The retry reconnects with `connect_server`, which takes no slot.
  mutating func retryOrRedispatch(_ id: SessionID) -> Effect {
    guard let current = session(id), let server = current.assigned else { return .rejected(.unknownSession(id)) }
    if current.retriesLeft == 0 && configuration.redispatch {
      if mayDequeue(server.index) { processQueue(server.index) }
      edit(id) {
        $0.isDirect = false
        $0.assigned = nil
        $0.previous = server
      }
      return .rebalanced(from: server, place(id))
    }
    servers[server.index].counters.retries += 1
    counters.retries += 1
    servers[server.index].connections += 1
    edit(id) { $0.phase = .connecting }
    return .retrying(server: server)
  }

  mutating func close(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    guard current.phase == .established, let server = current.assigned else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    servers[server.index].counters.completed += 1
    counters.completed += 1
    closeConnection(id)
    free(id)
    return .ended(.completed(server: server))
  }

  /// A client abort: a connected session's server side closes as in event 11;
  /// a connecting one gives up (close, release, no dequeue); every session then
  /// goes through `session_free`.
  mutating func abort(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    counters.aborted += 1
    switch current.phase {
    case .established:
      closeConnection(id)
    case .connecting:
      if let server = current.assigned { servers[server.index].connections -= 1 }
      changeServer(id, to: nil)
    case .queued, .dequeued, .redistributed, .turnaround:
      break
    }
    free(id)
    return .ended(.aborted(during: current.phase))
  }

  mutating func queueTimeout(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    guard case .queued(let queue, let deadline) = current.phase else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    guard let deadline, deadline <= now else { return .rejected(.timerNotDue(id, due: deadline)) }
    if let server = current.assigned { servers[server.index].counters.failedConnections += 1 }
    counters.failedConnections += 1
    counters.serviceUnavailable += 1
    free(id)
    return .ended(.queueTimedOut(queue))
  }

  /// `set_server_down` redistributes under `option redispatch`; `set_server_up`
  /// starts the warm-up and wakes backend waiters with `check_for_pending`.
  mutating func setState(_ id: ServerID, _ state: ServerState) -> Effect {
    guard servers.indices.contains(id.index) else { return .rejected(.unknownServer(id)) }
    guard state == .running || state == .down else {
      return .rejected(.unsupported("'\(state)' state (HAProxy 1.3.15 knows up and down)"))
    }
    let wasUp = servers[id.index].isUp
    guard wasUp != (state == .running) else { return .unchanged(server: id) }
    servers[id.index].isUp = state == .running
    touch(id.index)
    var redistributed: [SessionID] = []
    if wasUp && configuration.redispatch {
      redistributed = servers[id.index].queue
      for waiter in redistributed {
        unlink(waiter)
        edit(waiter) {
          $0.isDirect = false
          $0.assigned = nil
          $0.phase = .redistributed
        }
      }
    }
    if !wasUp {
      servers[id.index].cameUpAt = now
      checkForPending(id.index)
    }
    return .stateChanged(server: id, from: wasUp ? .running : .down, to: state, redistributed: redistributed)
  }

  mutating func tick(_ duration: Milliseconds) -> Effect {
    if let rejection = Rejection.tick(duration, now: now, sessions: sessions.lazy.map { ($0.id, $0.phase) }) {
      return .rejected(rejection)
    }
    let target = now + duration
    let warming = servers.indices.filter(isWarmingUp)
    now = target
    // 1.3.15 runs check_for_pending at each health check while a server warms up.
    for server in warming { checkForPending(server) }
    return .advanced(to: now)
  }
}
