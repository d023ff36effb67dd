import AllServedCore

/// What the balancer decided (HAProxy `assign_server` results).
enum Selection: Hashable {
  case server(ServerID)
  /// No eligible server: the request goes to the backend queue (`SRV_STATUS_FULL`).
  case full
  /// No usable server at all (`SRV_STATUS_NOSRV`).
  case noServer
}

extension ReferenceBalancer {
  /// The virtual-time unit of one round-robin turn of a weight-1 server: lcm(1…16),
  /// so strides are exact for weights up to 16 and rounded down above.
  static let roundRobinScale = 720_720

  /// Picks a server for a request that has none, avoiding `previous` when it can.
  mutating func select(avoiding previous: ServerID?, hashKey: UInt32?) -> Selection {
    let usable = serverIDs.filter(isUsable)
    // R-LB-NO-SERVER: nothing to balance over.
    guard !usable.isEmpty else { return .noServer }
    switch configuration.algorithm {
    case .roundRobin:
      return pickRoundRobin(avoiding: previous)
    case .leastConnections:
      return pickLeastConnections(avoiding: previous)
    case .hash:
      // R-LB-HASH-FALLBACK: a request without a key is balanced round robin.
      guard let hashKey else { return pickRoundRobin(avoiding: previous) }
      // R-LB-HASH: the weighted map decides, whatever the server's load or `previous`.
      let map = hashMap(over: usable)
      return .server(map[Int(hashKey) % map.count])
    }
  }

  /// R-LB-AVOID-PREVIOUS: the first candidate that is not `previous`, else `previous`
  /// itself if it is a candidate.
  func preferring(_ ordered: [ServerID], avoiding previous: ServerID?) -> ServerID? {
    ordered.first { $0 != previous } ?? ordered.first
  }

  /// R-LB-ROUNDROBIN: the eligible server whose next turn comes first in virtual
  /// time, lifted to the current virtual time; ties to the lower index.
  mutating func pickRoundRobin(avoiding previous: ServerID?) -> Selection {
    let time = roundRobinTime
    func turn(_ server: ServerID) -> Int { max(servers[server.index].roundRobinPass, time) }
    let ordered = serverIDs.filter(isEligible).sorted { (turn($0), $0.index) < (turn($1), $1.index) }
    guard let chosen = preferring(ordered, avoiding: previous) else { return .full }
    let start = turn(chosen)
    servers[chosen.index].roundRobinPass = start + Self.roundRobinScale / servers[chosen.index].weight
    roundRobinTime = start
    return .server(chosen)
  }

  /// R-LB-LEASTCONN: the eligible server with the fewest slot owners per unit of
  /// weight (`served × 256 ÷ weight`, rounded down); ties to the one that moved first.
  mutating func pickLeastConnections(avoiding previous: ServerID?) -> Selection {
    func load(_ server: ServerID) -> (Int, Int) {
      let current = servers[server.index]
      return (current.served * Limits.maximumWeight / current.weight, current.leastConnectionsStamp)
    }
    let ordered = serverIDs.filter(isEligible).sorted { load($0) < load($1) }
    return preferring(ordered, avoiding: previous).map(Selection.server) ?? .full
  }

  /// R-LB-HASH: the map of Σweight entries, filled by smooth weighted round robin
  /// over the usable servers in index order (ties to the lower index).
  func hashMap(over usable: [ServerID]) -> [ServerID] {
    let weights = usable.map { servers[$0.index].weight }
    let total = weights.reduce(0, +)
    var credit = Array(repeating: 0, count: usable.count)
    var map: [ServerID] = []
    map.reserveCapacity(total)
    for _ in 0..<total {
      var best = 0
      for index in usable.indices {
        credit[index] += weights[index]
        if credit[index] > credit[best] { best = index }
      }
      credit[best] -= total
      map.append(usable[best])
    }
    return map
  }

  /// Moves the server to the back of its leastconn tie group, as HAProxy's
  /// `fwlc_srv_reposition` does whenever its `served` or weight changes.
  mutating func touch(_ server: ServerID) {
    servers[server.index].leastConnectionsStamp = leastConnectionsClock
    leastConnectionsClock += 1
  }
}
