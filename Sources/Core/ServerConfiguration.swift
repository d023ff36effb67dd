/// The configuration of one `server` line.
///
/// Field names spell out HAProxy's keywords: `maxconn` is
/// ``maximumConnections``, `minconn` is ``minimumConnections``, `maxqueue` is
/// ``maximumQueueLength`` and `slowstart` is ``slowStart``.
public struct ServerConfiguration: Hashable, Sendable {
  /// The balancing weight, 0 to 256. A server of weight 0 takes no balanced traffic.
  public var weight: Int
  /// The connection-slot limit (`maxconn`); 0 means unlimited.
  public var maximumConnections: Int
  /// The floor of the dynamic limit (`minconn`); see `R-CONFIG-NORMALIZE`.
  public var minimumConnections: Int
  /// The length limit of the server's own queue (`maxqueue`); 0 means unlimited.
  public var maximumQueueLength: Int
  /// The warm-up duration after the server comes up (`slowstart`); 0 disables it.
  public var slowStart: Milliseconds
  /// The state the server starts in.
  public var initialState: ServerState

  /// Creates a server configuration; every limit defaults to HAProxy's default.
  public init(
    weight: Int = 1, maximumConnections: Int = 0, minimumConnections: Int = 0,
    maximumQueueLength: Int = 0, slowStart: Milliseconds = 0,
    initialState: ServerState = .running
  ) {
    self.weight = weight
    self.maximumConnections = maximumConnections
    self.minimumConnections = minimumConnections
    self.maximumQueueLength = maximumQueueLength
    self.slowStart = slowStart
    self.initialState = initialState
  }
}
