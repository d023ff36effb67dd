import AllServedCore

extension ProductionBalancer {
  /// One server: its settings, its slot count and its place in the balancer's structures.
  struct Server: Sendable {
    var state: ServerState
    var weight: Int
    var maximumConnections: Int
    var minimumConnections: Int
    let maximumQueueLength: Int
    let slowStart: Milliseconds
    /// When the server last came up, which starts its warm-up (`R-SLOWSTART-WARMUP`).
    var cameUpAt: Milliseconds?
    /// Sessions owning a slot here (HAProxy `served`). Only `reserve` and `release` write it.
    var served = 0
    /// Connections open or being opened (HAProxy `cur_sess`).
    var connections = 0
    var counters = Counters()
    /// The virtual time of the server's next round-robin turn.
    var roundRobinPass = 0
    /// When the server last moved in the leastconn order.
    var leastConnectionsStamp: Int
    /// Its leastconn key when it last moved (HAProxy 2.6 only: R-26-LEASTCONN-INFLIGHT).
    var leastConnectionsKey = 0
    /// The smallest `beconn` at which the server is eligible: 0 for any, -1 for none.
    var threshold = -1
    /// The server is on the warming list.
    var isListedWarming = false

    init(configuration: ServerConfiguration, stamp: Int) {
      state = configuration.initialState
      weight = configuration.weight
      maximumConnections = configuration.maximumConnections
      minimumConnections = configuration.minimumConnections
      maximumQueueLength = configuration.maximumQueueLength
      slowStart = configuration.slowStart
      leastConnectionsStamp = stamp
    }
  }
}
