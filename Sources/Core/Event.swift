/// One input to a reservation system: something that happens to a request, a
/// server, or the clock.
///
/// The alphabet is the same for the model, the implementation and every
/// historical variant. Each case names the rule that gives its meaning in
/// Specs/Reservation.md.
public enum Event: Hashable, Sendable {
  /// A request arrives, with the server its persistence cookie names, if any,
  /// and its hash key, if the request carries one (`R-ARRIVE-*`).
  case arrive(SessionID, cookie: ServerID? = nil, hashKey: UInt32? = nil)
  /// A woken session runs: a dequeued one connects on its slot, a redistributed
  /// one is balanced again, one in turn-around retries (`R-WAKE-RUNS-LATER`).
  case run(SessionID)
  /// The server accepted the connection of a connecting session (`R-CONNECT-SUCCESS`).
  case connectSucceeded(SessionID)
  /// The connection attempt of a connecting session failed (`R-RETRY-*`).
  case connectFailed(SessionID, ConnectFailure)
  /// The server closed an established session: the request completed (`R-CLOSE`).
  case close(SessionID)
  /// The client went away, whatever the session was doing (`R-ABORT`).
  case abort(SessionID)
  /// The queue deadline of a queued session passed (`R-QUEUE-TIMEOUT`).
  case queueTimeout(SessionID)
  /// A health check or an administrator changed the server's state (`R-STATE-*`).
  case setState(ServerID, ServerState)
  /// `set weight` (`R-WEIGHT-CHANGE`).
  case setWeight(ServerID, Int)
  /// `set maxconn server` (`R-MAXCONN-CHANGE`).
  case setMaximumConnections(ServerID, Int)
  /// `shutdown sessions server`: every session owning a slot on the server is killed (`R-SHUTDOWN-SESSIONS`).
  case shutdownSessions(ServerID)
  /// The clock advances by the given number of milliseconds (`R-TIME-TICK`).
  case tick(Milliseconds)
  /// A historical variant's deferred queue task runs for the server (HAProxy
  /// before `7c669d7e0`); the specification has no such step and rejects it.
  case queueTask(ServerID)
}

/// How a connection attempt failed.
public enum ConnectFailure: String, Hashable, Sendable, CaseIterable {
  /// The connect was refused at once (HAProxy's asynchronous connect error):
  /// the retry waits for the one-second turn-around (`R-RETRY-TURNAROUND`).
  case refused
  /// The connect timed out: the retry starts at once.
  case timedOut = "timeout"
}

extension Event {
  /// The session the event is about, if it is a session event.
  public var session: SessionID? {
    switch self {
    case .arrive(let id, _, _), .run(let id), .connectSucceeded(let id),
      .connectFailed(let id, _), .close(let id), .abort(let id), .queueTimeout(let id):
      id
    case .setState, .setWeight, .setMaximumConnections, .shutdownSessions, .tick, .queueTask:
      nil
    }
  }

}
