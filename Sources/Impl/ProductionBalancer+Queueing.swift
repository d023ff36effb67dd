import AllServedCore

extension ProductionBalancer {
  /// R-QUEUE-FIFO, R-QUEUE-DEADLINE: appends `session` at the tail of `queue`,
  /// with a fresh deadline. Its request time, the key between queues, does not change.
  ///
  /// - Complexity: O(1), plus O(log *n*) when the queue was empty.
  mutating func enqueue(_ session: Int32, on queue: Int) {
    let at = Int(session)
    if isMutated(.lastInFirstOut) {
      sessions.waiting.prepend(session, to: &queues[queue])
    } else {
      sessions.waiting.append(session, to: &queues[queue])
    }
    sessions.status[at].phase = .queued
    // R-26-QUEUE-KEY: HAProxy 2.6 keys a waiter by when it joined, not when it arrived.
    sessions.noteJoined(session, at: now)
    let timeout = configuration.queueTimeout
    if timeout > 0 {
      sessions.times[at].timer = now + timeout
      sessions.status[at].flags.insert(.hasTimer)
    } else {
      sessions.status[at].flags.remove(.hasTimer)
    }
    if isMutated(.lastInFirstOut) { headChanged(queue) }
    // R-26-LEASTCONN-QUEUE-ROOM: every waiter counts against a server's room.
    if countsWaiters && queue != backendQueue && queues[queue].count > 1 { refresh(queue) }
    guard queues[queue].count == 1 else { return }
    headChanged(queue)
    if queue != backendQueue { refresh(queue) }  // a server with a waiter is not eligible
  }

  /// The queue `session` waits in: its bound server's, else the backend's (I5).
  func queue(of session: Int32) -> Int {
    let server = sessions.records[Int(session)].assigned
    return server >= 0 ? Int(server) : backendQueue
  }

  /// Removes a queued session from its queue, wherever it stands in it.
  ///
  /// - Complexity: O(1), plus O(log *n*) when it was the head or the last.
  mutating func unlink(_ session: Int32) {
    let queue = queue(of: session)
    let wasHead = queues[queue].first == session
    sessions.waiting.remove(session, from: &queues[queue])
    if wasHead { headChanged(queue) }
    if (countsWaiters || queues[queue].isEmpty) && queue != backendQueue { refresh(queue) }
  }

  /// Whether a server's eligibility depends on how many wait in its queue, not
  /// just on whether any do (R-26-LEASTCONN-QUEUE-ROOM).
  var countsWaiters: Bool {
    configuration.algorithm == .leastConnections && configuration.semantics.leastConnectionsCountsQueue
  }

  /// Keeps the deadline heap on the queue's current head.
  mutating func headChanged(_ queue: Int) {
    guard configuration.queueTimeout > 0 else { return }
    let head = queues[queue].first
    deadlines.update(queue, deadline: head >= 0 ? sessions.times[Int(head)].timer : nil)
  }

  /// HAProxy's `process_srv_queue` as fixed: hands `server`'s free slots to
  /// waiting requests, one at a time, and wakes them.
  ///
  /// - Complexity: O(1 + *h* log *n*) for *h* handovers.
  mutating func dequeue(_ server: Int) {
    // R-DEQUEUE-UNTIL-FULL: as long as there is room; a server without maxconn drains.
    while hasRoom(server) {
      // R-DEQUEUE-OWN-QUEUE-ALWAYS: a server serves its own queue whatever its state;
      // R-DEQUEUE-BACKEND-ONLY-USABLE: the backend queue only if it is usable.
      let own = queues[server].first
      let pooled = isUsable(server) || isMutated(.unusableServerTakesBackend) ? queues[backendQueue].first : -1
      let taken: Int32
      let source: QueueID
      if own < 0 && pooled < 0 {
        return
      } else if pooled < 0 {
        (taken, source) = (own, .server(ServerID(server)))
      } else if own < 0 {
        (taken, source) = (pooled, .backend)
      } else if sessions.queueKey(pooled) < sessions.queueKey(own)
        || (isMutated(.dequeueTieToBackend) && sessions.queueKey(pooled) == sessions.queueKey(own))
      {
        // R-DEQUEUE-OLDEST-HEAD: the older request wins; ties go to the server's queue.
        (taken, source) = (pooled, .backend)
      } else {
        (taken, source) = (own, .server(ServerID(server)))
      }
      unlink(taken)
      // R-DEQUEUE-RESERVES: the slot is the request's before it runs.
      sessions.records[Int(taken)].assigned = Int32(server)
      wake(taken, as: .dequeued)
      reserve(taken, on: server)
      handovers.append(Handover(sessions.id(taken), to: ServerID(server), from: source))
    }
  }

  /// R-WAKE-RUNS-LATER: the session waits to run, as a step of its own.
  mutating func wake(_ session: Int32, as phase: SessionStore.Phase) {
    sessions.status[Int(session)].phase = phase
    sessions.status[Int(session)].flags.remove(.hasTimer)
    sessions.waiting.append(session, to: &pending)
  }
}
