public import AllServedCore

/// HAProxy just before `7c669d7e0` (2008), as `haproxy-reservation-semantics.md`
/// §1 and §4 describe it: no slots at all.
///
/// - A server counts only `cur_sess`, its open or opening connections.
/// - A per-server queue task, scheduled where a connection closes or a connect
///   finally fails, runs later as an event of its own (`queue-task sN`). It
///   pops waiters while `cur_sess + popped < dyn` and only wakes them: a
///   backend waiter goes back through the balancer, avoiding the very server
///   that freed room for it; a waiter of a server queue re-checks `cur_sess`
///   and may queue again at the tail.
/// - Balancing eligibility is `!maxconn || cur_sess < dyn`, waiters ignored.
/// - `maxqueue` is checked only for an already assigned request, and a full
///   queue always drops persistence and balances again.
/// - A failed connect gives up its connection and retries without any check.
///
/// Observed in the specification's terms, `served` is `cur_sess` and a slot is
/// an open connection: there is nothing else to own.
public struct PrePatchBalancer: ReservationSystem, Hashable, Sendable {
  struct Server: Hashable, Sendable {
    var configuration: ServerConfiguration
    var isUp: Bool
    var cameUpAt: Milliseconds?
    /// `cur_sess`.
    var connections = 0
    var queue: [SessionID] = []
    var counters = Counters()
    var roundRobinPass = 0
    var isTaskScheduled = false
  }

  struct Session: Hashable, Sendable {
    let id: SessionID
    var phase: SessionPhase
    let requestTime: Milliseconds
    let hashKey: UInt32?
    /// `srv`; meaningful for balancing only under `SN_ASSIGNED`.
    var server: ServerID?
    /// `SN_ASSIGNED`.
    var isAssigned = false
    var isDirect = false
    var retriesLeft: Int
    var wasRedispatched = false
    /// Holds one of `server`'s connections.
    var isConnected = false
  }

  /// The validated configuration.
  public let configuration: Configuration
  var now: Milliseconds = 0
  var servers: [Server]
  var backendQueue: [SessionID] = []
  var sessions: [Session] = []
  var sessionCount = 0
  var counters = Counters()
  var highestSessionID = 0
  var roundRobinTime = 0

  /// Builds the backend at time 0.
  ///
  /// - Throws: ``ConfigurationError`` from ``Configuration/validated()``.
  public init(configuration: Configuration) throws(ConfigurationError) {
    let valid = try configuration.validated()
    self.configuration = valid
    servers = valid.servers.map { Server(configuration: $0, isUp: $0.initialState == .running) }
  }

  /// Applies one event.
  public mutating func apply(_ event: Event) -> Outcome {
    switch event {
    case .arrive(let id, let cookie, let key): Outcome(arrive(id, cookie, key))
    case .run(let id): Outcome(run(id))
    case .connectSucceeded(let id): Outcome(connectSucceeded(id))
    case .connectFailed(let id, let failure): Outcome(connectFailed(id, failure))
    case .close(let id): Outcome(close(id))
    case .abort(let id): Outcome(abort(id))
    case .queueTimeout(let id): Outcome(queueTimeout(id))
    case .setState(let server, let state): Outcome(setState(server, state))
    case .queueTask(let server): Outcome(queueTask(server))
    case .tick(let duration): Outcome(tick(duration))
    case .setWeight: .rejected(.unsupported("'set weight' (HAProxy 1.4)"))
    case .setMaximumConnections: .rejected(.unsupported("'set maxconn server' (HAProxy 1.5)"))
    case .shutdownSessions: .rejected(.unsupported("'shutdown sessions' (HAProxy 1.5)"))
    }
  }

  /// The state in the specification's terms: `served` is `cur_sess`, and a
  /// session's slot is the connection it holds.
  public var snapshot: Snapshot {
    var serverSnapshots: [ServerSnapshot] = []
    for index in servers.indices {
      let server = servers[index]
      serverSnapshots.append(
        ServerSnapshot(
          state: server.isUp ? .running : .down, weight: server.configuration.weight,
          maximumConnections: server.configuration.maximumConnections,
          minimumConnections: server.configuration.minimumConnections,
          maximumQueueLength: server.configuration.maximumQueueLength, isUsable: isUsable(index),
          isWarmingUp: isWarmingUp(index), limit: limit(index), served: server.connections,
          connections: server.connections, queue: server.queue, queueLength: server.queue.count,
          counters: server.counters, hasScheduledTask: server.isTaskScheduled))
    }
    var pending = backendQueue.count
    for server in servers { pending += server.queue.count }
    var sessionSnapshots: [SessionSnapshot] = []
    for session in sessions {
      sessionSnapshots.append(
        SessionSnapshot(
          id: session.id, phase: session.phase, requestTime: session.requestTime,
          assigned: session.isAssigned ? session.server : nil,
          slot: session.isConnected ? session.server : nil, previous: nil, isDirect: session.isDirect,
          retriesLeft: session.retriesLeft, wasRedispatched: session.wasRedispatched))
    }
    return Snapshot(
      now: now,
      backend: BackendSnapshot(
        sessionCount: sessionCount, queue: backendQueue, queueLength: backendQueue.count,
        totalPending: pending, counters: counters),
      servers: serverSnapshots, sessions: sessionSnapshots)
  }
}
