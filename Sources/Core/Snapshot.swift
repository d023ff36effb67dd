/// The complete observable state of a reservation system at one instant.
///
/// Snapshots are plain values: two systems agree when their snapshots are
/// equal, and the invariants I1–I11 are functions of snapshots
/// (see `Snapshot+Invariants.swift`). Sessions are listed by increasing
/// identifier and queues from head to tail, so a snapshot never depends on
/// hashing order.
public struct Snapshot: Hashable, Sendable {
  /// The logical clock.
  public var now: Milliseconds
  /// The backend: its queue, its session count and its counters.
  public var backend: BackendSnapshot
  /// The servers, in configuration order.
  public var servers: [ServerSnapshot]
  /// The live sessions, by increasing identifier.
  public var sessions: [SessionSnapshot]

  /// Creates a snapshot.
  public init(
    now: Milliseconds, backend: BackendSnapshot, servers: [ServerSnapshot],
    sessions: [SessionSnapshot]
  ) {
    self.now = now
    self.backend = backend
    self.servers = servers
    self.sessions = sessions
  }

  /// The live session with this identifier, if any.
  ///
  /// - Complexity: O(log *n*) in the number of live sessions.
  public func session(_ id: SessionID) -> SessionSnapshot? {
    position(of: id).map { sessions[$0] }
  }

  /// The index of live session `id` in ``sessions``.
  ///
  /// - Complexity: O(log *s*): sessions are listed by increasing identifier.
  public func position(of id: SessionID) -> Int? {
    var low = 0
    var high = sessions.count
    while low < high {
      let middle = (low + high) / 2
      if sessions[middle].id < id { low = middle + 1 } else { high = middle }
    }
    return low < sessions.count && sessions[low].id == id ? low : nil
  }

  /// The queue with this identifier, head first.
  public func queue(_ queue: QueueID) -> [SessionID] {
    switch queue {
    case .backend: backend.queue
    case .server(let server): servers[server.index].queue
    }
  }
}

/// The backend part of a snapshot.
public struct BackendSnapshot: Hashable, Sendable {
  /// Sessions attached to the backend (HAProxy `beconn`): every live session.
  public var sessionCount: Int
  /// The backend queue, head first.
  public var queue: [SessionID]
  /// The backend queue's length counter (`px->nbpend`), checked against ``queue`` by I4.
  public var queueLength: Int
  /// All queued requests, backend and servers (`px->totpend`).
  public var totalPending: Int
  /// Backend-wide counters.
  public var counters: Counters

  /// Creates the backend part of a snapshot.
  public init(
    sessionCount: Int, queue: [SessionID], queueLength: Int, totalPending: Int,
    counters: Counters
  ) {
    self.sessionCount = sessionCount
    self.queue = queue
    self.queueLength = queueLength
    self.totalPending = totalPending
    self.counters = counters
  }
}

/// One server in a snapshot.
public struct ServerSnapshot: Hashable, Sendable {
  /// The server's state.
  public var state: ServerState
  /// The current weight.
  public var weight: Int
  /// The current `maxconn`; 0 is unlimited.
  public var maximumConnections: Int
  /// The current `minconn`.
  public var minimumConnections: Int
  /// `maxqueue`; 0 is unlimited.
  public var maximumQueueLength: Int
  /// Whether the balancer may pick the server and it may serve the backend queue (`R-USABLE`).
  public var isUsable: Bool
  /// Whether slowstart currently throttles the server (`R-DYN-SLOWSTART`).
  public var isWarmingUp: Bool
  /// The dynamic limit now (HAProxy `srv_dynamic_maxconn`); 0 when `maxconn` is 0 (`R-DYN-LIMIT`).
  public var limit: Int
  /// Sessions owning a slot on the server (HAProxy `served`).
  public var served: Int
  /// Server connections open or being opened (HAProxy `cur_sess`).
  public var connections: Int
  /// The server's own queue, head first.
  public var queue: [SessionID]
  /// The queue's length counter (`srv->nbpend`), checked against ``queue`` by I4.
  public var queueLength: Int
  /// The server's counters.
  public var counters: Counters
  /// A historical variant's deferred queue task is scheduled and has not run;
  /// always `false` in the specification, which dequeues synchronously.
  public var hasScheduledTask: Bool

  /// Creates one server of a snapshot.
  public init(
    state: ServerState, weight: Int, maximumConnections: Int, minimumConnections: Int,
    maximumQueueLength: Int, isUsable: Bool, isWarmingUp: Bool, limit: Int, served: Int,
    connections: Int, queue: [SessionID], queueLength: Int, counters: Counters, hasScheduledTask: Bool = false
  ) {
    self.hasScheduledTask = hasScheduledTask
    self.state = state
    self.weight = weight
    self.maximumConnections = maximumConnections
    self.minimumConnections = minimumConnections
    self.maximumQueueLength = maximumQueueLength
    self.isUsable = isUsable
    self.isWarmingUp = isWarmingUp
    self.limit = limit
    self.served = served
    self.connections = connections
    self.queue = queue
    self.queueLength = queueLength
    self.counters = counters
  }
}

/// One live session in a snapshot.
public struct SessionSnapshot: Hashable, Sendable {
  /// The session's identifier.
  public var id: SessionID
  /// Where the session is.
  public var phase: SessionPhase
  /// When the request arrived (HAProxy `logs.tv_request`).
  public var requestTime: Milliseconds
  /// The key queue heads are compared by (R-DEQUEUE-OLDEST-HEAD): the request
  /// time, or under HAProxy 2.6 the instant the request last joined a queue
  /// (R-26-QUEUE-KEY), its request time until it first does.
  public var queueKey: Milliseconds
  /// The server the session is bound to (HAProxy `srv` under `SN_ASSIGNED`), if any.
  public var assigned: ServerID?
  /// The server on which the session owns a slot (HAProxy `srv_conn`), if any.
  public var slot: ServerID?
  /// The server it was on before its last redispatch decision (HAProxy `prev_srv`).
  public var previous: ServerID?
  /// Whether a persistence cookie bound it to its server (HAProxy `SN_DIRECT`).
  public var isDirect: Bool
  /// Connection retries left (HAProxy `conn_retries`).
  public var retriesLeft: Int
  /// Whether it was ever redispatched to another server (HAProxy `SN_REDISP`).
  public var wasRedispatched: Bool

  /// Creates one session of a snapshot.
  public init(
    id: SessionID, phase: SessionPhase, requestTime: Milliseconds, assigned: ServerID?,
    slot: ServerID?, previous: ServerID?, isDirect: Bool, retriesLeft: Int,
    wasRedispatched: Bool, queueKey: Milliseconds? = nil
  ) {
    self.id = id
    self.phase = phase
    self.requestTime = requestTime
    self.queueKey = queueKey ?? requestTime
    self.assigned = assigned
    self.slot = slot
    self.previous = previous
    self.isDirect = isDirect
    self.retriesLeft = retriesLeft
    self.wasRedispatched = wasRedispatched
  }
}
