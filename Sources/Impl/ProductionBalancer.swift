public import AllServedCore

/// The semantics of Specs/Reservation.md built the way a load balancer ships
/// them: observation for observation equal to ``AllServedModel/ReferenceBalancer``,
/// with structures whose cost does not grow with the number of sessions and
/// grows only logarithmically with the number of servers.
///
/// - Queues are intrusive doubly linked lists through the sessions (HAProxy's
///   `pendconn`): O(1) enqueue, dequeue and removal from the middle.
/// - Sessions live in a few dense arrays of small records under stable
///   handles, found by identifier through an open-addressing table.
/// - Leastconn and round robin pick from a tournament tree over the eligible
///   servers in O(1), and pay O(log *n*) when a server changes.
/// - Eligibility under a dynamic limit is kept exact with threshold buckets:
///   each server knows the smallest `beconn` at which it has room.
/// - The earliest queue deadline is the top of a heap of queue heads.
///
/// Like the model it is a value, and ``apply(_:)`` is its only entry point.
public struct ProductionBalancer: ReservationSystem, Sendable {
  /// The validated, normalised configuration.
  public let configuration: Configuration
  /// The logical clock (`R-TIME-TICK`).
  var now: Milliseconds = 0
  /// The servers, in configuration order.
  var servers: [Server]
  /// Every queue: server *i* at index *i*, the backend's at index `servers.count`.
  var queues: [ListHead]
  /// The slot owners of each server.
  var owners: [ListHead]
  /// Sessions woken by a dequeue or a redistribution that have not run.
  var pending = ListHead()
  /// Sessions in turn-around, in order of their (equal-offset) deadlines.
  var turnarounds = ListHead()
  /// The sessions.
  var sessions: SessionStore
  /// HAProxy `beconn`.
  var sessionCount = 0
  /// The backend's counters.
  var backendCounters = Counters()
  /// The highest session identifier used so far (`R-ARRIVE-FRESH-ID`).
  var highestSessionID = 0
  /// The round-robin virtual time (`R-LB-ROUNDROBIN`).
  var roundRobinTime = 0
  /// The source of leastconn tie-break stamps (`R-LB-LEASTCONN`).
  var leastConnectionsClock = 0
  /// The number of usable servers (`R-USABLE`).
  var usableCount = 0
  /// The eligible servers, keyed for the configured algorithm.
  var eligible: SelectionTree
  /// Servers whose eligibility threshold is a positive `beconn`, by threshold.
  var thresholdBuckets: [Int: ListHead] = [:]
  /// Links of the threshold buckets, by server.
  var bucketLinks = Links()
  /// Servers that came up with a slow start and may still be warming, by index.
  var warming: [Int32] = []
  /// Queues with a waiter that has a deadline, by head deadline.
  var deadlines: DeadlineHeap
  /// The hash map of `R-LB-HASH`, rebuilt when a weight or a state changes.
  var hashMap: [Int32] = []
  var hashMapIsStale = true
  /// HAProxy 2.6's round robin, for `balance roundrobin` under 2.6 semantics (R-26-ROUNDROBIN-FWRR).
  var fastRoundRobin: FastWeightedRoundRobin?
  /// Slots handed over during the event being applied; empty between events.
  var handovers = Handovers()
  #if ALLSERVED_MUTANTS
    /// The planted fault, read from ``Fault/active`` at construction.
    let fault = Fault.active
  #endif

  /// Builds the balancer at time 0 with no session.
  ///
  /// R-CONFIG-LIMITS, R-CONFIG-NORMALIZE: it runs only on a configuration that
  /// ``Configuration/validated()`` accepted and normalised.
  ///
  /// - Throws: ``ConfigurationError`` from ``Configuration/validated()``.
  /// - Complexity: O(*n*) for *n* servers.
  public init(configuration: Configuration) throws(ConfigurationError) {
    let valid = try configuration.validated()
    self.configuration = valid
    let count = valid.servers.count
    servers = valid.servers.enumerated().map { index, server in
      Server(configuration: server, stamp: index)
    }
    queues = Array(repeating: ListHead(), count: count + 1)
    owners = Array(repeating: ListHead(), count: count)
    sessions = SessionStore(
      storesHashKeys: valid.algorithm == .hash, storesJoinTimes: valid.semantics.queueKeyIsJoinTime)
    leastConnectionsClock = count
    eligible = SelectionTree(count: count)
    bucketLinks.grow(to: count)
    deadlines = DeadlineHeap(count: count + 1)
    for server in 0..<count {
      if isUsable(server) { usableCount += 1 }
      refresh(server)
    }
    if valid.semantics.roundRobinIsFastWeighted && valid.algorithm == .roundRobin {
      fastRoundRobin = FastWeightedRoundRobin(
        weights: servers.map(\.weight), usable: (0..<count).map(isUsable))
    }
  }

  /// Sizes the session storage for `sessions` live sessions at once, as
  /// HAProxy sizes its pools from `maxconn`: no growth, and no growth slack,
  /// until the population exceeds it. Behaviour is unchanged.
  ///
  /// - Complexity: O(`sessions`).
  public mutating func reserveCapacity(sessions count: Int) {
    sessions.reserve(count)
  }

  /// Whether `fault` is planted in this system: a constant `false` in builds
  /// without `ALLSERVED_MUTANTS`, so fault sites cost nothing there.
  @inline(__always)
  func isMutated(_ fault: Fault) -> Bool {
    #if ALLSERVED_MUTANTS
      self.fault == fault
    #else
      false
    #endif
  }

  /// The index of the backend queue in ``queues``.
  var backendQueue: Int { servers.count }
}
