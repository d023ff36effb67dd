import AllServedCore

extension AsPatched2008Balancer {
  // MARK: Sessions

  func index(_ id: SessionID) -> Int? { sessions.firstIndex { $0.id == id } }

  mutating func edit(_ id: SessionID, _ change: (inout Session) -> Void) {
    if let at = index(id) { change(&sessions[at]) }
  }

  func session(_ id: SessionID) -> Session? { index(id).map { sessions[$0] } }

  // MARK: Limits (srv_dynamic_maxconn at 7c669d7e0)

  func isUsable(_ server: Int) -> Bool { servers[server].isUp && servers[server].configuration.weight > 0 }

  func dynamicLimit(_ server: Int) -> DynamicLimit {
    DynamicLimit(server: servers[server].configuration, cameUpAt: servers[server].cameUpAt, now: now)
  }

  func isWarmingUp(_ server: Int) -> Bool { dynamicLimit(server).isWarmingUp }

  func limit(_ server: Int) -> Int {
    dynamicLimit(server).value(sessionCount: sessionCount, fullConnections: configuration.fullConnections)
  }

  /// The post-patch eligibility: room in `served`, and no waiters.
  func isEligible(_ server: Int) -> Bool {
    let current = servers[server]
    return isUsable(server)
      && (current.configuration.maximumConnections == 0 || (current.queue.isEmpty && current.served < limit(server)))
  }

  /// The eligibility `get_server_rr_with_conns` kept: `cur_sess`, waiters ignored.
  func isEligibleByConnections(_ server: Int) -> Bool {
    isUsable(server)
      && (servers[server].configuration.maximumConnections == 0 || servers[server].connections < limit(server))
  }

  /// `may_dequeue_tasks`: someone waits and `cur_sess` is under the limit.
  func mayDequeue(_ server: Int) -> Bool {
    (!servers[server].queue.isEmpty || !backendQueue.isEmpty)
      && (servers[server].configuration.maximumConnections == 0 || servers[server].connections < limit(server))
  }

  // MARK: Slots and queues

  mutating func changeServer(_ id: SessionID, to target: ServerID?) {
    guard let current = session(id), current.slot != target else { return }
    if let old = current.slot { servers[old.index].served -= 1; touch(old.index) }
    if let target { servers[target.index].served += 1; touch(target.index) }
    edit(id) { $0.slot = target }
  }

  mutating func touch(_ server: Int) {
    servers[server].stamp = clock
    clock += 1
  }

  mutating func enqueue(_ id: SessionID, on queue: QueueID) {
    switch queue {
    case .backend: backendQueue.append(id)
    case .server(let server): servers[server.index].queue.append(id)
    }
    let deadline = configuration.queueTimeout > 0 ? now + configuration.queueTimeout : nil
    edit(id) { $0.phase = .queued(queue, deadline: deadline) }
  }

  mutating func unlink(_ id: SessionID) {
    backendQueue.removeAll { $0 == id }
    for index in servers.indices { servers[index].queue.removeAll { $0 == id } }
  }

  /// `process_srv_queue` at 7c669d7e0: reserves and wakes while `served < dyn`,
  /// oldest head first, with no check of the server's state.
  mutating func processQueue(_ server: Int) {
    let maximum = limit(server)
    while servers[server].configuration.maximumConnections == 0 || servers[server].served < maximum {
      let own = servers[server].queue.first
      let pooled = backendQueue.first
      let taken: SessionID
      let source: QueueID
      switch (own, pooled) {
      case (nil, nil): return
      case (let own?, nil): (taken, source) = (own, .server(ServerID(server)))
      case (nil, let pooled?): (taken, source) = (pooled, .backend)
      case (let own?, let pooled?):
        let older = (session(pooled)?.requestTime ?? 0) < (session(own)?.requestTime ?? 0)
        (taken, source) = older ? (pooled, .backend) : (own, .server(ServerID(server)))
      }
      unlink(taken)
      edit(taken) {
        $0.assigned = ServerID(server)
        $0.phase = .dequeued
      }
      changeServer(taken, to: ServerID(server))
      handovers.append(Handover(taken, to: ServerID(server), from: source))
    }
  }

  /// `check_for_pending`: hands backend waiters to the server (`srv = S`) and
  /// wakes them while `cur_sess + woken < dyn`, but reserves nothing. They are
  /// reported as dequeued without a slot, which is the defect; when they run
  /// they are not `SN_ASSIGNED` and go through the balancer again.
  mutating func checkForPending(_ server: Int) {
    var woken = 0
    while let head = backendQueue.first,
      servers[server].configuration.maximumConnections == 0 || servers[server].connections + woken < limit(server)
    {
      unlink(head)
      edit(head) { $0.phase = .dequeued }
      handovers.append(Handover(head, to: ServerID(server), from: .backend))
      woken += 1
    }
  }

  // MARK: Balancing (the specification's abstraction of the algorithms)

  mutating func select(avoiding previous: ServerID?, hashKey: UInt32?) -> ServerID?? {
    let usable = servers.indices.filter(isUsable)
    guard !usable.isEmpty else { return .none }
    switch configuration.algorithm {
    case .roundRobin: return .some(roundRobin(avoiding: previous, eligible: isEligible))
    case .leastConnections:
      let ordered = servers.indices.filter(isEligible).sorted {
        let left = (servers[$0].served * Limits.maximumWeight / servers[$0].configuration.weight, servers[$0].stamp)
        let right = (servers[$1].served * Limits.maximumWeight / servers[$1].configuration.weight, servers[$1].stamp)
        return left < right
      }
      let chosen = ordered.first { ServerID($0) != previous } ?? ordered.first
      return .some(chosen.map(ServerID.init))
    case .hash:
      guard let hashKey else { return .some(roundRobin(avoiding: previous, eligible: isEligibleByConnections)) }
      var map: [Int] = []
      let total = usable.reduce(0) { $0 + servers[$1].configuration.weight }
      var credit = Array(repeating: 0, count: usable.count)
      for _ in 0..<total {
        var best = 0
        for position in usable.indices {
          credit[position] += servers[usable[position]].configuration.weight
          if credit[position] > credit[best] { best = position }
        }
        credit[best] -= total
        map.append(usable[best])
      }
      return .some(ServerID(map[Int(hashKey) % map.count]))
    }
  }

  mutating func roundRobin(avoiding previous: ServerID?, eligible: (Int) -> Bool) -> ServerID? {
    let time = roundRobinTime
    let ordered = servers.indices.filter(eligible).sorted {
      (max(servers[$0].roundRobinPass, time), $0) < (max(servers[$1].roundRobinPass, time), $1)
    }
    guard let chosen = ordered.first(where: { ServerID($0) != previous }) ?? ordered.first else { return nil }
    let start = max(servers[chosen].roundRobinPass, time)
    servers[chosen].roundRobinPass = start + 720_720 / servers[chosen].configuration.weight
    roundRobinTime = start
    return ServerID(chosen)
  }
}
