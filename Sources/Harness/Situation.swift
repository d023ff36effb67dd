public import AllServedCore

/// Named situations a trace can reach: the edges where slot and queue bugs
/// live. The harness counts them so a run shows what it actually exercised.
public enum Situation: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// A request got a 503 because its server's queue was at `maxqueue`.
  case queueAtMaximum = "queue at maxqueue"
  /// A DIRECT request at `maxqueue` was redispatched.
  case fullRedispatch = "redispatch on a full queue"
  /// A last retry was balanced to another server, or queued.
  case redispatchTaken = "redispatch taken"
  /// A last retry was balanced back to its own server and kept its slot.
  case slotKeptOnRedispatch = "slot kept on redispatch"
  /// A dequeue took the backend head over a younger head of the server's own queue.
  case backendHeadChosen = "backend head chosen over server head"
  /// A dequeue took the server's own head while the backend queue also waited.
  case serverHeadChosen = "server head chosen over backend head"
  /// A request timed out in the backend queue.
  case backendQueueTimeout = "timeout in backend queue"
  /// A request timed out in a server's own queue.
  case serverQueueTimeout = "timeout in server queue"
  /// A refused connect started a turn-around.
  case turnaround = "turn-around"
  /// A server stopped being balanced over while requests waited in its queue.
  case serverDownWithWaiters = "server down with waiters"
  /// A dynamic limit stood below `maxconn`.
  case dynamicLimitBelowMaximum = "dynamic maxconn below maxconn"
  /// A client went away while it held a slot it had not used yet.
  case abortWhileDequeued = "abort of a dequeued session"
  /// Retries ran out.
  case retriesExhausted = "retries exhausted"
  /// One event handed over several slots.
  case severalHandovers = "several handovers in one event"
  /// Several timers were due at the same instant.
  case simultaneousTimers = "timers due together"
  /// A warm-up tick handed a slot over.
  case warmUpHandover = "warm-up handover"

  /// The situation in words, as the coverage table prints it.
  public var description: String { rawValue }

  /// Runs of fewer traces are too small to judge coverage.
  public static let coverageJudgedFrom = 100

  /// The share of traces that must reach the situation, or the run fails:
  /// about a third of what the default generator reaches, so that a change
  /// that starves a situation is caught and noise is not.
  public var minimumTraceShare: Double {
    switch self {
    case .queueAtMaximum: 0.05
    case .fullRedispatch: 0.01
    case .redispatchTaken: 0.02
    case .slotKeptOnRedispatch: 0.005
    case .backendHeadChosen: 0.01
    case .serverHeadChosen: 0.01
    case .backendQueueTimeout: 0.05
    case .serverQueueTimeout: 0.01
    case .turnaround: 0.05
    case .serverDownWithWaiters: 0.03
    case .dynamicLimitBelowMaximum: 0.03
    case .abortWhileDequeued: 0.01
    case .retriesExhausted: 0.03
    case .severalHandovers: 0.03
    case .simultaneousTimers: 0.02
    case .warmUpHandover: 0.005
    }
  }

  /// The situations one accepted event reached.
  public static func classify(
    before: Snapshot, event: Event, outcome: Outcome, after: Snapshot
  ) -> [Situation] {
    var found: [Situation] = []
    switch outcome.effect {
    case .placed(let placement), .rebalanced(_, let placement):
      found += placementSituations(placement)
    default: break
    }
    if case .rebalanced(let from, let placement) = outcome.effect {
      found.append(placement == .granted(server: from) ? .slotKeptOnRedispatch : .redispatchTaken)
    }
    switch outcome.effect {
    case .ended(.queueTimedOut(.backend)): found.append(.backendQueueTimeout)
    case .ended(.queueTimedOut(.server)): found.append(.serverQueueTimeout)
    case .ended(.aborted(during: .dequeued)): found.append(.abortWhileDequeued)
    case .ended(.connectionFailed): found.append(.retriesExhausted)
    case .turnaround: found.append(.turnaround)
    case .stateChanged(let server, let from, let to, _):
      if from.isUp && to != .running && before.servers.indices.contains(server.index)
        && !before.servers[server.index].queue.isEmpty
      {
        found.append(.serverDownWithWaiters)
      }
    case .advanced where !outcome.handovers.isEmpty: found.append(.warmUpHandover)
    default: break
    }
    if outcome.handovers.count > 1 { found.append(.severalHandovers) }
    for handover in outcome.handovers.prefix(1) where before.servers.indices.contains(handover.server.index) {
      let own = before.servers[handover.server.index].queue
      if handover.source == .backend && !own.isEmpty { found.append(.backendHeadChosen) }
      if handover.source != .backend && !before.backend.queue.isEmpty
        && before.servers[handover.server.index].isUsable
      {
        found.append(.serverHeadChosen)
      }
    }
    if after.servers.contains(where: { $0.maximumConnections > 0 && $0.limit < $0.maximumConnections }) {
      found.append(.dynamicLimitBelowMaximum)
    }
    if case .tick = event {
      let due = after.sessions.filter { session in
        switch session.phase {
        case .queued(_, let deadline?): deadline == after.now
        case .turnaround(let until): until == after.now
        default: false
        }
      }
      if due.count > 1 { found.append(.simultaneousTimers) }
    }
    return found
  }

  private static func placementSituations(_ placement: Placement) -> [Situation] {
    switch placement {
    case .refused(.serverQueueFull): [.queueAtMaximum]
    case .redispatched(_, let inner): [.fullRedispatch] + placementSituations(inner)
    default: []
    }
  }
}
