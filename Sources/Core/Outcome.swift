/// What one event did: its effect on the subject, and every slot handed to a
/// waiting request while it was applied, in the order they were handed over.
///
/// Two systems agree on an event when their outcomes are equal and their
/// snapshots afterwards are equal.
public struct Outcome: Hashable, Sendable {
  /// What happened to the event's subject.
  public var effect: Effect
  /// The slots handed to queued requests by dequeues during the event (`R-DEQUEUE-*`).
  public var handovers: Handovers

  /// Creates an outcome.
  public init(_ effect: Effect, handovers: Handovers = []) {
    self.effect = effect
    self.handovers = handovers
  }

  /// The outcome of an impossible event: nothing changed (`R-REJECT-UNCHANGED`).
  public static func rejected(_ reason: Rejection) -> Outcome { Outcome(.rejected(reason)) }

  /// Whether the event was refused as impossible.
  public var isRejected: Bool {
    if case .rejected = effect { true } else { false }
  }
}

/// A slot given to a queued request by a dequeue: the request now owns a slot
/// on `server` and waits to run (`R-DEQUEUE-RESERVES`).
public struct Handover: Hashable, Sendable, CustomStringConvertible {
  /// The request that received the slot.
  public var session: SessionID
  /// The server whose slot it received.
  public var server: ServerID
  /// The queue the request left.
  public var source: QueueID

  /// Creates a handover record.
  public init(_ session: SessionID, to server: ServerID, from source: QueueID) {
    self.session = session
    self.server = server
    self.source = source
  }

  /// `#2→s0 from backend`.
  public var description: String { "\(session)→\(server) from \(source)" }
}

/// The effect of an accepted or a rejected event on its subject.
public enum Effect: Hashable, Sendable {
  /// The event is impossible in the current state; nothing changed.
  case rejected(Rejection)
  /// An arrival, or a redistributed session running, went through assignment.
  case placed(Placement)
  /// A dequeued session ran and started connecting on the slot it was handed.
  case connecting(server: ServerID)
  /// The connection is up; the session keeps its slot until it ends.
  case established(server: ServerID)
  /// A refused connect; the session keeps its slot and waits until `until` (`R-RETRY-TURNAROUND`).
  case turnaround(server: ServerID, until: Milliseconds)
  /// The session connects again to the same server, on the same slot (`R-RETRY-SAME-SERVER`).
  case retrying(server: ServerID)
  /// The last retry went back through the balancer (`R-REDISPATCH-LAST-RETRY`).
  indirect case rebalanced(from: ServerID, Placement)
  /// The session ended.
  case ended(Ending)
  /// The server changed state; `redistributed` left its queue to be balanced again.
  case stateChanged(server: ServerID, from: ServerState, to: ServerState, redistributed: [SessionID])
  /// The server's weight changed.
  case weightChanged(server: ServerID, from: Int, to: Int)
  /// The server's `maxconn` changed (and `minconn` with it, see `R-MAXCONN-CHANGE`).
  case maximumConnectionsChanged(server: ServerID, from: Int, to: Int)
  /// The administrative event asked for what already held (`R-ADMIN-NO-CHANGE`).
  case unchanged(server: ServerID)
  /// These sessions owned slots on the server and were killed (HTTP 502).
  case killed(server: ServerID, sessions: [SessionID])
  /// The clock moved.
  case advanced(to: Milliseconds)
  /// A historical variant's deferred queue task ran and woke these sessions,
  /// reserving nothing (HAProxy before `7c669d7e0`).
  case queueTaskRan(server: ServerID, woken: [SessionID])
}

/// Where assignment put a request (HAProxy `assign_server_and_queue` and
/// `srv_redispatch_connect`).
public enum Placement: Hashable, Sendable {
  /// The request owns a slot on the server and is connecting (`SRV_STATUS_OK`).
  case granted(server: ServerID)
  /// The request waits in the queue (`SRV_STATUS_QUEUED`).
  case queued(QueueID)
  /// The request was answered with a 503 and ended.
  case refused(Refusal)
  /// A DIRECT request met a full server queue and, under `option redispatch`,
  /// was balanced once more (`R-REDISPATCH-FULL-DIRECT`).
  indirect case redispatched(from: ServerID, Placement)
}

/// Why a request was answered with a 503 at assignment.
public enum Refusal: Hashable, Sendable {
  /// The server's own queue is at `maxqueue` (`SRV_STATUS_FULL`, `R-MAXQUEUE-FULL`).
  case serverQueueFull(ServerID)
  /// No server is usable (`SRV_STATUS_NOSRV`, `R-LB-NO-SERVER`).
  case noServer
}

/// How a session ended.
public enum Ending: Hashable, Sendable {
  /// The server closed the connection after answering (`R-CLOSE`).
  case completed(server: ServerID)
  /// The client went away while the session was in the given phase (`R-ABORT`).
  case aborted(during: SessionPhase)
  /// The last connection attempt failed; 503 (`R-RETRY-COUNT`).
  case connectionFailed(server: ServerID)
  /// The request waited in the queue until its deadline; 503 (`R-QUEUE-TIMEOUT`).
  case queueTimedOut(QueueID)
}
