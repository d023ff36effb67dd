public import AllServedCore

/// A trace: a configuration and a sequence of events, with optional expected
/// outcomes and snapshot assertions, so that a trace file is also a test.
///
/// The text form (``TraceFormat``) is line-oriented and versioned:
///
///     allserved-trace 1
///     # title: maxqueue admits one request too many
///     backend balance=roundrobin retries=0 redispatch=off persist=off timeout-queue=0 fullconn=0
///     server s0 weight=1 maxconn=1 minconn=1 maxqueue=1 slowstart=0 state=running
///     arrive 1
///     arrive 2 cookie=s0 => placed: queued on s0
///     arrive 3 cookie=s0 => placed: 503 s0 queue full
///     expect s0 served=1 queue=#2
///
/// Seeds are metadata only: a change of the generator makes a seed draw a
/// different trace, so the events themselves are the durable record.
public struct Trace: Hashable, Sendable {
  /// The format version this library reads and writes.
  public static let version = 1

  /// A one-line title.
  public var title: String?
  /// One line on the bug the trace documents.
  public var bug: String?
  /// The seed that first drew the trace, when there was one.
  public var seed: UInt64?
  /// The check the trace fails, when it records a failure.
  public var check: String?
  /// The backend and its servers.
  public var configuration: Configuration
  /// The events, each with what is expected of it.
  public var steps: [Step]

  /// One event of a trace.
  public struct Step: Hashable, Sendable {
    /// The event.
    public var event: Event
    /// The expected outcome, in its text form (`Outcome.description`).
    public var expectedOutcome: String?
    /// Assertions on the snapshot after the event.
    public var assertions: [Assertion]

    /// Creates a step.
    public init(_ event: Event, expectedOutcome: String? = nil, assertions: [Assertion] = []) {
      self.event = event
      self.expectedOutcome = expectedOutcome
      self.assertions = assertions
    }
  }

  /// An assertion on one field of a snapshot, such as `s0 served=1`.
  public struct Assertion: Hashable, Sendable, CustomStringConvertible {
    /// `backend`, a server (`s0`) or a session (`#3`).
    public var subject: String
    /// The field, one of ``SnapshotFields``.
    public var field: String
    /// The expected value in the text form ``SnapshotFields`` gives it.
    public var value: String

    /// Creates an assertion.
    public init(subject: String, field: String, value: String) {
      self.subject = subject
      self.field = field
      self.value = value
    }

    /// `s0 served=1`.
    public var description: String { "\(subject) \(field)=\(value)" }
  }

  /// Creates a trace.
  public init(
    configuration: Configuration, events: [Event] = [], title: String? = nil, bug: String? = nil,
    seed: UInt64? = nil, check: String? = nil
  ) {
    self.configuration = configuration
    self.steps = events.map { Step($0) }
    self.title = title
    self.bug = bug
    self.seed = seed
    self.check = check
  }

  /// The events alone.
  public var events: [Event] { steps.map(\.event) }
}
