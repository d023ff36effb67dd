/// Single-point faults that can be planted in ``ProductionBalancer``: the
/// mutation catalogue of Specs/Mutants.md. Each changes one decision in one
/// place; the harness must notice every one that changes behaviour.
///
/// A fault is chosen for the systems built inside `Fault.$active.withValue(…)`,
/// without editing code. The fault sites exist only in builds with
/// `ALLSERVED_MUTANTS` defined (debug builds, see Package.swift); elsewhere
/// ``ProductionBalancer/isMutated(_:)`` is a constant `false` and the sites
/// compile away. No fault can corrupt the implementation's own structures, so
/// none can make it trap.
public enum Fault: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
  /// R-MAXQUEUE-FULL: `>` instead of `>=`, one request too many waits.
  case maximumQueueOffByOne = "maxqueue-off-by-one"
  /// R-DEQUEUE-OLDEST-HEAD: ties go to the backend queue.
  case dequeueTieToBackend = "dequeue-tie-to-backend"
  /// R-ASSIGN-QUEUE-SERVER: a bound request reserves while `served == limit`.
  case maximumConnectionsOffByOne = "maxconn-off-by-one"
  /// R-LB-ELIGIBLE: a server with waiters stays eligible (the pre-patch rule).
  case eligibilityIgnoresWaiters = "eligibility-ignores-waiters"
  /// R-END-RELEASE-THEN-DEQUEUE: the server dequeues before the slot is released.
  case dequeueBeforeRelease = "dequeue-before-release"
  /// R-ABORT: an abort releases the slot but nobody dequeues.
  case abortWithoutDequeue = "abort-without-dequeue"
  /// R-QUEUE-TIMEOUT: a timeout in a server queue is not charged to the server.
  case timeoutNotCharged = "timeout-not-charged"
  /// R-QUEUE-FIFO: newcomers join the head of the queue (LIFO).
  case lastInFirstOut = "lifo-queue"
  /// R-REDISPATCH-LAST-RETRY: the previous server is not recorded.
  case redispatchForgetsPrevious = "redispatch-forgets-previous"
  /// R-LB-LEASTCONN: the key is `served` alone, without the weight.
  case leastConnectionsIgnoresWeight = "leastconn-ignores-weight"
  /// R-LB-ROUNDROBIN: round robin does not skip full servers.
  case roundRobinIgnoresFullness = "roundrobin-ignores-full"
  /// R-DEQUEUE-BACKEND-ONLY-USABLE: a server in maintenance serves the backend queue.
  case unusableServerTakesBackend = "unusable-server-takes-backend"
  /// R-RETRY-KEEP-SLOT: a refused connect releases the slot (defect a).
  case retryReleasesSlot = "retry-releases-slot"
  /// R-DYN-SLOWSTART: the ramp may reach zero slots (defect b).
  case slowStartRampToZero = "slowstart-ramp-to-zero"
  /// R-STATE-UP-DEQUEUE: a server coming up does not dequeue.
  case comingUpWithoutDequeue = "up-without-dequeue"
  /// R-WEIGHT-CHANGE: a weight change does not dequeue.
  case weightChangeWithoutDequeue = "weight-without-dequeue"
  /// R-MAXCONN-CHANGE: a new maxconn does not dequeue.
  case maximumConnectionsChangeWithoutDequeue = "maxconn-without-dequeue"
  /// R-LB-HASH: the map ignores the weights.
  case hashIgnoresWeights = "hash-ignores-weights"
  /// R-RETRY-TURNAROUND: a refused connect retries at once.
  case refusedWithoutTurnaround = "refused-without-turnaround"
  /// R-RETRY-COUNT: retries are never spent.
  case retriesNeverSpent = "retries-never-spent"
  /// R-REDISPATCH-LAST-RETRY: redispatch one retry early.
  case redispatchOneRetryEarly = "redispatch-one-retry-early"
  /// R-REDISPATCH-FULL-DIRECT: redispatch without `option redispatch` (pre-patch).
  case fullRedispatchWithoutOption = "full-redispatch-without-option"
  /// R-PERSIST-COOKIE: a cookie binds to a down server without `option persist`.
  case cookieBindsDownServer = "cookie-binds-down-server"
  /// R-STATE-REDISTRIBUTE: a server going down keeps its waiters.
  case downKeepsWaiters = "down-keeps-waiters"
  /// R-STATE-REDISTRIBUTE: redistributed requests stay DIRECT.
  case redistributionKeepsDirect = "redistribution-keeps-direct"
  /// R-END-RELEASE-THEN-DEQUEUE: `beconn` drops after the dequeue.
  case sessionCountAfterDequeue = "beconn-after-dequeue"
  /// R-TIME-WARMUP-DEQUEUE: a tick does not let warming servers dequeue.
  case warmUpWithoutDequeue = "warmup-without-dequeue"
  /// R-SHUTDOWN-SESSIONS: victims are killed in decreasing identifier order.
  case shutdownReverseOrder = "shutdown-reverse-order"
  /// R-CLOSE: a completion is not counted on the server.
  case closeNotCounted = "close-not-counted"
  /// R-TIME-TICK: time moves while a woken session has not run.
  case tickIgnoresWokenSessions = "tick-ignores-woken"
  /// R-TIME-TICK: a tick may not land exactly on a timer.
  case timerBoundaryExclusive = "timer-boundary-exclusive"
  /// R-LB-AVOID-PREVIOUS: the previous server is not avoided.
  case previousNotAvoided = "previous-not-avoided"
  /// R-REDISPATCH-KEEP-SLOT: back on the same server, the slot is given up and the request queues (bug 3).
  case redispatchDropsSlot = "redispatch-drops-slot"

  /// The fault planted in systems built in the current task, if any.
  @TaskLocal public static var active: Fault?

  /// Whether this build has the fault sites.
  public static var isCompiledIn: Bool {
    #if ALLSERVED_MUTANTS
      true
    #else
      false
    #endif
  }

  /// The fault's name in reports.
  public var description: String { rawValue }
}
