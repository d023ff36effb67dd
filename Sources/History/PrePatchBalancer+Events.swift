import AllServedCore

extension PrePatchBalancer {
  func session(_ id: SessionID) -> Session? { sessions.first { $0.id == id } }

  mutating func edit(_ id: SessionID, _ change: (inout Session) -> Void) {
    if let at = sessions.firstIndex(where: { $0.id == id }) { change(&sessions[at]) }
  }

  func isUsable(_ server: Int) -> Bool { servers[server].isUp && servers[server].configuration.weight > 0 }

  func dynamicLimit(_ server: Int) -> DynamicLimit {
    DynamicLimit(server: servers[server].configuration, cameUpAt: servers[server].cameUpAt, now: now)
  }

  func isWarmingUp(_ server: Int) -> Bool { dynamicLimit(server).isWarmingUp }

  func limit(_ server: Int) -> Int {
    dynamicLimit(server).value(sessionCount: sessionCount, fullConnections: configuration.fullConnections)
  }

  /// `!maxconn || cur_sess < dyn`: the only test, before and after balancing.
  func hasRoom(_ server: Int) -> Bool {
    servers[server].configuration.maximumConnections == 0 || servers[server].connections < limit(server)
  }

  /// `may_dequeue_tasks`: someone waits, the server has room, and it has a queue task.
  mutating func wakeQueueTask(_ server: Int) {
    guard servers[server].configuration.maximumConnections > 0,
      !servers[server].queue.isEmpty || !backendQueue.isEmpty, hasRoom(server)
    else { return }
    servers[server].isTaskScheduled = true
  }

  mutating func unlink(_ id: SessionID) {
    backendQueue.removeAll { $0 == id }
    for index in servers.indices { servers[index].queue.removeAll { $0 == id } }
  }

  mutating func enqueue(_ id: SessionID, on queue: QueueID) {
    switch queue {
    case .backend: backendQueue.append(id)
    case .server(let server): servers[server.index].queue.append(id)
    }
    let deadline = configuration.queueTimeout > 0 ? now + configuration.queueTimeout : nil
    edit(id) { $0.phase = .queued(queue, deadline: deadline) }
  }

  mutating func end(_ id: SessionID) {
    unlink(id)
    sessions.removeAll { $0.id == id }
    sessionCount -= 1
  }

  /// Opens a connection: `cur_sess++`, whatever the limit.
  mutating func connect(_ id: SessionID, _ server: ServerID) {
    servers[server.index].connections += 1
    edit(id) {
      $0.phase = .connecting
      $0.isConnected = true
    }
  }

  /// Closes the session's connection, if it holds one.
  mutating func disconnect(_ id: SessionID) {
    guard let current = session(id), current.isConnected, let server = current.server else { return }
    servers[server.index].connections -= 1
    edit(id) { $0.isConnected = false }
  }

  // MARK: Balancing

  mutating func balance(avoiding avoided: ServerID?, hashKey: UInt32?) -> ServerID?? {
    let usable = servers.indices.filter(isUsable)
    guard !usable.isEmpty else { return .none }
    if configuration.algorithm == .hash, let hashKey {
      var map: [Int] = []
      for index in usable { map += Array(repeating: index, count: servers[index].configuration.weight) }
      return .some(ServerID(map[Int(hashKey) % map.count]))
    }
    let eligible = usable.filter(hasRoom)
    let ordered: [Int]
    if configuration.algorithm == .leastConnections {
      ordered = eligible.sorted {
        (servers[$0].connections * 256 / servers[$0].configuration.weight, $0)
          < (servers[$1].connections * 256 / servers[$1].configuration.weight, $1)
      }
    } else {
      let time = roundRobinTime
      ordered = eligible.sorted {
        (max(servers[$0].roundRobinPass, time), $0) < (max(servers[$1].roundRobinPass, time), $1)
      }
    }
    guard let chosen = ordered.first(where: { ServerID($0) != avoided }) ?? ordered.first else { return .some(nil) }
    if configuration.algorithm != .leastConnections {
      let start = max(servers[chosen].roundRobinPass, roundRobinTime)
      servers[chosen].roundRobinPass = start + 720_720 / servers[chosen].configuration.weight
      roundRobinTime = start
    }
    return .some(ServerID(chosen))
  }

  /// `srv_redispatch_connect` and `assign_server_and_queue` before the patch.
  mutating func place(_ id: SessionID) -> Placement {
    guard let current = session(id) else { return .refused(.noServer) }
    var redispatchedFrom: ServerID?
    if current.isAssigned, let server = current.server {
      let queue = servers[server.index]
      // maxqueue, on this path only, drops persistence whatever `option redispatch` says.
      if queue.configuration.maximumQueueLength > 0 && queue.queue.count >= queue.configuration.maximumQueueLength {
        edit(id) {
          $0.isAssigned = false
          $0.isDirect = false
        }
        redispatchedFrom = server
      }
    }
    let placement = assignAndQueue(id)
    return redispatchedFrom.map { .redispatched(from: $0, placement) } ?? placement
  }

  mutating func assignAndQueue(_ id: SessionID) -> Placement {
    guard var current = session(id) else { return .refused(.noServer) }
    if !current.isAssigned {
      let previous = current.server
      switch balance(avoiding: previous, hashKey: current.hashKey) {
      case .none:
        counters.failedConnections += 1
        counters.serviceUnavailable += 1
        end(id)
        return .refused(.noServer)
      case .some(nil):
        edit(id) { $0.server = nil }
        enqueue(id, on: .backend)
        return .queued(.backend)
      case .some(let chosen?):
        if let previous, previous != chosen {
          servers[previous.index].counters.redispatches += 1
          counters.redispatches += 1
        }
        edit(id) {
          $0.server = chosen
          $0.isAssigned = true
        }
      }
      current = session(id) ?? current
    }
    guard let server = current.server else { return .refused(.noServer) }
    if !hasRoom(server.index) {
      enqueue(id, on: .server(server))
      return .queued(.server(server))
    }
    connect(id, server)
    return .granted(server: server)
  }

  // MARK: Events

  mutating func arrive(_ id: SessionID, _ cookie: ServerID?, _ key: UInt32?) -> Effect {
    guard id.number > highestSessionID else { return .rejected(.sessionIDNotFresh(id, mustExceed: highestSessionID)) }
    if let cookie, !servers.indices.contains(cookie.index) { return .rejected(.unknownServer(cookie)) }
    highestSessionID = id.number
    sessionCount += 1
    var session = Session(id: id, phase: .redistributed, requestTime: now, hashKey: key, retriesLeft: configuration.retries)
    if let cookie, servers[cookie.index].isUp || configuration.persist {
      session.server = cookie
      session.isAssigned = true
      session.isDirect = true
    }
    sessions.append(session)
    return .placed(place(id))
  }

  /// The queue task: pops while `cur_sess + popped < dyn`, oldest head first,
  /// and wakes; it reserves nothing.
  mutating func queueTask(_ id: ServerID) -> Effect {
    guard servers.indices.contains(id.index) else { return .rejected(.unknownServer(id)) }
    guard servers[id.index].isTaskScheduled else { return .rejected(.taskPending(id, scheduled: false)) }
    servers[id.index].isTaskScheduled = false
    var woken: [SessionID] = []
    while servers[id.index].configuration.maximumConnections == 0
      || servers[id.index].connections + woken.count < limit(id.index)
    {
      let own = servers[id.index].queue.first
      let pooled = backendQueue.first
      let taken: SessionID
      switch (own, pooled) {
      case (nil, nil):
        return .queueTaskRan(server: id, woken: woken)
      case (let own?, nil): taken = own
      case (nil, let pooled?): taken = pooled
      case (let own?, let pooled?):
        taken = (session(pooled)?.requestTime ?? 0) < (session(own)?.requestTime ?? 0) ? pooled : own
      }
      let fromBackend = taken == pooled
      unlink(taken)
      // A backend waiter only learns `srv`; a server waiter stays assigned.
      edit(taken) {
        $0.server = id
        $0.phase = fromBackend ? .redistributed : .dequeued
      }
      woken.append(taken)
    }
    return .queueTaskRan(server: id, woken: woken)
  }

  mutating func run(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    switch current.phase {
    case .redistributed, .dequeued:
      // Woken by the queue task: balanced again (backend) or re-checked (server queue).
      return .placed(assignAndQueue(id))
    case .turnaround(let until):
      guard until <= now else { return .rejected(.timerNotDue(id, due: until)) }
      return retryOrRedispatch(id)
    case .queued, .connecting, .established:
      return .rejected(.unexpectedPhase(id, current.phase))
    }
  }

  mutating func connectSucceeded(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    guard current.phase == .connecting, let server = current.server else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    edit(id) { $0.phase = .established }
    return .established(server: server)
  }

  /// The connection is given up at once (`cur_sess--`); the retry reconnects
  /// without checking any limit.
  mutating func connectFailed(_ id: SessionID, _ failure: ConnectFailure) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    guard current.phase == .connecting, let server = current.server else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    disconnect(id)
    if current.retriesLeft == 0 {
      servers[server.index].counters.failedConnections += 1
      counters.failedConnections += 1
      counters.serviceUnavailable += 1
      end(id)
      wakeQueueTask(server.index)
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

  mutating func retryOrRedispatch(_ id: SessionID) -> Effect {
    guard let current = session(id), let server = current.server else { return .rejected(.unknownSession(id)) }
    if current.retriesLeft == 0 && configuration.redispatch {
      wakeQueueTask(server.index)
      edit(id) {
        $0.isAssigned = false
        $0.isDirect = false
      }
      return .rebalanced(from: server, assignAndQueue(id))
    }
    servers[server.index].counters.retries += 1
    counters.retries += 1
    connect(id, server)
    return .retrying(server: server)
  }

  mutating func close(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    guard current.phase == .established, let server = current.server else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    servers[server.index].counters.completed += 1
    counters.completed += 1
    disconnect(id)
    end(id)
    wakeQueueTask(server.index)
    return .ended(.completed(server: server))
  }

  /// A client abort closes a connection if there is one; only that wakes the task.
  mutating func abort(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    counters.aborted += 1
    let connected = current.isConnected
    disconnect(id)
    end(id)
    if connected, let server = current.server { wakeQueueTask(server.index) }
    return .ended(.aborted(during: current.phase))
  }

  mutating func queueTimeout(_ id: SessionID) -> Effect {
    guard let current = session(id) else { return .rejected(.unknownSession(id)) }
    guard case .queued(let queue, let deadline) = current.phase else {
      return .rejected(.unexpectedPhase(id, current.phase))
    }
    guard let deadline, deadline <= now else { return .rejected(.timerNotDue(id, due: deadline)) }
    if case .server(let server) = queue { servers[server.index].counters.failedConnections += 1 }
    counters.failedConnections += 1
    counters.serviceUnavailable += 1
    end(id)
    return .ended(.queueTimedOut(queue))
  }

  mutating func setState(_ id: ServerID, _ state: ServerState) -> Effect {
    guard servers.indices.contains(id.index) else { return .rejected(.unknownServer(id)) }
    guard state == .running || state == .down else {
      return .rejected(.unsupported("'\(state)' state (this HAProxy knows up and down)"))
    }
    let wasUp = servers[id.index].isUp
    guard wasUp != (state == .running) else { return .unchanged(server: id) }
    servers[id.index].isUp = state == .running
    var redistributed: [SessionID] = []
    if wasUp && configuration.redispatch {
      redistributed = servers[id.index].queue
      for waiter in redistributed {
        unlink(waiter)
        edit(waiter) {
          $0.isAssigned = false
          $0.isDirect = false
          $0.phase = .redistributed
        }
      }
    }
    if !wasUp {
      servers[id.index].cameUpAt = now
      wakeQueueTask(id.index)
    }
    return .stateChanged(server: id, from: wasUp ? .running : .down, to: state, redistributed: redistributed)
  }

  mutating func tick(_ duration: Milliseconds) -> Effect {
    guard duration >= 1, duration <= Limits.maximumTime - now else {
      return .rejected(.outOfRange(.tickDuration, duration))
    }
    if let scheduled = servers.indices.first(where: { servers[$0].isTaskScheduled }) {
      return .rejected(.taskPending(ServerID(scheduled), scheduled: true))
    }
    if let rejection = Rejection.tick(duration, now: now, sessions: sessions.lazy.map { ($0.id, $0.phase) }) {
      return .rejected(rejection)
    }
    now += duration
    return .advanced(to: now)
  }
}
