public import AllServedCore

/// The kinds of events a generator can draw, for swarm selection and coverage counts.
public enum EventKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// One kind per ``Event`` case, named by its trace keyword.
  case arrive, run, connected, connectFailed = "connect-failed", close, abort
  /// Administrative and timer kinds.
  case queueTimeout = "queue-timeout", setState = "state", setWeight = "weight"
  /// More administrative kinds, and the clock.
  case setMaximumConnections = "maxconn", shutdownSessions = "shutdown-sessions", tick
  /// A historical variant's deferred queue task.
  case queueTask = "queue-task"

  /// The kind of an event.
  public init(_ event: Event) {
    switch event {
    case .arrive: self = .arrive
    case .run: self = .run
    case .connectSucceeded: self = .connected
    case .connectFailed: self = .connectFailed
    case .close: self = .close
    case .abort: self = .abort
    case .queueTimeout: self = .queueTimeout
    case .setState: self = .setState
    case .setWeight: self = .setWeight
    case .setMaximumConnections: self = .setMaximumConnections
    case .shutdownSessions: self = .shutdownSessions
    case .tick: self = .tick
    case .queueTask: self = .queueTask
    }
  }

  /// The position in `allCases`.
  var ordinal: UInt32 {
    switch self {
    case .arrive: 0
    case .run: 1
    case .connected: 2
    case .connectFailed: 3
    case .close: 4
    case .abort: 5
    case .queueTimeout: 6
    case .setState: 7
    case .setWeight: 8
    case .setMaximumConnections: 9
    case .shutdownSessions: 10
    case .tick: 11
    case .queueTask: 12
    }
  }

  /// The trace keyword.
  public var description: String { rawValue }
}
