/// Logical time in milliseconds since the start of a trace.
///
/// Time only moves through ``Event/tick(_:)``, so every deadline in a trace is
/// exact and replays identically.
public typealias Milliseconds = Int

/// The position of a server in the backend's server list, counted from zero.
///
/// Server identity is positional, as in an HAProxy `backend` section: the order
/// of the `server` lines is also the tie-break order of the balancing rules.
public struct ServerID: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The zero-based index of the server.
  public var index: Int

  /// Creates the identifier of the server at `index`.
  public init(_ index: Int) { self.index = index }

  /// Orders servers by configuration position.
  public static func < (lhs: ServerID, rhs: ServerID) -> Bool { lhs.index < rhs.index }

  /// `s0`, `s1`, …: the spelling used in traces and reports.
  public var description: String { "s\(index)" }
}

/// The name a trace gives to one client request (an HAProxy session).
///
/// Identifiers are positive and fresh: each arrival must use an identifier
/// greater than every identifier used before it (rule `R-ARRIVE-FRESH-ID`).
public struct SessionID: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The positive number naming the session.
  public var number: Int

  /// Creates the identifier numbered `number`.
  public init(_ number: Int) { self.number = number }

  /// Orders sessions by number, which is arrival order (`R-ARRIVE-FRESH-ID`).
  public static func < (lhs: SessionID, rhs: SessionID) -> Bool { lhs.number < rhs.number }

  /// `#1`, `#2`, …: the spelling used in traces and reports.
  public var description: String { "#\(number)" }
}

/// One of the FIFO queues a request can wait in.
public enum QueueID: Hashable, Sendable, CustomStringConvertible {
  /// The backend queue: requests that no server could take (HAProxy `px->pendconns`).
  case backend
  /// The server's own queue: requests already bound to that server (`srv->pendconns`).
  case server(ServerID)

  /// `backend`, or the server's name.
  public var description: String {
    switch self {
    case .backend: "backend"
    case .server(let server): server.description
    }
  }
}

/// The state of a server: its health and its administrative state folded into one.
///
/// HAProxy keeps health (`SRV_RUNNING`) and administration (maintenance,
/// `SRV_GOINGDOWN`) apart; the model folds them into four states because only
/// these four combinations change how slots and queues behave.
public enum ServerState: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// Up and taking new requests from the balancer.
  case running
  /// Up (health checks pass) but disabled for balancing: HAProxy `drain` / `SRV_GOINGDOWN`.
  case drain
  /// Failed its health checks.
  case down
  /// Put in maintenance by an administrator.
  case maint

  /// Whether HAProxy's `SRV_RUNNING` flag is set: the server is up, usable or draining.
  public var isUp: Bool { self == .running || self == .drain }

  /// `running`, `drain`, `down` or `maint`, as in a trace.
  /// The HAProxy keyword: `roundrobin`, `leastconn` or `hash`.
  public var description: String { rawValue }
}

/// The balancing algorithm of the backend (`balance` keyword).
public enum Algorithm: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// Weighted round robin (`balance roundrobin`), rule `R-LB-ROUNDROBIN`.
  case roundRobin = "roundrobin"
  /// Least connections (`balance leastconn`), rule `R-LB-LEASTCONN`.
  case leastConnections = "leastconn"
  /// A map-based hash of a request key (`balance source`, `uri`, `url_param`), rule `R-LB-HASH`.
  case hash

  public var description: String { rawValue }
}
