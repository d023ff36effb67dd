/// Event counters of a server or of the backend, named after HAProxy's stats.
public struct Counters: Hashable, Sendable {
  /// Requests moved to another server by a redispatch (`wredis`), on the server they left.
  public var redispatches = 0
  /// Connection retries on the same server (`wretr`).
  public var retries = 0
  /// Failed connections and 503s charged to the server or backend (`econ`).
  public var failedConnections = 0
  /// 503 answers (`hrsp_5xx`); counted on the backend only.
  public var serviceUnavailable = 0
  /// Sessions killed by `shutdown sessions` (502).
  public var killed = 0
  /// Sessions that completed (`R-CLOSE`).
  public var completed = 0
  /// Sessions whose client went away (`R-ABORT`); counted on the backend only.
  public var aborted = 0

  /// Creates counters, all zero unless given.
  public init(
    redispatches: Int = 0, retries: Int = 0, failedConnections: Int = 0,
    serviceUnavailable: Int = 0, killed: Int = 0, completed: Int = 0, aborted: Int = 0
  ) {
    self.redispatches = redispatches
    self.retries = retries
    self.failedConnections = failedConnections
    self.serviceUnavailable = serviceUnavailable
    self.killed = killed
    self.completed = completed
    self.aborted = aborted
  }
}
