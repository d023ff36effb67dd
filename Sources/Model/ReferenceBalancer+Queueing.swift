import AllServedCore

extension ReferenceBalancer {
  /// R-QUEUE-FIFO, R-QUEUE-DEADLINE: appends `id` at the tail of `queue`, with a
  /// fresh deadline. Its request time, the key between queues, does not change.
  mutating func enqueue(_ id: SessionID, on queue: QueueID) {
    switch queue {
    case .backend: backendQueue.append(id)
    case .server(let server): servers[server.index].queue.append(id)
    }
    let timeout = configuration.queueTimeout
    let deadline = timeout > 0 ? now + timeout : nil
    // R-26-QUEUE-KEY: HAProxy 2.6 keys a waiter by when it joined, not when it arrived.
    let joined = configuration.semantics.queueKeyIsJoinTime ? now : nil
    update(id) {
      $0.phase = .queued(queue, deadline: deadline)
      if let joined { $0.queueKey = joined }
    }
  }

  /// Removes a queued session from its queue, wherever it stands in it.
  mutating func unlink(_ id: SessionID) {
    guard case .queued(let queue, _) = session(id).phase else { return }
    switch queue {
    case .backend: backendQueue.removeAll { $0 == id }
    case .server(let server): servers[server.index].queue.removeAll { $0 == id }
    }
  }

  /// HAProxy's `process_srv_queue` as fixed: hands `server`'s free slots to
  /// waiting requests, one at a time, and wakes them.
  mutating func dequeue(_ server: ServerID) {
    // R-DEQUEUE-UNTIL-FULL: as long as there is room; a server without maxconn drains.
    while hasRoom(server) {
      // R-DEQUEUE-OWN-QUEUE-ALWAYS: a server serves its own queue whatever its state;
      // R-DEQUEUE-BACKEND-ONLY-USABLE: the backend queue only if it is usable.
      let own = servers[server.index].queue.first
      let pooled = isUsable(server) ? backendQueue.first : nil
      let taken: (id: SessionID, source: QueueID)
      switch (own, pooled) {
      case (nil, nil):
        return
      case (let own?, nil):
        taken = (own, .server(server))
      case (nil, let pooled?):
        taken = (pooled, .backend)
      case (let own?, let pooled?):
        // R-DEQUEUE-OLDEST-HEAD: the older request wins; ties go to the server's queue.
        taken =
          session(pooled).queueKey < session(own).queueKey
          ? (pooled, .backend) : (own, .server(server))
      }
      unlink(taken.id)
      // R-DEQUEUE-RESERVES: the slot is the request's before it runs.
      update(taken.id) {
        $0.assigned = server
        $0.phase = .dequeued
      }
      reserve(taken.id, on: server)
      handovers.append(Handover(taken.id, to: server, from: taken.source))
    }
  }
}
