public import AllServedCore

/// Everything one replay of a trace saw, step by step: the snapshots and the
/// outcomes of the judged system, and the first failure with the fields in
/// which the two systems differ there.
///
/// Pictures (`TimelinePicture`) and interchange formats (``InformalTrace``)
/// are made from a recording, so they show exactly what the lockstep checked.
public struct TraceRecording: Sendable {
  /// One replayed event.
  public struct Step: Sendable {
    /// The event.
    public var event: Event
    /// The outcome on the judged system: the reference in differential mode,
    /// the candidate when only the invariants are checked.
    public var outcome: Outcome
    /// The candidate's outcome, when it is not the judged one.
    public var candidateOutcome: Outcome?
    /// The judged snapshot after the event.
    public var snapshot: Snapshot
  }

  /// The trace replayed (its title, its configuration, its events).
  public var trace: Trace
  /// What the lockstep compared.
  public var mode: LockstepMode
  /// The judged snapshot before the first event.
  public var initial: Snapshot
  /// The events replayed, up to and including the failing one.
  public var steps: [Step]
  /// The first failure, if any; the replay stopped there.
  public var failure: LockstepFailure?
  /// At a failing step in differential mode, the fields in which the
  /// candidate's snapshot differs from the reference's.
  public var differences: [SnapshotDifference.Field]
  /// The names of the two systems, for legends and reports.
  public var names: (reference: String, candidate: String)

  /// The judged snapshot after `column` events (0: the initial state).
  public func snapshot(after column: Int) -> Snapshot {
    column == 0 ? initial : steps[column - 1].snapshot
  }
}

extension Lockstep {
  /// Replays `trace` as ``replay(_:mode:)`` does, recording every step.
  ///
  /// - Parameter names: The systems' names in pictures and reports.
  /// - Complexity: O(*e* · cost of a step) for *e* events; keeps *e* snapshots.
  public static func record(
    _ trace: Trace, mode: LockstepMode = .differential,
    names: (reference: String, candidate: String) = ("model", "implementation")
  ) -> TraceRecording {
    switch start(trace.configuration, mode: mode) {
    case .failure(let failure):
      let empty = Snapshot(
        now: 0,
        backend: BackendSnapshot(sessionCount: 0, queue: [], queueLength: 0, totalPending: 0, counters: Counters()),
        servers: [], sessions: [])
      return TraceRecording(
        trace: trace, mode: mode, initial: empty, steps: [], failure: failure, differences: [], names: names)
    case .success(var lockstep):
      var recording = TraceRecording(
        trace: trace, mode: mode, initial: lockstep.observedSnapshot, steps: [], failure: nil, differences: [],
        names: names)
      for step in trace.steps {
        let failure = lockstep.step(step.event) ?? lockstep.checkExpectations(of: step)
        let judged = lockstep.observedOutcome ?? .rejected(.unknownSession(SessionID(0)))
        let other = mode == .differential ? lockstep.lastCandidateOutcome : nil
        recording.steps.append(
          TraceRecording.Step(
            event: step.event, outcome: judged, candidateOutcome: other == judged ? nil : other,
            snapshot: lockstep.observedSnapshot))
        if let failure {
          recording.failure = failure
          if mode == .differential {
            recording.differences = SnapshotDifference(lockstep.snapshot, lockstep.candidateSnapshot).fields
          }
          break
        }
      }
      return recording
    }
  }
}
