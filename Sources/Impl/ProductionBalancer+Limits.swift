import AllServedCore

extension ProductionBalancer {
  /// R-USABLE: the balancer may pick the server, and it may serve the backend queue.
  func isUsable(_ server: Int) -> Bool {
    servers[server].state == .running && servers[server].weight > 0
  }

  /// R-DYN-SLOWSTART: the server came up less than `slowstart` ago, whatever
  /// its state since (HAProxy keeps `SRV_WARMINGUP` when the server goes down).
  func isWarmingUp(_ server: Int) -> Bool {
    let current = servers[server]
    guard current.slowStart > 0, let start = current.cameUpAt else { return false }
    return now < start + current.slowStart
  }

  /// R-DYN-LIMIT: HAProxy's `srv_dynamic_maxconn` when `beconn` is `count`;
  /// 0 when `maxconn` is 0. It never decreases as `count` grows.
  func limit(_ server: Int, sessionCount count: Int) -> Int {
    let current = servers[server]
    guard current.maximumConnections > 0 else { return 0 }
    let full = configuration.fullConnections
    var maximum = current.maximumConnections
    if count < full && current.minimumConnections != current.maximumConnections {
      maximum = max(current.minimumConnections, count * current.maximumConnections / full)
    }
    // R-DYN-SLOWSTART: the ramp, never below one slot.
    if isWarmingUp(server), let start = current.cameUpAt {
      let ratio = 100 * (now - start) / current.slowStart
      maximum = max(isMutated(.slowStartRampToZero) ? 0 : 1, maximum * ratio / 100)
    }
    return maximum
  }

  /// The limit now.
  func limit(_ server: Int) -> Int { limit(server, sessionCount: sessionCount) }

  /// R-ROOM: the server may take one more slot owner.
  func hasRoom(_ server: Int) -> Bool {
    servers[server].maximumConnections == 0 || servers[server].served < limit(server)
  }

  /// R-LB-ELIGIBLE, as the smallest `beconn` from which the server is eligible
  /// (-1: at none). A server with waiters is never eligible (7c669d7e0).
  ///
  /// The limit never decreases with `beconn` and is constant from `fullconn` on,
  /// so a binary search over `0...fullconn` finds the threshold.
  ///
  /// - Complexity: O(1) for a static limit, O(log `fullconn`) for a dynamic one.
  func eligibilityThreshold(_ server: Int) -> Int {
    let current = servers[server]
    guard isUsable(server) else { return -1 }
    guard current.maximumConnections > 0 else { return 0 }
    // R-26-LEASTCONN-QUEUE-ROOM: under HAProxy 2.6 leastconn, slot owners and
    // waiters together against the limit plus `maxqueue`.
    let countsWaiters = countsWaiters
    let waiting = queues[server].count
    func fits(_ limit: Int) -> Bool {
      countsWaiters ? current.served + waiting < limit + current.maximumQueueLength : current.served < limit
    }
    guard countsWaiters || queues[server].isEmpty || isMutated(.eligibilityIgnoresWaiters) else { return -1 }
    let full = configuration.fullConnections
    guard current.minimumConnections != current.maximumConnections && full > 0 else {
      return fits(limit(server, sessionCount: full)) ? 0 : -1
    }
    guard fits(limit(server, sessionCount: full)) else { return -1 }
    var low = 0
    var high = full
    while low < high {
      let middle = low + (high - low) / 2
      if fits(limit(server, sessionCount: middle)) { high = middle } else { low = middle + 1 }
    }
    return low
  }

  /// Recomputes everything the selection structures hold for `server`. Every
  /// change to its state, weight, limits, `served`, queue emptiness, warm-up
  /// or balancing key ends with this call.
  ///
  /// - Complexity: O(log *n*), plus O(log `fullconn`) for a dynamic limit.
  mutating func refresh(_ server: Int) {
    let threshold = eligibilityThreshold(server)
    let old = servers[server].threshold
    if threshold != old {
      if old > 0 { bucketLinks.remove(Int32(server), from: &thresholdBuckets[old, default: ListHead()]) }
      if threshold > 0 {
        bucketLinks.append(Int32(server), to: &thresholdBuckets[threshold, default: ListHead()])
      }
      servers[server].threshold = threshold
    }
    refreshLeaf(server)
  }

  /// Puts `server` in the tournament with its current key, or takes it out.
  mutating func refreshLeaf(_ server: Int) {
    var threshold = servers[server].threshold
    if isMutated(.roundRobinIgnoresFullness) && configuration.algorithm == .roundRobin {
      threshold = isUsable(server) ? 0 : -1
    }
    guard threshold >= 0 && threshold <= sessionCount else {
      eligible.deactivate(server)
      return
    }
    let current = servers[server]
    switch configuration.algorithm {
    case .leastConnections:
      // R-LB-LEASTCONN: the key, and the stamp that breaks ties; under HAProxy 2.6
      // the key the server last moved with (R-26-LEASTCONN-INFLIGHT).
      let load =
        configuration.semantics.leastConnectionsCountsQueue
        ? current.leastConnectionsKey
        : current.served * Limits.maximumWeight / (isMutated(.leastConnectionsIgnoresWeight) ? 1 : current.weight)
      eligible.activate(server, primary: load, secondary: current.leastConnectionsStamp)
    case .roundRobin, .hash:
      // R-LB-ROUNDROBIN (and R-LB-HASH-FALLBACK): the next turn, ties to the lower index.
      eligible.activate(server, primary: current.roundRobinPass, secondary: server)
    }
  }

  /// `beconn` moves by one (R-ARRIVE-COUNT, R-END-RELEASE-THEN-DEQUEUE); the
  /// servers whose threshold it crosses enter or leave the tournament.
  /// R-DYN-SILENT: nothing is dequeued because of it.
  ///
  /// - Complexity: O(*k* log *n*) for the *k* servers at the crossed threshold.
  mutating func changeSessionCount(by delta: Int) {
    let crossed = delta > 0 ? sessionCount + 1 : sessionCount
    sessionCount += delta
    guard !thresholdBuckets.isEmpty, let bucket = thresholdBuckets[crossed] else { return }
    var cursor = bucket.first
    while cursor >= 0 {
      refreshLeaf(Int(cursor))
      cursor = bucketLinks[Int(cursor)].next
    }
  }

  /// Notes that `server` came up at `now` with a slow start to run.
  mutating func listWarming(_ server: Int) {
    guard servers[server].slowStart > 0, !servers[server].isListedWarming else { return }
    servers[server].isListedWarming = true
    let at = warming.firstIndex { $0 > server } ?? warming.endIndex
    warming.insert(Int32(server), at: at)
  }
}
