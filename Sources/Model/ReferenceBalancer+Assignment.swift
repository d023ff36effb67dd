import AllServedCore

/// What `assign_server_and_queue` returned.
enum AssignmentResult: Hashable {
  case granted(ServerID)
  case queued(QueueID)
  /// The bound server's queue is at `maxqueue` (`SRV_STATUS_FULL` with `srv` set).
  case full(ServerID)
  case noServer
}

extension ReferenceBalancer {
  /// An arrival: HAProxy's accept, cookie parsing and first connection request.
  mutating func arrive(_ id: SessionID, cookie: ServerID?, hashKey: UInt32?) -> Effect {
    // R-ARRIVE-FRESH-ID
    guard id.number > highestSessionID else {
      return .rejected(.sessionIDNotFresh(id, mustExceed: highestSessionID))
    }
    if let cookie, !isServer(cookie) { return .rejected(.unknownServer(cookie)) }
    highestSessionID = id.number
    // R-ARRIVE-COUNT: the request counts in beconn, and so in every dynamic limit, first.
    // R-DYN-SILENT: limits that grow with it are not offered to waiters here.
    sessionCount += 1
    // The phase is a placeholder: placement below always sets the real one.
    var session = Session(
      id: id, phase: .redistributed, requestTime: now, queueKey: now, hashKey: hashKey,
      retriesLeft: configuration.retries)
    // R-PERSIST-COOKIE: a cookie binds to an up server, or to any server under `option persist`.
    if let cookie, servers[cookie.index].state.isUp || configuration.persist {
      session.isDirect = true
      session.assigned = cookie
    }
    sessions.append(session)
    return .placed(place(id))
  }

  /// HAProxy's `srv_redispatch_connect`: assignment, and at most one redispatch of
  /// a DIRECT request that found its server's queue full.
  mutating func place(_ id: SessionID) -> Placement {
    let first = assignAndQueue(id)
    // R-REDISPATCH-FULL-DIRECT: once, because the request is no longer DIRECT after it.
    if case .full(let server) = first, session(id).isDirect, configuration.redispatch {
      update(id) {
        $0.isDirect = false
        $0.assigned = nil
        $0.previous = server
      }
      return .redispatched(from: server, settle(id, assignAndQueue(id)))
    }
    return settle(id, first)
  }

  /// Acts on an assignment result: connect, wait, or answer 503 and end.
  mutating func settle(_ id: SessionID, _ result: AssignmentResult) -> Placement {
    switch result {
    case .granted(let server):
      connect(id, to: server)
      return .granted(server: server)
    case .queued(let queue):
      return .queued(queue)
    case .full(let server):
      // R-MAXQUEUE-FULL: a clean 503, charged to the server.
      servers[server.index].counters.failedConnections += 1
      backendCounters.failedConnections += 1
      backendCounters.serviceUnavailable += 1
      end(id)
      return .refused(.serverQueueFull(server))
    case .noServer:
      // R-LB-NO-SERVER
      backendCounters.failedConnections += 1
      backendCounters.serviceUnavailable += 1
      end(id)
      return .refused(.noServer)
    }
  }

  /// HAProxy's `assign_server_and_queue`: balance if unbound, then reserve, queue or report FULL.
  mutating func assignAndQueue(_ id: SessionID) -> AssignmentResult {
    let server: ServerID
    if let bound = session(id).assigned {
      server = bound
    } else {
      let selection = assignServer(id)
      countRedispatch(id)
      switch selection {
      case .noServer:
        return .noServer
      case .full:
        // R-ASSIGN-QUEUE-BACKEND: no eligible server; the backend queue has no limit.
        enqueue(id, on: .backend)
        return .queued(.backend)
      case .server(let chosen):
        server = chosen
      }
    }
    // A dequeued request, or one that took its own slot back, is done.
    if session(id).slot == server { return .granted(server) }
    let current = servers[server.index]
    // R-ASSIGN-QUEUE-SERVER: behind the server's waiters, or when it is full.
    if current.maximumConnections > 0 && (!current.queue.isEmpty || current.served >= limit(server)) {
      // R-MAXQUEUE-FULL
      if current.maximumQueueLength > 0 && current.queue.count >= current.maximumQueueLength {
        return .full(server)
      }
      enqueue(id, on: .server(server))
      return .queued(.server(server))
    }
    // R-ASSIGN-RESERVE
    reserve(id, on: server)
    return .granted(server)
  }

  /// HAProxy's `assign_server` as of 7c669d7e0.
  ///
  /// R-REDISPATCH-KEEP-SLOT: a slot owner gives its slot up only while the
  /// balancer decides. Back on the same server, it takes the very same slot
  /// back without queueing; elsewhere, the slot goes to that server's waiters
  /// before anything else happens.
  mutating func assignServer(_ id: SessionID) -> Selection {
    let held = session(id).slot
    release(id)
    update(id) { $0.assigned = nil }
    let current = session(id)
    let selection = select(avoiding: current.previous, hashKey: current.hashKey)
    if case .server(let chosen) = selection { update(id) { $0.assigned = chosen } }
    if let held {
      if selection == .server(held) {
        reserve(id, on: held)
      } else {
        dequeue(held)  // R-RELEASE-THEN-DEQUEUE
      }
    }
    return selection
  }

  /// R-REDISPATCH-ACCOUNTING: after balancing a request that has a previous
  /// server, a change of server counts as a redispatch, no change as a retry.
  mutating func countRedispatch(_ id: SessionID) {
    let current = session(id)
    guard let previous = current.previous else { return }
    if current.assigned != previous {
      servers[previous.index].counters.redispatches += 1
      backendCounters.redispatches += 1
      update(id) { $0.wasRedispatched = true }
    } else {
      servers[previous.index].counters.retries += 1
      backendCounters.retries += 1
    }
  }
}
