import AllServedCore

extension ReferenceBalancer {
  /// Gives `id` a slot on `server`. With `release`, the only writer of `served`
  /// (HAProxy `sess_change_server` and `pendconn_get_next_sess`).
  mutating func reserve(_ id: SessionID, on server: ServerID) {
    update(id) { $0.slot = server }
    servers[server.index].served += 1
    touch(server)
  }

  /// Takes back the slot `id` owns, if any. Callers dequeue afterwards
  /// (R-RELEASE-THEN-DEQUEUE).
  mutating func release(_ id: SessionID) {
    guard let server = session(id).slot else { return }
    update(id) { $0.slot = nil }
    servers[server.index].served -= 1
    touch(server)
  }

  /// Opens a connection on the slot `id` owns on `server`.
  mutating func connect(_ id: SessionID, to server: ServerID) {
    update(id) { $0.phase = .connecting }
    servers[server.index].connections += 1
    // R-26-LEASTCONN-INFLIGHT: HAProxy 2.6 repositions at every connect (`connect_server`).
    if configuration.semantics.leastConnectionsCountsQueue { touch(server) }
  }

  /// R-END-RELEASE-THEN-DEQUEUE: a session ends. It leaves its queue, closes its
  /// connection, stops counting in `beconn`, releases its slot, and only then
  /// does its server dequeue (the order dc9ce9c26 restored for `session_free`).
  mutating func end(_ id: SessionID) {
    let ending = session(id)
    if case .queued = ending.phase { unlink(id) }
    if ending.phase.hasConnection, let server = ending.slot {
      servers[server.index].connections -= 1
    }
    release(id)
    if let index = position(of: id) { sessions.remove(at: index) }
    sessionCount -= 1
    if let server = ending.assigned { dequeue(server) }
  }
}
