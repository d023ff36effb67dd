/// The configuration of one backend and its servers: the header of every trace.
///
/// A configuration is checked and normalised once, by ``validated()``, before a
/// system is built from it (rules `R-CONFIG-LIMITS` and `R-CONFIG-NORMALIZE`).
public struct Configuration: Hashable, Sendable {
  /// The balancing algorithm.
  public var algorithm: Algorithm
  /// The number of connection retries (`retries`).
  public var retries: Int
  /// Whether `option redispatch` is set.
  public var redispatch: Bool
  /// Whether `option persist` is set: cookies naming a server that is not up still bind to it.
  public var persist: Bool
  /// How long a request may wait in a queue (`timeout queue`); 0 means forever.
  public var queueTimeout: Milliseconds
  /// The backend load at which servers reach `maxconn` (`fullconn`); 0 means unset.
  public var fullConnections: Int
  /// The servers, in configuration order.
  public var servers: [ServerConfiguration]
  /// The 2008 design, or HAProxy 2.6's policies where they differ.
  public var semantics: Semantics

  /// Creates a configuration. The defaults are HAProxy's, except `retries`, which is 3 there too.
  public init(
    algorithm: Algorithm = .roundRobin, retries: Int = 3, redispatch: Bool = false,
    persist: Bool = false, queueTimeout: Milliseconds = 0, fullConnections: Int = 0,
    servers: [ServerConfiguration], semantics: Semantics = .design2008
  ) {
    self.semantics = semantics
    self.algorithm = algorithm
    self.retries = retries
    self.redispatch = redispatch
    self.persist = persist
    self.queueTimeout = queueTimeout
    self.fullConnections = fullConnections
    self.servers = servers
  }
}
