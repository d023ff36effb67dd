public import AllServedCore

/// Runs seeded random traces against one reservation system and checks, after
/// every event, every invariant and that exactly the impossible events are rejected.
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

  /// Creates a check.
  public init(seed: UInt64, traces: Int, length: Int) {
    self.seed = seed
    self.traces = traces
    self.length = length
  }

  /// The first failing trace, as far as it got.
  public struct Failure: Sendable {
    /// The seed that replays the trace.
    public var seed: UInt64
    /// Its configuration.
    public var configuration: Configuration
    /// The events, the last one failing.
    public var events: [Event]
    /// What went wrong at the last event.
    public var message: String
  }

  /// What a run did.
  public struct Report: Sendable {
    /// Traces completed.
    public var traces = 0
    /// Events applied.
    public var events = 0
    /// Events rejected (the impossible ones).
    public var rejected = 0
    /// Events by kind.
    public var kinds: [EventKind: Int] = [:]
    /// Accepted events by the situations they reached.
    public var situations: [Situation: Int] = [:]
    /// The first failure, if any; the run stops there.
    public var failure: Failure?
    /// A stable hash of every event, outcome and snapshot of the run: equal
    /// digests mean the run replayed identically.
    public var digest = StableHasher()
  }

  /// Runs the traces.
  ///
  /// - Parameters:
  ///   - make: Builds a fresh system for a configuration.
  ///   - progress: Called after each trace with the report so far.
  public func run(
    make: (Configuration) throws -> any ReservationSystem,
    progress: (Report) -> Void = { _ in }
  ) -> Report {
    var report = Report()
    for index in 0..<traces {
      let traceSeed = seed &+ UInt64(index)
      var generator = EventGenerator(seed: traceSeed)
      let configuration = generator.configuration()
      var events: [Event] = []
      func fail(_ message: String) {
        report.failure = Failure(
          seed: traceSeed, configuration: configuration, events: events, message: message)
      }
      guard var system = try? make(configuration) else {
        fail("the configuration was refused")
        return report
      }
      for _ in 0..<length {
        let before = system.snapshot
        let draw = generator.draw(for: before, configuration: configuration)
        let outcome = system.apply(draw.event)
        let after = system.snapshot
        events.append(draw.event)
        report.digest.combine(draw.event.description)
        report.digest.combine(outcome)
        report.digest.combine(after)
        report.events += 1
        report.kinds[EventKind(draw.event), default: 0] += 1
        if outcome.isRejected {
          report.rejected += 1
        } else {
          for situation in Set(Situation.classify(before: before, event: draw.event, outcome: outcome, after: after)) {
            report.situations[situation, default: 0] += 1
          }
        }
        if outcome.isRejected != draw.isImpossible {
          fail("drawn \(draw.isImpossible ? "impossible" : "enabled") but the outcome was \(outcome.effect)")
          return report
        }
        let violations = Invariants.checkAll(from: before, event: draw.event, outcome: outcome, to: after)
        if !violations.isEmpty {
          fail(violations.map(\.description).joined(separator: "\n"))
          return report
        }
      }
      report.traces += 1
      progress(report)
    }
    return report
  }
}
