public import AllServedCore

/// HAProxy exactly at `7c669d7e0` (2008, "fix the dequeuing logic to ensure
/// that all requests get served"): slots and synchronous dequeuing as in the
/// specification, but with the defects that later commits fixed
/// (Specs/Bugs/, `haproxy-reservation-semantics.md` §2.9):
///
/// - a failed connect releases the slot, and the retry connects without one
///   (`sess_change_server(x, NULL)` in `SV_STCONN`, removed by `43662ff35`);
/// - the slow-start ramp floors the ratio, not the limit, at 1 (`28a9e529f`);
/// - `process_srv_queue` has no state check, so a stopped server serves the
///   backend queue (`07dc95abf`, `922a80607`);
/// - a server coming up, and each warm-up tick, wakes backend waiters with
///   `check_for_pending`, which neither reserves nor counts `served` (`111ea83ed`);
/// - `session_free` dequeues before it releases the slot (`dc9ce9c26`);
/// - `may_dequeue_tasks` gates a release's dequeue on `cur_sess`, not `served`;
/// - the round-robin fallback of a hash request without a key uses the
///   pre-patch eligibility (`cur_sess < dyn`, waiters ignored).
///
/// It is written from the 1.3.15 procedures, not derived from the model: no
/// switch turns a defect on. Events 1.3.15 did not have (`set weight`, `set
/// maxconn`, `shutdown sessions`, the drain and maintenance states) are
/// rejected as ``Rejection/unsupported(_:)``.
public struct AsPatched2008Balancer: ReservationSystem, Hashable, Sendable {
  struct Server: Hashable, Sendable {
    var configuration: ServerConfiguration
    var isUp: Bool
    var cameUpAt: Milliseconds?
    /// Slot owners (`served`).
    var served = 0
    /// Open or opening connections (`cur_sess`).
    var connections = 0
    var queue: [SessionID] = []
    var counters = Counters()
    var roundRobinPass = 0
    var stamp: Int
  }

  struct Session: Hashable, Sendable {
    let id: SessionID
    var phase: SessionPhase
    let requestTime: Milliseconds
    let hashKey: UInt32?
    /// `srv` under `SN_ASSIGNED`.
    var assigned: ServerID?
    /// `srv_conn`.
    var slot: ServerID?
    /// `prev_srv`.
    var previous: ServerID?
    var isDirect = false
    var retriesLeft: Int
    var wasRedispatched = false
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
  var clock: Int
  var handovers = Handovers()

  /// Builds the backend at time 0.
  ///
  /// - Throws: ``ConfigurationError`` from ``Configuration/validated()``.
  public init(configuration: Configuration) throws(ConfigurationError) {
    let valid = try configuration.validated()
    self.configuration = valid
    servers = valid.servers.enumerated().map { index, server in
      Server(configuration: server, isUp: server.initialState == .running, stamp: index)
    }
    clock = servers.count
  }

  /// Applies one event.
  public mutating func apply(_ event: Event) -> Outcome {
    let effect: Effect
    switch event {
    case .arrive(let id, let cookie, let key): effect = arrive(id, cookie, key)
    case .run(let id): effect = run(id)
    case .connectSucceeded(let id): effect = connectSucceeded(id)
    case .connectFailed(let id, let failure): effect = connectFailed(id, failure)
    case .close(let id): effect = close(id)
    case .abort(let id): effect = abort(id)
    case .queueTimeout(let id): effect = queueTimeout(id)
    case .setState(let server, let state): effect = setState(server, state)
    case .setWeight: effect = .rejected(.unsupported("'set weight' (HAProxy 1.4)"))
    case .setMaximumConnections: effect = .rejected(.unsupported("'set maxconn server' (HAProxy 1.5)"))
    case .shutdownSessions: effect = .rejected(.unsupported("'shutdown sessions' (HAProxy 1.5)"))
    case .tick(let duration): effect = tick(duration)
    case .queueTask: effect = .rejected(.unsupported("deferred queue task: dequeuing is synchronous since 7c669d7e0"))
    }
    let outcome = Outcome(effect, handovers: handovers)
    handovers.removeAll()
    return outcome
  }

  /// The state in the specification's terms: `served`, `cur_sess` as
  /// connections, `srv_conn` as the slot.
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
          isWarmingUp: isWarmingUp(index), limit: limit(index), served: server.served,
          connections: server.connections, queue: server.queue, queueLength: server.queue.count,
          counters: server.counters))
    }
    var pending = backendQueue.count
    for server in servers { pending += server.queue.count }
    var sessionSnapshots: [SessionSnapshot] = []
    for session in sessions {
      sessionSnapshots.append(
        SessionSnapshot(
          id: session.id, phase: session.phase, requestTime: session.requestTime, assigned: session.assigned,
          slot: session.slot, previous: session.previous, isDirect: session.isDirect,
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
