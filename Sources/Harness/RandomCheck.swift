public import AllServedCore

/// Runs seeded random traces through a ``Lockstep`` of two systems: after
/// every event, equal outcomes and snapshots (or, for a historical variant,
/// the invariants alone), and exactly the impossible events rejected.
///
/// Trace *i* of a run seeded *S* uses seed *S + i*, so any trace replays alone
/// with `--seed S+i --traces 1`.
public struct RandomCheck: Sendable {
  /// The seed of the first trace.
  public var seed: UInt64
  /// How many traces to run.
  public var traces: Int
  /// How many events each trace has.
  public var length: Int
  /// Whether to hash every event, outcome and snapshot into ``Report/digest``
  /// (about a tenth of the run's time).
  public var computesDigest: Bool
  /// Every trace follows these semantics; nil keeps the drawn configuration's (2008).
  public var semantics: Semantics?
  /// The share of the traces this run takes: trace *i* keeps seed *S + i*
  /// whichever shard runs it.
  public var shard = Shard.whole

  /// Creates a check.
  public init(seed: UInt64, traces: Int, length: Int, computesDigest: Bool = false) {
    self.seed = seed
    self.traces = traces
    self.length = length
    self.computesDigest = computesDigest
  }

  /// The first failing trace, as far as it got.
  public struct Failure: Sendable {
    /// The seed that replays the trace.
    public var seed: UInt64
    /// The trace up to and including the failing event.
    public var trace: Trace
    /// What failed.
    public var failure: LockstepFailure
  }

  /// What a run did.
  public struct Report: Sendable {
    /// Traces completed.
    public var traces = 0
    /// The seed of the trace completed last.
    public var lastSeed: UInt64?
    /// Events applied.
    public var events = 0
    /// Events rejected (the impossible ones).
    public var rejected = 0
    /// Events by kind.
    public var kinds: [EventKind: Int] = [:]
    /// Accepted events by the situations they reached.
    public var situations: [Situation: Int] = [:]
    /// Completed traces by the situations they reached at least once.
    public var situationTraces: [Situation: Int] = [:]
    /// The first failure, if any; the run stops there.
    public var failure: Failure?
    /// A stable hash of every event, outcome and snapshot of the run: equal
    /// digests mean the run replayed identically.
    public var digest = StableHasher()

    /// The situations reached by fewer traces than their declared minimum
    /// share (``Situation/minimumTraceShare``); empty for runs of fewer than
    /// ``Situation/coverageJudgedFrom`` traces, which are too small to judge.
    public var coverageShortfalls: [(situation: Situation, traces: Int, required: Int)] {
      guard traces >= Situation.coverageJudgedFrom else { return [] }
      return Situation.allCases.compactMap { situation in
        let required = Int((Double(traces) * situation.minimumTraceShare).rounded(.up))
        let reached = situationTraces[situation, default: 0]
        return reached < required ? (situation, reached, required) : nil
      }
    }
  }

  /// Runs the traces on `Reference` and `Candidate` in lockstep.
  ///
  /// - Parameters:
  ///   - mode: What to compare (``LockstepMode``).
  ///   - progress: Called after each trace with the report so far.
  ///   - isTarget: Which failures end the run. A failure it rejects ends only
  ///     its trace, which then counts as completed: a search for one historical
  ///     bug steps over the others.
  public func run<Reference: ReservationSystem, Candidate: ReservationSystem>(
    _ reference: Reference.Type, _ candidate: Candidate.Type, mode: LockstepMode = .differential,
    isTarget: (LockstepFailure) -> Bool = { _ in true },
    progress: (Report) -> Void = { _ in }
  ) -> Report {
    var report = Report()
    for index in shard.positions(of: traces) {
      let traceSeed = seed &+ UInt64(index)
      var generator = EventGenerator(seed: traceSeed)
      var configuration = generator.configuration()
      if let semantics { configuration.semantics = semantics }
      var trace = Trace(configuration: configuration, seed: traceSeed)
      func fail(_ failure: LockstepFailure) {
        trace.check = failure.check
        report.failure = Failure(seed: traceSeed, trace: trace, failure: failure)
      }
      var lockstep: Lockstep<Reference, Candidate>
      switch Lockstep<Reference, Candidate>.start(configuration, mode: mode) {
      case .failure(let failure):
        fail(failure)
        return report
      case .success(let started):
        lockstep = started
      }
      var reached = Set<Situation>()
      events: for _ in 0..<length {
        // A historical variant draws from its own state: what it enables is what it is tested on.
        let before = lockstep.observedSnapshot
        let draw = generator.draw(for: before, configuration: configuration)
        trace.steps.append(Trace.Step(draw.event))
        let failure = lockstep.step(draw.event)
        let outcome = lockstep.observedOutcome ?? .rejected(.unknownSession(SessionID(0)))
        let after = lockstep.observedSnapshot
        report.events += 1
        report.kinds[EventKind(draw.event), default: 0] += 1
        if computesDigest {
          report.digest.combine(draw.event.description)
          report.digest.combine(outcome)
          report.digest.combine(after)
        }
        if let failure {
          guard isTarget(failure) else { break events }
          fail(failure)
          return report
        }
        if outcome.isRejected {
          report.rejected += 1
        } else {
          for situation in Situation.classify(before: before, event: draw.event, outcome: outcome, after: after) {
            report.situations[situation, default: 0] += 1
            reached.insert(situation)
          }
        }
        // The generator knows which events it drew to be impossible (in the specification's terms).
        if mode == .differential && outcome.isRejected != draw.isImpossible {
          fail(
            LockstepFailure(
              step: lockstep.steps, check: "generator",
              reference: draw.isImpossible ? "drawn impossible" : "drawn enabled", candidate: "\(outcome)"))
          return report
        }
      }
      for situation in reached { report.situationTraces[situation, default: 0] += 1 }
      report.traces += 1
      report.lastSeed = traceSeed
      progress(report)
    }
    return report
  }
}
