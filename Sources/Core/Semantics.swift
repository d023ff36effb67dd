/// Which policy the balancer follows where HAProxy 2.6 differs by design from
/// the 2008 semantics of Specs/Reservation.md (Specs/Conformance.md).
///
/// The model and the implementation both follow either. Traces name it on the
/// backend line (`semantics=haproxy-2.6`); without it a trace means 2008.
public enum Semantics: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// The design of `7c669d7e0` and its follow-ups, as Specs/Reservation.md states it.
  case design2008 = "2008"
  /// HAProxy 2.6's policies: R-26-ROUNDROBIN-FWRR, R-26-LEASTCONN-INFLIGHT,
  /// R-26-LEASTCONN-QUEUE-ROOM, R-26-REDISTRIBUTE-PREVIOUS, R-26-QUEUE-KEY.
  case haproxy26 = "haproxy-2.6"

  /// `2008` or `haproxy-2.6`, as in traces.
  public var description: String { rawValue }

  /// leastconn counts queued requests in a server's load, keeps its place while
  /// that load is unchanged, and balances onto a full server with queue room
  /// (R-26-LEASTCONN-INFLIGHT, R-26-LEASTCONN-QUEUE-ROOM).
  public var leastConnectionsCountsQueue: Bool { self == .haproxy26 }

  /// `balance roundrobin` is HAProxy's fast weighted round robin: a server
  /// passed over loses its turn, and one that comes back rejoins at a position
  /// of its own (R-26-ROUNDROBIN-FWRR).
  public var roundRobinIsFastWeighted: Bool { self == .haproxy26 }

  /// Queue heads are compared by when each request last joined a queue, not
  /// by when it arrived (R-26-QUEUE-KEY).
  public var queueKeyIsJoinTime: Bool { self == .haproxy26 }

  /// A request redistributed away from a server keeps it as its previous server,
  /// so balancing it again counts a redispatch (R-26-REDISTRIBUTE-PREVIOUS).
  public var redistributionKeepsPrevious: Bool { self == .haproxy26 }
}
