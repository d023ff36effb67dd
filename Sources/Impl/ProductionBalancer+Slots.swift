import AllServedCore

extension ProductionBalancer {
  /// Gives `session` a slot on `server`, the server it is bound to. With
  /// `release`, the only writer of `served` (HAProxy `sess_change_server`
  /// and `pendconn_get_next_sess`).
  mutating func reserve(_ session: Int32, on server: Int) {
    sessions.status[Int(session)].flags.insert(.ownsSlot)
    sessions.owners.append(session, to: &owners[server])
    servers[server].served += 1
    touch(server)
  }

  /// Takes back the slot `session` owns, if any. Callers dequeue afterwards
  /// (R-RELEASE-THEN-DEQUEUE).
  mutating func release(_ session: Int32) {
    let at = Int(session)
    guard sessions.status[at].flags.contains(.ownsSlot) else { return }
    let server = Int(sessions.records[at].assigned)
    sessions.status[at].flags.remove(.ownsSlot)
    sessions.owners.remove(session, from: &owners[server])
    servers[server].served -= 1
    touch(server)
  }

  /// Opens a connection on the slot `session` owns on `server`.
  mutating func connect(_ session: Int32, to server: Int) {
    sessions.status[Int(session)].phase = .connecting
    servers[server].connections += 1
    // R-26-LEASTCONN-INFLIGHT: HAProxy 2.6 repositions at every connect (`connect_server`).
    if configuration.semantics.leastConnectionsCountsQueue { touch(server) }
  }

  /// R-END-RELEASE-THEN-DEQUEUE: a session ends. It leaves its queue or list,
  /// closes its connection, stops counting in `beconn`, releases its slot,
  /// and only then does its server dequeue (the order dc9ce9c26 restored).
  mutating func end(_ session: Int32, dequeues: Bool = true) {
    let at = Int(session)
    let server = Int(sessions.records[at].assigned)
    switch sessions.status[at].phase {
    case .queued: unlink(session)
    case .dequeued, .redistributed: sessions.waiting.remove(session, from: &pending)
    case .turnaround: sessions.waiting.remove(session, from: &turnarounds)
    case .connecting, .established:
      if sessions.status[at].flags.contains(.ownsSlot) { servers[server].connections -= 1 }
    case .placing, .free: break
    }
    if isMutated(.dequeueBeforeRelease), server >= 0 { dequeue(server) }
    release(session)
    sessions.free(session)
    if isMutated(.sessionCountAfterDequeue) {
      if server >= 0 && dequeues { dequeue(server) }
      changeSessionCount(by: -1)
      return
    }
    changeSessionCount(by: -1)
    if server >= 0 && dequeues { dequeue(server) }
  }
}
