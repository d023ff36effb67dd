public import AllServedCore

/// The reference model of Specs/Reservation.md: how a backend reserves server
/// connection slots and queues requests, as HAProxy's 2008 dequeuing fix and
/// its follow-ups define it.
///
/// The model is a value: copy it, compare it, hash it. It is written to be
/// read and trusted, not to be fast: plain arrays, linear scans, one rule in
/// one place, each place naming its rule ID. ``apply(_:)`` is its only entry
/// point; ``snapshot`` is everything it knows.
///
///     var model = try ReferenceBalancer(configuration: Configuration(
///       servers: [ServerConfiguration(maximumConnections: 1)]))
///     model.apply(.arrive(SessionID(1)))  // placed: granted s0
///     model.apply(.arrive(SessionID(2)))  // placed: queued on backend
///     model.apply(.connectSucceeded(SessionID(1)))
///     model.apply(.close(SessionID(1)))   // completed; #2 handed s0's slot
///     model.apply(.run(SessionID(2)))     // connecting on s0
public struct ReferenceBalancer: ReservationSystem, Hashable, Sendable {
  /// The validated, normalised configuration.
  public let configuration: Configuration
  /// The logical clock (`R-TIME-TICK`).
  var now: Milliseconds = 0
  /// The servers, in configuration order.
  var servers: [Server]
  /// The backend queue, head first.
  var backendQueue: [SessionID] = []
  /// The live sessions, by increasing identifier (arrivals are fresh, so appending keeps the order).
  var sessions: [Session] = []
  /// HAProxy `beconn`: a counter of its own, so that I4 can check it.
  var sessionCount = 0
  /// The backend's counters.
  var backendCounters = Counters()
  /// The highest session identifier used so far (`R-ARRIVE-FRESH-ID`).
  var highestSessionID = 0
  /// The round-robin virtual time (`R-LB-ROUNDROBIN`).
  var roundRobinTime = 0
  /// The source of leastconn tie-break stamps (`R-LB-LEASTCONN`).
  var leastConnectionsClock = 0
  /// HAProxy 2.6's round robin, for `balance roundrobin` under 2.6 semantics (R-26-ROUNDROBIN-FWRR).
  var fastRoundRobin: FastWeightedRoundRobin?
  /// Slots handed over during the event being applied; empty between events.
  var handovers = Handovers()

  /// Builds the model at time 0 with no session.
  ///
  /// R-CONFIG-LIMITS, R-CONFIG-NORMALIZE: the model runs only on a configuration
  /// that ``Configuration/validated()`` accepted and normalised.
  ///
  /// - Throws: ``ConfigurationError`` from ``Configuration/validated()``.
  public init(configuration: Configuration) throws(ConfigurationError) {
    let valid = try configuration.validated()
    self.configuration = valid
    servers = valid.servers.enumerated().map { index, server in
      Server(configuration: server, stamp: index)
    }
    leastConnectionsClock = servers.count
    if valid.semantics.roundRobinIsFastWeighted && valid.algorithm == .roundRobin {
      fastRoundRobin = FastWeightedRoundRobin(
        weights: servers.map(\.weight), usable: servers.map { $0.state == .running && $0.weight > 0 })
    }
  }
}
