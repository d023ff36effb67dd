import AllServedCore

extension ReferenceBalancer {
  /// One live request.
  struct Session: Hashable, Sendable {
    let id: SessionID
    var phase: SessionPhase
    /// The FIFO key between queues (HAProxy `logs.tv_request`); never changes.
    let requestTime: Milliseconds
    /// The key queue heads are compared by (R-DEQUEUE-OLDEST-HEAD, R-26-QUEUE-KEY).
    var queueKey: Milliseconds
    let hashKey: UInt32?
    /// HAProxy `srv` under `SN_ASSIGNED`.
    var assigned: ServerID?
    /// HAProxy `srv_conn`.
    var slot: ServerID?
    /// HAProxy `prev_srv`: set by a redispatch decision, never cleared.
    var previous: ServerID?
    /// HAProxy `SN_DIRECT`.
    var isDirect = false
    /// HAProxy `conn_retries`.
    var retriesLeft: Int
    /// HAProxy `SN_REDISP`.
    var wasRedispatched = false
  }

  /// The index of a live session in `sessions`.
  ///
  /// - Complexity: O(log *n*): `sessions` is sorted by identifier.
  func position(of id: SessionID) -> Int? {
    var low = 0
    var high = sessions.count
    while low < high {
      let middle = (low + high) / 2
      if sessions[middle].id < id { low = middle + 1 } else { high = middle }
    }
    return low < sessions.count && sessions[low].id == id ? low : nil
  }

  /// The live session `id`. Callers have checked that it is live.
  func session(_ id: SessionID) -> Session {
    guard let index = position(of: id) else { preconditionFailure("\(id) is not live") }
    return sessions[index]
  }

  /// Edits the live session `id` in place.
  mutating func update(_ id: SessionID, _ edit: (inout Session) -> Void) {
    guard let index = position(of: id) else { preconditionFailure("\(id) is not live") }
    edit(&sessions[index])
  }

  func isServer(_ id: ServerID) -> Bool { id.index >= 0 && id.index < servers.count }

  var serverIDs: [ServerID] { servers.indices.map(ServerID.init) }
}
