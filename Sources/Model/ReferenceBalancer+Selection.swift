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
      return fastRoundRobin == nil ? pickRoundRobin(avoiding: previous) : pickFastWeightedRoundRobin(avoiding: previous)
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

  /// R-26-ROUNDROBIN-FWRR: HAProxy 2.6's `fwrr_get_next_server`. Servers come
  /// off the sets in order; each one taken advances its position, whether it
  /// is chosen or passed over (full, or `previous`). The first eligible one
  /// not `previous` wins, else `previous`; the passed-over ones go back, newest
  /// first: into their round, or into `initial` when the rounds switched.
  mutating func pickFastWeightedRoundRobin(avoiding previous: ServerID?) -> Selection {
    guard var rounds = fastRoundRobin else { return .full }
    var switched = false
    var avoided: Int?
    var passedOver: [Int] = []
    var chosen: Int?
    // Bounded: each pass takes one server out of the sets; there are two rounds at most.
    search: for _ in 0...(2 * servers.count + 2) {
      if rounds.currentWeight == 0 {
        rounds.currentPosition = rounds.nextWeight
        rounds.currentWeight = rounds.nextWeight
      }
      var candidate = rounds.candidate()
      if candidate == nil && !switched {
        switched = true
        rounds.switchRounds()
        candidate = rounds.candidate()
      }
      guard let server = candidate else {
        chosen = avoided
        break search
      }
      rounds.advance(server, weight: servers[server].weight)
      rounds.place[server] = .none
      rounds.currentPosition += 1
      if isEligible(ServerID(server)) {
        if ServerID(server) != previous || avoided != nil {
          chosen = server
          break search
        }
        avoided = server
      }
      passedOver.append(server)
    }
    if let chosen { rounds.requeue(chosen, weight: servers[chosen].weight, usable: true) }
    for server in passedOver.reversed() where server != chosen {
      if switched {
        rounds.insertByWeight(server, into: rounds.initial, weight: servers[server].weight)
      } else {
        rounds.requeue(server, weight: servers[server].weight, usable: true)
      }
    }
    fastRoundRobin = rounds
    return chosen.map { .server(ServerID($0)) } ?? .full
  }

  /// R-26-ROUNDROBIN-FWRR: a server entering or leaving the balancer, or changing
  /// weight while in it, moves in HAProxy 2.6's round robin.
  mutating func noteBalancing(_ server: ServerID, wasUsable: Bool, oldWeight: Int) {
    guard var rounds = fastRoundRobin else { return }
    let index = server.index
    switch (wasUsable, isUsable(server)) {
    case (true, false): rounds.remove(index, oldWeight: oldWeight)
    case (false, true): rounds.add(index, weight: servers[index].weight)
    case (true, true) where oldWeight != servers[index].weight:
      rounds.reweigh(index, from: oldWeight, to: servers[index].weight)
    default: break
    }
    fastRoundRobin = rounds
  }

  /// R-LB-LEASTCONN: the eligible server with the fewest slot owners per unit of
  /// weight (`served × 256 ÷ weight`, rounded down); ties to the one that moved first.
  /// Under HAProxy 2.6, R-26-LEASTCONN-INFLIGHT orders by the key the server last
  /// moved with, and R-26-LEASTCONN-QUEUE-ROOM widens eligibility.
  mutating func pickLeastConnections(avoiding previous: ServerID?) -> Selection {
    let countsQueue = configuration.semantics.leastConnectionsCountsQueue
    func load(_ server: ServerID) -> (Int, Int) {
      let current = servers[server.index]
      let key = countsQueue ? current.leastConnectionsKey : current.served * Limits.maximumWeight / current.weight
      return (key, current.leastConnectionsStamp)
    }
    let eligible = countsQueue ? hasInflightRoom : isEligible
    let ordered = serverIDs.filter(eligible).sorted { load($0) < load($1) }
    return preferring(ordered, avoiding: previous).map(Selection.server) ?? .full
  }

  /// R-26-LEASTCONN-QUEUE-ROOM: usable, and unlimited or with fewer requests
  /// (slot owners and waiters) than its limit and its `maxqueue` together.
  func hasInflightRoom(_ server: ServerID) -> Bool {
    let current = servers[server.index]
    return isUsable(server)
      && (current.maximumConnections == 0
        || current.served + current.queue.count < limit(server) + current.maximumQueueLength)
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
  /// R-26-LEASTCONN-INFLIGHT: under HAProxy 2.6 the key is
  /// `(served + queued + 1) × 256 ÷ weight` (0 when idle), and the server moves only
  /// when that key changed, unless `always` (a state or weight event re-inserts it).
  mutating func touch(_ server: ServerID, always: Bool = false) {
    if configuration.semantics.leastConnectionsCountsQueue {
      let current = servers[server.index]
      let inflight = current.served + current.queue.count
      let key = inflight == 0 ? 0 : (inflight + 1) * Limits.maximumWeight / max(current.weight, 1)
      guard always || key != current.leastConnectionsKey else { return }
      servers[server.index].leastConnectionsKey = key
    }
    servers[server.index].leastConnectionsStamp = leastConnectionsClock
    leastConnectionsClock += 1
  }
}
