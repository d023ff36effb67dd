/// The invariants of Specs/Reservation.md, by stable identifier.
///
/// I1–I8 are properties of one snapshot; I2 and I9–I12 relate the snapshots
/// before and after one event (see ``Invariants``).
public enum Invariant: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// `served` equals the number of sessions owning a slot on the server.
  case slotAccounting = "I1-SLOT-ACCOUNTING"
  /// A slot is only ever reserved under the limit.
  case boundedReservation = "I2-BOUNDED-RESERVATION"
  /// Every server connection belongs to a slot owner.
  case connectionsOwnSlots = "I3-CONNECTIONS-OWN-SLOTS"
  /// Queue length counters and the session count match the contents.
  case queueCounters = "I4-QUEUE-COUNTERS"
  /// A session is in at most one queue, owns at most one slot, never both.
  case exclusivity = "I5-EXCLUSIVITY"
  /// A server queue never exceeds `maxqueue`.
  case maximumQueueLength = "I6-MAXQUEUE"
  /// Persistence and redispatch flags are coherent.
  case flagCoherence = "I7-FLAG-COHERENCE"
  /// No waiter is stranded beside a server that has room for it.
  case workConservation = "I8-WORK-CONSERVATION"
  /// Queues are served in order, oldest head first, backend only by usable servers.
  case firstInFirstOut = "I9-FIFO"
  /// A redispatched slot owner keeps its slot or hands it over at once.
  case redispatchKeepsOrHandsOver = "I10-REDISPATCH-SLOT"
  /// A request is redispatched at most once because of a full server queue.
  case singleFullRedispatch = "I11-SINGLE-FULL-REDISPATCH"
  /// A rejected event changes nothing.
  case rejectionChangesNothing = "I12-REJECTION-UNCHANGED"

  /// The stable identifier, for example `I8-WORK-CONSERVATION`.
  public var description: String { rawValue }
}

/// One broken invariant, with a sentence saying where.
public struct Violation: Hashable, Sendable, CustomStringConvertible {
  /// The invariant that does not hold.
  public var invariant: Invariant
  /// What exactly is wrong, naming servers and sessions.
  public var detail: String

  /// Creates a violation.
  public init(_ invariant: Invariant, _ detail: String) {
    self.invariant = invariant
    self.detail = detail
  }

  /// `ID: detail`.
  public var description: String { "\(invariant): \(detail)" }
}
