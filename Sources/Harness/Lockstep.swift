public import AllServedCore

/// The first disagreement a lockstep run found.
public struct LockstepFailure: Error, Hashable, Sendable, CustomStringConvertible {
  /// The event that failed, counted from 1; 0 for the configuration.
  public var step: Int
  /// The check that failed: `outcome`, `rejection`, `snapshot <field>`,
  /// `invariant <ID>`, `expected outcome`, `assertion <field>` or `configuration`.
  /// Shrinking keeps it unchanged.
  public var check: String
  /// What the reference (the model) said.
  public var reference: String
  /// What the candidate said.
  public var candidate: String

  /// Creates a failure record.
  public init(step: Int, check: String, reference: String, candidate: String) {
    self.step = step
    self.check = check
    self.reference = reference
    self.candidate = candidate
  }

  /// `step 3: outcome — reference: …; candidate: …`.
  public var description: String {
    "step \(step): \(check)\n  reference: \(reference)\n  candidate: \(candidate)"
  }
}

/// What a lockstep run compares.
public enum LockstepMode: Sendable {
  /// Equal outcomes and snapshots after every event, and every invariant
  /// (judged once: equal snapshots satisfy the same invariants).
  case differential
  /// Only the invariants, on the candidate's observations: for historical
  /// variants, which differ from the model by design.
  case invariantsOnly
}

/// Two reservation systems driven by the same events, compared after each one.
///
/// Any two conformers work: the model against the implementation, the model
/// against a deliberately broken implementation, the model against a
/// historical variant (``LockstepMode/invariantsOnly``).
public struct Lockstep<Reference: ReservationSystem, Candidate: ReservationSystem> {
  /// The reference system.
  public private(set) var reference: Reference
  /// The candidate system.
  public private(set) var candidate: Candidate
  /// What is compared.
  public let mode: LockstepMode
  /// The reference's snapshot after the last event.
  public private(set) var snapshot: Snapshot
  /// The candidate's snapshot after the last event.
  ///
  /// In ``LockstepMode/differential`` it is built on demand: after a passing
  /// step it equals ``snapshot``, and a failing one builds it once, to report.
  public var candidateSnapshot: Snapshot { judgedCandidateSnapshot ?? candidate.snapshot }
  /// The candidate's snapshot, kept only in ``LockstepMode/invariantsOnly``,
  /// where it is the one judged and the next step's "before".
  private var judgedCandidateSnapshot: Snapshot?
  /// The reference's outcome of the last event.
  public private(set) var lastOutcome: Outcome?
  /// The candidate's outcome of the last event.
  public private(set) var lastCandidateOutcome: Outcome?
  /// The snapshot the checks judge: the reference's in differential mode,
  /// the candidate's when only the invariants are checked.
  public var observedSnapshot: Snapshot {
    // The common case first, without going through the optional.
    guard mode == .invariantsOnly, let judged = judgedCandidateSnapshot else { return snapshot }
    return judged
  }
  /// The outcome of the last event on the judged system.
  public var observedOutcome: Outcome? { mode == .differential ? lastOutcome : lastCandidateOutcome }
  /// Events applied so far.
  public private(set) var steps = 0
  /// Whether ``step(_:)`` checks the state invariants of the state it reaches.
  /// The explorer turns this off and checks each distinct state once, with
  /// ``stateInvariantFailure()``: a state invariant depends on the state alone.
  public var checksStateInvariants = true

  /// Builds both systems; a failure if only one accepts the configuration, or
  /// if their initial states differ.
  public static func start(
    _ configuration: Configuration, mode: LockstepMode = .differential
  ) -> Result<Self, LockstepFailure> {
    let reference: Reference
    let candidate: Candidate
    do {
      reference = try Reference(configuration: configuration)
    } catch {
      return .failure(LockstepFailure(step: 0, check: "configuration", reference: "\(error)", candidate: "-"))
    }
    do {
      candidate = try Candidate(configuration: configuration)
    } catch {
      return .failure(LockstepFailure(step: 0, check: "configuration", reference: "accepted", candidate: "\(error)"))
    }
    let lockstep = Self(reference: reference, candidate: candidate, mode: mode)
    if let failure = lockstep.compareSnapshots() { return .failure(failure) }
    return .success(lockstep)
  }

  private init(reference: Reference, candidate: Candidate, mode: LockstepMode) {
    self.reference = reference
    self.candidate = candidate
    self.mode = mode
    snapshot = reference.snapshot
    if mode == .invariantsOnly { judgedCandidateSnapshot = candidate.snapshot }
  }

  /// Applies `event` to both systems and runs every check; `nil` when all pass.
  ///
  /// In ``LockstepMode/invariantsOnly`` the reference is not driven: nothing
  /// compares against it, and a historical variant is judged by the
  /// invariants alone, so ``snapshot`` and ``lastOutcome`` stay as they were.
  public mutating func step(_ event: Event) -> LockstepFailure? {
    let before = observedSnapshot
    let (expected, actual) = advance(event)
    if let expected {
      if expected != actual {
        let check = expected.isRejected != actual.isRejected ? "rejection" : "outcome"
        return LockstepFailure(step: steps, check: check, reference: "\(expected)", candidate: "\(actual)")
      }
      if let failure = compareSnapshots() { return failure }
    }
    return invariantFailure(from: before, event, actual, observedSnapshot)
  }

  /// Applies an event that already passed every check from this very state,
  /// without checking again: the explorer rebuilds stored states this way.
  /// Both systems are deterministic, so the state is the one checked before.
  public mutating func reapply(_ event: Event) {
    _ = advance(event)
  }

  /// Applies `event` to the driven systems and records their outcomes and
  /// the judged snapshot; the reference's outcome is `nil` when it is not driven.
  private mutating func advance(_ event: Event) -> (reference: Outcome?, candidate: Outcome) {
    steps += 1
    let expected = mode == .differential ? reference.apply(event) : nil
    let actual = candidate.apply(event)
    lastCandidateOutcome = actual
    if let expected {
      lastOutcome = expected
      snapshot = reference.snapshot
    } else {
      judgedCandidateSnapshot = candidate.snapshot
    }
    return (expected, actual)
  }

  /// Checks the last step against a trace step's expectations.
  public func checkExpectations(of step: Trace.Step) -> LockstepFailure? {
    if let expected = step.expectedOutcome, let actual = lastCandidateOutcome, actual.description != expected {
      return LockstepFailure(step: steps, check: "expected outcome", reference: expected, candidate: actual.description)
    }
    for assertion in step.assertions {
      let actual = SnapshotFields.value(of: assertion.subject, assertion.field, in: candidateSnapshot) ?? "(none)"
      if actual != assertion.value {
        return LockstepFailure(
          step: steps, check: "assertion \(assertion.subject) \(assertion.field)", reference: assertion.value,
          candidate: actual)
      }
    }
    return nil
  }

  private func compareSnapshots() -> LockstepFailure? {
    guard mode == .differential, !candidate.hasSnapshot(equalTo: snapshot) else { return nil }
    let candidateSnapshot = candidate.snapshot
    let difference = SnapshotDifference(snapshot, candidateSnapshot)
    guard let first = difference.fields.first else {
      return LockstepFailure(step: steps, check: "snapshot", reference: "\(snapshot)", candidate: "\(candidateSnapshot)")
    }
    return LockstepFailure(
      step: steps, check: "snapshot \(first.generalField)", reference: "\(first.subject) \(first.field)=\(first.reference)",
      candidate: "\(first.subject) \(first.field)=\(first.candidate)")
  }

  /// The first state invariant the judged snapshot breaks, as a failure.
  public func stateInvariantFailure() -> LockstepFailure? {
    // A bound method would capture, and so copy, the whole lockstep.
    guard let violation = Invariants.check(observedSnapshot).first else { return nil }
    return failure(for: violation)
  }

  private func invariantFailure(
    from before: Snapshot, _ event: Event, _ outcome: Outcome, _ after: Snapshot
  ) -> LockstepFailure? {
    // A failing step reports as before, the lowest-numbered violation first.
    if !checksStateInvariants && Invariants.checkStep(from: before, event: event, outcome: outcome, to: after).isEmpty {
      return nil
    }
    guard let violation = Invariants.checkAll(from: before, event: event, outcome: outcome, to: after).first else {
      return nil
    }
    return failure(for: violation)
  }

  private func failure(for violation: Violation) -> LockstepFailure {
    let who = mode == .differential ? "both systems" : "the candidate"
    return LockstepFailure(
      step: steps, check: "invariant \(violation.invariant.rawValue)", reference: "holds in the specification",
      candidate: "\(who): \(violation)")
  }

  /// Replays a whole trace: every event, every check, every expectation.
  ///
  /// - Returns: The first failure, or `nil`.
  public static func replay(_ trace: Trace, mode: LockstepMode = .differential) -> LockstepFailure? {
    switch start(trace.configuration, mode: mode) {
    case .failure(let failure):
      return failure
    case .success(var lockstep):
      for step in trace.steps {
        if let failure = lockstep.step(step.event) ?? lockstep.checkExpectations(of: step) { return failure }
      }
      return nil
    }
  }
}

extension LockstepMode: Equatable {}

extension Lockstep: Sendable {}
