public import AllServedCore
public import AllServedHarness

/// A historical HAProxy bug the harness must rediscover on its own: which
/// variant has it, how it shows, and where its page and minimal trace live
/// (Specs/Bugs/).
public struct HistoricalBug: Sendable {
  /// The file name of its page and trace, without extension.
  public var id: String
  /// One line on what went wrong.
  public var title: String
  /// The variant that has it.
  public var variant: HistoricalVariant
  /// The HAProxy commit that fixed it.
  public var fixedBy: String
  /// The invariant it violates.
  public var invariant: Invariant
  /// A phrase of the violation's detail that tells it from other bugs
  /// breaking the same invariant.
  public var detail: String?
  /// A phrase that rules the violation out (another bug breaks the same invariant that way).
  public var notDetail: String? = nil
  /// The length of the hand-derived minimal sequence of
  /// haproxy-reservation-semantics.md.
  public var handDerivedLength: Int

  /// Whether `failure` is this bug.
  public func matches(_ failure: LockstepFailure) -> Bool {
    failure.check == "invariant \(invariant.rawValue)" && (detail.map { failure.candidate.contains($0) } ?? true)
      && !(notDetail.map { failure.candidate.contains($0) } ?? false)
  }

  /// The trace file, relative to the package root.
  public var tracePath: String { "Specs/Bugs/\(id).trace" }
}

/// The historical systems of Sources/History.
public enum HistoricalVariant: String, Sendable, CaseIterable {
  /// HAProxy just before 7c669d7e0.
  case prePatch = "pre-patch"
  /// HAProxy exactly at 7c669d7e0 (2008).
  case asPatched2008 = "as-patched-2008"
}

/// The catalogue of Specs/Bugs/.
public enum BugCatalogue {
  /// Every catalogued bug.
  public static let bugs: [HistoricalBug] = [
    HistoricalBug(
      id: "bug1-queue-task-never-scheduled",
      title: "the queue task runs only on a connection close: a woken waiter that never connects strands the rest",
      variant: .prePatch, fixedBy: "7c669d7e0", invariant: .workConservation, detail: "while requests wait",
      notDetail: "warming up", handDerivedLength: 7),
    HistoricalBug(
      id: "bug2-no-reservation", title: "a waiter handed a server by the queue task owns no slot",
      variant: .prePatch, fixedBy: "7c669d7e0", invariant: .exclusivity, detail: "is dequeued and owns no slot",
      handDerivedLength: 6),
    HistoricalBug(
      id: "bug3-redispatch-loses-slot",
      title: "a redispatch gives its server up without handing the slot to the waiters",
      variant: .prePatch, fixedBy: "7c669d7e0", invariant: .redispatchKeepsOrHandsOver, detail: nil,
      handDerivedLength: 6),
    HistoricalBug(
      id: "bug4-maxqueue-ignored", title: "maxqueue is not enforced for requests placed by the balancer",
      variant: .prePatch, fixedBy: "7c669d7e0", invariant: .maximumQueueLength, detail: nil,
      handDerivedLength: 3),
    HistoricalBug(
      id: "2008a-retry-releases-slot", title: "a failed connect releases the slot; the retry connects without one",
      variant: .asPatched2008, fixedBy: "43662ff35", invariant: .connectionsOwnSlots, detail: nil,
      handDerivedLength: 5),
    HistoricalBug(
      id: "2008b-slowstart-zero-limit", title: "a warming server's dynamic limit rounds down to zero",
      variant: .asPatched2008, fixedBy: "28a9e529f", invariant: .workConservation, detail: "warming up, limit 0",
      handDerivedLength: 2),
    HistoricalBug(
      id: "2008c-stopped-server-serves-backend", title: "a stopped server takes requests from the backend queue",
      variant: .asPatched2008, fixedBy: "07dc95abf, 922a80607", invariant: .firstInFirstOut, detail: "is not usable",
      handDerivedLength: 5),
    HistoricalBug(
      id: "2008d-up-server-grabs-without-reserving",
      title: "a server coming up wakes backend waiters without reserving slots for them",
      variant: .asPatched2008, fixedBy: "111ea83ed", invariant: .exclusivity, detail: "is dequeued and owns no slot",
      handDerivedLength: 4),
    HistoricalBug(
      id: "2008e-lost-wake-up", title: "session end dequeues before it releases the slot: the wake-up is lost",
      variant: .asPatched2008, fixedBy: "dc9ce9c26", invariant: .workConservation, detail: "while requests wait",
      notDetail: "warming up", handDerivedLength: 5),
  ]
}
