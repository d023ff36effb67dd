import AllServedCore

/// What the balancer decided (HAProxy `assign_server` results).
enum Selection: Hashable {
  case server(Int)
  /// No eligible server: the request goes to the backend queue (`SRV_STATUS_FULL`).
  case full
  /// No usable server at all (`SRV_STATUS_NOSRV`).
  case noServer
}

extension ProductionBalancer {
  /// The virtual-time unit of one round-robin turn of a weight-1 server: lcm(1…16).
  static let roundRobinScale = 720_720

  /// Picks a server for a request that has none, avoiding `previous` when it can.
  ///
  /// - Complexity: O(log *n*) for roundrobin and leastconn; O(1) for hash
  ///   once the map is built.
  mutating func select(avoiding previous: Int, hashKey: UInt32?) -> Selection {
    // R-LB-NO-SERVER: nothing to balance over.
    guard usableCount > 0 else { return .noServer }
    switch configuration.algorithm {
    case .roundRobin:
      return fastRoundRobin == nil ? pickRoundRobin(avoiding: previous) : pickFastWeightedRoundRobin(avoiding: previous)
    case .leastConnections:
      return pickLeastConnections(avoiding: previous)
    case .hash:
      // R-LB-HASH-FALLBACK: a request without a key is balanced round robin.
      guard let hashKey else { return pickRoundRobin(avoiding: previous) }
      // R-LB-HASH: the weighted map decides, whatever the server's load or `previous`.
      if hashMapIsStale { rebuildHashMap() }
      return .server(Int(hashMap[Int(hashKey) % hashMap.count]))
    }
  }

  /// R-LB-AVOID-PREVIOUS: the best candidate unless it is `previous`; then the
  /// second best, or `previous` itself when it is the only one.
  mutating func preferring(avoiding previous: Int, _ best: (Self) -> Int32?) -> Int? {
    guard let first = best(self) else { return nil }
    guard Int(first) == previous, !isMutated(.previousNotAvoided) else { return Int(first) }
    eligible.deactivate(previous)
    let second = best(self)
    refreshLeaf(previous)
    return Int(second ?? first)
  }

  /// R-LB-ROUNDROBIN: the eligible server whose next turn comes first in virtual
  /// time, lifted to the current virtual time; ties to the lower index.
  ///
  /// Every server whose turn has passed is lifted to now and so ties at the
  /// front: the winner is then the leftmost of them, else the tree's best.
  mutating func pickRoundRobin(avoiding previous: Int) -> Selection {
    let time = roundRobinTime
    let chosen = preferring(avoiding: previous) { balancer in
      guard let best = balancer.eligible.best else { return nil }
      guard balancer.eligible.primary[Int(best)] <= time else { return best }
      return balancer.eligible.leftmost(primaryAtMost: time)
    }
    guard let chosen else { return .full }
    let start = max(servers[chosen].roundRobinPass, time)
    servers[chosen].roundRobinPass = start + Self.roundRobinScale / servers[chosen].weight
    roundRobinTime = start
    refreshLeaf(chosen)
    return .server(chosen)
  }

  /// R-26-ROUNDROBIN-FWRR: HAProxy 2.6's `fwrr_get_next_server`. Servers come
  /// off the trees in order, each one advanced whether chosen or passed over
  /// (full, or `previous`); the passed-over ones go back newest first.
  ///
  /// - Complexity: O((*k* + 1) log *n*) for *k* servers passed over.
  mutating func pickFastWeightedRoundRobin(avoiding previous: Int) -> Selection {
    guard var rounds = fastRoundRobin else { return .full }
    fastRoundRobin = nil  // unshared while it changes
    var switched = false
    var avoided = -1
    var chosen = -1
    var passedOver: [Int32] = []
    // Bounded: each pass takes one server out of the trees; there are two rounds at most.
    for _ in 0...(2 * servers.count + 2) {
      rounds.startRoundIfIdle()
      var candidate = rounds.candidate()
      if candidate == nil && !switched {
        switched = true
        rounds.switchRounds()
        candidate = rounds.candidate()
      }
      guard let server = candidate else {
        chosen = avoided
        break
      }
      rounds.take(server, weight: servers[server].weight)
      if eligible.isActive(server) {
        if server != previous || avoided >= 0 {
          chosen = server
          break
        }
        avoided = server
      }
      passedOver.append(Int32(server))
    }
    if chosen >= 0 { rounds.requeue(chosen, weight: servers[chosen].weight) }
    for server in passedOver.reversed() where Int(server) != chosen {
      if switched {
        rounds.insertByWeight(Int(server), into: rounds.initial, weight: servers[Int(server)].weight)
      } else {
        rounds.requeue(Int(server), weight: servers[Int(server)].weight)
      }
    }
    fastRoundRobin = rounds
    return chosen >= 0 ? .server(chosen) : .full
  }

  /// R-LB-LEASTCONN: the eligible server with the fewest slot owners per unit of
  /// weight; ties to the one that moved first. The tree's best.
  mutating func pickLeastConnections(avoiding previous: Int) -> Selection {
    preferring(avoiding: previous) { $0.eligible.best }.map(Selection.server) ?? .full
  }

  /// R-LB-HASH: the map of Σweight entries, filled by smooth weighted round robin
  /// over the usable servers in index order (ties to the lower index). Like
  /// HAProxy's `recalc_server_map`, a rebuild costs O(Σweight × usable servers);
  /// it happens only after a state or weight change.
  mutating func rebuildHashMap() {
    let usable = servers.indices.filter(isUsable)
    let total = isMutated(.hashIgnoresWeights) ? usable.count : usable.reduce(0) { $0 + servers[$1].weight }
    var credit = Array(repeating: 0, count: usable.count)
    hashMap.removeAll(keepingCapacity: true)
    hashMap.reserveCapacity(total)
    for _ in 0..<total {
      var best = 0
      for position in usable.indices {
        credit[position] += isMutated(.hashIgnoresWeights) ? 1 : servers[usable[position]].weight
        if credit[position] > credit[best] { best = position }
      }
      credit[best] -= total
      hashMap.append(Int32(usable[best]))
    }
    hashMapIsStale = false
  }

  /// Moves the server to the back of its leastconn tie group, as HAProxy's
  /// `fwlc_srv_reposition` does whenever its `served` or weight changes.
  /// R-26-LEASTCONN-INFLIGHT: under HAProxy 2.6 the key is
  /// `(served + queued + 1) × 256 ÷ weight` (0 when idle), and the server moves only
  /// when that key changed, unless `always` (a state or weight event re-inserts it).
  mutating func touch(_ server: Int, always: Bool = false) {
    defer { refresh(server) }
    if configuration.semantics.leastConnectionsCountsQueue {
      let inflight = servers[server].served + queues[server].count
      let key = inflight == 0 ? 0 : (inflight + 1) * Limits.maximumWeight / max(servers[server].weight, 1)
      guard always || key != servers[server].leastConnectionsKey else { return }
      servers[server].leastConnectionsKey = key
    }
    servers[server].leastConnectionsStamp = leastConnectionsClock
    leastConnectionsClock += 1
  }
}
