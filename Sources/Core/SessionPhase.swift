/// Where a live session is in its life (HAProxy's server-side state plus the
/// queue and slot it holds).
///
/// ```
///            arrive ─┬─► queued ──(dequeue)──► dequeued ──run──► connecting ──► established
///                    │     │  ▲                                   │  ▲               │
///                    │     │  └──(requeue)── redistributed ◄──┐    │  └─run─ turnaround │
///                    │     └──(server goes down, redispatch)──┘    └──failed──┘         │
///                    └─► connecting (slot granted at once)                          close/abort
/// ```
public enum SessionPhase: Hashable, Sendable, CustomStringConvertible {
  /// Waiting in a queue; `deadline` is when `timeout queue` fires, `nil` if never.
  case queued(QueueID, deadline: Milliseconds?)
  /// Handed a slot by a dequeue and woken; it has not run yet (the gap where
  /// the historical bugs live).
  case dequeued
  /// Taken off a server's queue when the server went down; it will be balanced
  /// again when it runs. It owns nothing.
  case redistributed
  /// A connection attempt is in progress on the slot it owns.
  case connecting
  /// Waiting out the turn-around after a refused connect, still owning its slot.
  case turnaround(until: Milliseconds)
  /// Connected; the server is working on the request.
  case established

  /// `queued on backend until 1000`, `dequeued`, `connecting`, …
  public var description: String {
    switch self {
    case .queued(let queue, let deadline):
      "queued on \(queue)" + (deadline.map { " until \($0)" } ?? "")
    case .dequeued: "dequeued"
    case .redistributed: "redistributed"
    case .connecting: "connecting"
    case .turnaround(let until): "in turn-around until \(until)"
    case .established: "established"
    }
  }

  /// Whether the session owns a slot in this phase (invariant `I5-EXCLUSIVITY`).
  public var ownsSlot: Bool {
    switch self {
    case .dequeued, .connecting, .turnaround, .established: true
    case .queued, .redistributed: false
    }
  }

  /// Whether a server connection is open or being opened (HAProxy `cur_sess`).
  public var hasConnection: Bool {
    switch self {
    case .connecting, .established: true
    case .queued, .dequeued, .redistributed, .turnaround: false
    }
  }
}
