import AllServedCore

extension ReferenceBalancer {
  /// HAProxy 2.6's round robin, "fast weighted round robin" (`lb_fwrr.c`), the
  /// policy of R-26-ROUNDROBIN-FWRR. Written for reading: every tree is a scan
  /// over the servers.
  ///
  /// Servers sit in one of three ordered sets. `current` orders the servers of
  /// this round by their next position; `initial` holds servers waiting to
  /// join, heaviest first; `later` holds servers whose next position falls in
  /// the next round. When `current` and `initial` run dry, `initial` and
  /// `later` swap. Equal keys keep insertion order, as ebtree duplicates do.
  struct FastWeightedRoundRobin: Hashable, Sendable {
    /// Which ordered set a server is in.
    enum Place: Hashable, Sendable {
      case none, current, tree0, tree1
    }

    /// HAProxy's weight scale: an effective weight is `weight × 16`, at most 4096.
    static let weightScale = 16
    static let maximumEffectiveWeight = 4096
    /// Positions in the `current` key are spaced by this (`SRV_UWGHT_RANGE`).
    static let positionSpacing = 256

    var currentPosition: Int
    var currentWeight: Int
    var nextWeight: Int
    /// Which of the two spare sets is `initial` (the other is `later`).
    var initial = Place.tree0
    var later = Place.tree1
    /// Insertions so far: the order among equal keys.
    var insertions = 0
    var place: [Place]
    var key: [Int]
    var order: [Int]
    /// The server's next and last positions, and its carried remainder.
    var nextPosition: [Int]
    var lastPosition: [Int]
    var remainder: [Int]

    /// The usable servers, in index order, join `initial` (`fwrr_init_server_groups`).
    init(weights: [Int], usable: [Bool]) {
      let count = weights.count
      let total = zip(weights, usable).reduce(0) { $0 + ($1.1 ? $1.0 * Self.weightScale : 0) }
      currentPosition = total
      currentWeight = total
      nextWeight = total
      place = Array(repeating: .none, count: count)
      key = Array(repeating: 0, count: count)
      order = Array(repeating: 0, count: count)
      nextPosition = Array(repeating: 0, count: count)
      lastPosition = Array(repeating: 0, count: count)
      remainder = Array(repeating: 0, count: count)
      for server in 0..<count where usable[server] {
        insertByWeight(server, into: initial, weight: weights[server])
      }
    }

    /// The first server of a set: the smallest key, the earliest inserted among equals.
    func first(of set: Place) -> Int? {
      place.indices.filter { place[$0] == set }.min { (key[$0], order[$0]) < (key[$1], order[$1]) }
    }

    mutating func insert(_ server: Int, into set: Place, key value: Int) {
      place[server] = set
      key[server] = value
      order[server] = insertions
      insertions += 1
    }

    /// Into `initial` or `later`, heaviest first.
    mutating func insertByWeight(_ server: Int, into set: Place, weight: Int) {
      insert(server, into: set, key: Self.maximumEffectiveWeight - weight * Self.weightScale)
    }

    /// Back into `current` at its next position, or into `later` when that
    /// position is beyond this round (`fwrr_queue_srv`).
    mutating func requeue(_ server: Int, weight: Int, usable: Bool) {
      let effective = weight * Self.weightScale
      guard usable else {
        place[server] = .none
        return
      }
      if effective <= 0 || nextPosition[server] >= 2 * currentWeight
        || nextPosition[server] >= currentWeight + nextWeight
      {
        nextPosition[server] -= currentWeight
        insertByWeight(server, into: later, weight: weight)
      } else {
        let value =
          Self.positionSpacing * nextPosition[server]
          + (Self.maximumEffectiveWeight + remainder[server] - effective) / Self.weightScale
        insert(server, into: .current, key: value)
      }
    }

    /// Rebases the server's position on the set it is leaving (`fwrr_get_srv`).
    mutating func rebase(_ server: Int) {
      switch place[server] {
      case initial:
        nextPosition[server] = 0
        remainder[server] = 0
      case later: nextPosition[server] += currentWeight
      case .none: nextPosition[server] = currentPosition
      default: break
      }
    }

    /// The next candidate of this round, if any (`fwrr_get_server_from_group`).
    mutating func candidate() -> Int? {
      let head = first(of: .current)
      if let head, nextPosition[head] <= currentPosition { return head }
      if let waiting = first(of: initial) {
        nextPosition[waiting] = 0
        remainder[waiting] = 0
        return waiting
      }
      return head
    }

    /// Advances a taken server to its next position (`fwrr_update_position`).
    mutating func advance(_ server: Int, weight: Int) {
      let effective = weight * Self.weightScale
      guard effective > 0 else { return }
      if nextPosition[server] == 0 { nextPosition[server] = currentPosition }
      lastPosition[server] = nextPosition[server]
      nextPosition[server] += nextWeight / effective
      remainder[server] += nextWeight % effective
      if remainder[server] >= effective {
        remainder[server] -= effective
        nextPosition[server] += 1
      }
    }

    /// A new round: `initial` and `later` swap (`fwrr_switch_trees`).
    mutating func switchRounds() {
      swap(&initial, &later)
      currentWeight = nextWeight
      currentPosition = currentWeight
    }

    /// The server leaves the balancer (`fwrr_set_server_status_down`).
    mutating func remove(_ server: Int, oldWeight: Int) {
      nextWeight -= oldWeight * Self.weightScale
      place[server] = .none
    }

    /// The server joins the balancer (`fwrr_set_server_status_up`): placed
    /// about one of its strides after the current position.
    mutating func add(_ server: Int, weight: Int) {
      let effective = weight * Self.weightScale
      nextWeight += effective
      rebase(server)
      nextPosition[server] = currentPosition + (nextWeight + currentWeight - currentPosition) / effective
      requeue(server, weight: weight, usable: true)
    }

    /// A usable server's weight changes (`fwrr_update_server_weight`).
    mutating func reweigh(_ server: Int, from oldWeight: Int, to newWeight: Int) {
      let effective = newWeight * Self.weightScale
      nextWeight += effective - oldWeight * Self.weightScale
      if place[server] == initial {
        insertByWeight(server, into: initial, weight: newWeight)
        return
      }
      rebase(server)
      let step = nextWeight / effective
      let previousNext = nextPosition[server]
      nextPosition[server] = min(lastPosition[server] + step, previousNext)
      remainder[server] = 0
      if nextPosition[server] < currentPosition + 2 { nextPosition[server] = currentPosition + step }
      requeue(server, weight: newWeight, usable: true)
    }
  }
}
