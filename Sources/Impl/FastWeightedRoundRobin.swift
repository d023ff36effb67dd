/// HAProxy 2.6's round robin (`lb_fwrr.c`), the policy of R-26-ROUNDROBIN-FWRR,
/// over three tournament trees where HAProxy uses three ebtrees.
///
/// `current` orders this round's servers by next position; `initial` holds
/// servers waiting to join, heaviest first; `later` holds servers whose next
/// position falls in the next round; the two spare trees swap when a round
/// ends. Equal keys keep insertion order, as ebtree duplicates do: the
/// secondary key is an insertion counter.
package struct FastWeightedRoundRobin: Sendable {
  /// Which tree a server is in.
  package enum Place: UInt8, Sendable {
    case none, current, tree0, tree1
  }

  static let weightScale = 16
  static let maximumEffectiveWeight = 4096
  static let positionSpacing = 256

  package private(set) var currentPosition: Int
  package private(set) var currentWeight: Int
  private(set) var nextWeight: Int
  private(set) var initial = Place.tree0
  private(set) var later = Place.tree1
  private var insertions = 0
  package private(set) var place: [Place]
  private var trees: [SelectionTree]
  private var nextPosition: [Int]
  private var lastPosition: [Int]
  private var remainder: [Int]

  /// The usable servers, in index order, join `initial`.
  ///
  /// - Complexity: O(*n* log *n*).
  package init(weights: [Int], usable: [Bool]) {
    let count = weights.count
    var total = 0
    for server in 0..<count where usable[server] { total += weights[server] * Self.weightScale }
    currentPosition = total
    currentWeight = total
    nextWeight = total
    place = Array(repeating: .none, count: count)
    trees = Array(repeating: SelectionTree(count: count), count: 3)
    nextPosition = Array(repeating: 0, count: count)
    lastPosition = Array(repeating: 0, count: count)
    remainder = Array(repeating: 0, count: count)
    for server in 0..<count where usable[server] { insertByWeight(server, into: initial, weight: weights[server]) }
  }

  /// Takes `server` out of whatever tree holds it.
  ///
  /// - Complexity: O(log *n*).
  mutating func takeOut(_ server: Int) {
    if place[server] != .none { trees[Int(place[server].rawValue) - 1].deactivate(server) }
    place[server] = .none
  }

  private mutating func insert(_ server: Int, into set: Place, key: Int) {
    takeOut(server)
    place[server] = set
    trees[Int(set.rawValue) - 1].activate(server, primary: key, secondary: insertions)
    insertions += 1
  }

  private func first(of set: Place) -> Int? { trees[Int(set.rawValue) - 1].best.map(Int.init) }

  /// Into `initial` or `later`, heaviest first.
  mutating func insertByWeight(_ server: Int, into set: Place, weight: Int) {
    insert(server, into: set, key: Self.maximumEffectiveWeight - weight * Self.weightScale)
  }

  /// Back into `current` at its next position, or into `later` beyond this round.
  mutating func requeue(_ server: Int, weight: Int) {
    let effective = weight * Self.weightScale
    if effective <= 0 || nextPosition[server] >= 2 * currentWeight
      || nextPosition[server] >= currentWeight + nextWeight
    {
      nextPosition[server] -= currentWeight
      insertByWeight(server, into: later, weight: weight)
    } else {
      let key =
        Self.positionSpacing * nextPosition[server]
        + (Self.maximumEffectiveWeight + remainder[server] - effective) / Self.weightScale
      insert(server, into: .current, key: key)
    }
  }

  /// Rebases the server's position on the tree it is leaving.
  private mutating func rebase(_ server: Int) {
    switch place[server] {
    case initial:
      nextPosition[server] = 0
      remainder[server] = 0
    case later: nextPosition[server] += currentWeight
    case .none: nextPosition[server] = currentPosition
    default: break
    }
  }

  /// The next candidate of this round, if any.
  ///
  /// - Complexity: O(1).
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

  /// Takes `server` for a pick: out of its tree, its position advanced, the round's position too.
  mutating func take(_ server: Int, weight: Int) {
    let effective = weight * Self.weightScale
    if effective > 0 {
      if nextPosition[server] == 0 { nextPosition[server] = currentPosition }
      lastPosition[server] = nextPosition[server]
      nextPosition[server] += nextWeight / effective
      remainder[server] += nextWeight % effective
      if remainder[server] >= effective {
        remainder[server] -= effective
        nextPosition[server] += 1
      }
    }
    takeOut(server)
    currentPosition += 1
  }

  /// Starts the first round when none has weight yet.
  mutating func startRoundIfIdle() {
    if currentWeight == 0 {
      currentPosition = nextWeight
      currentWeight = nextWeight
    }
  }

  /// A new round: `initial` and `later` swap.
  mutating func switchRounds() {
    swap(&initial, &later)
    currentWeight = nextWeight
    currentPosition = currentWeight
  }

  /// The server leaves the balancer.
  mutating func remove(_ server: Int, oldWeight: Int) {
    nextWeight -= oldWeight * Self.weightScale
    takeOut(server)
  }

  /// The server joins the balancer, about one stride after the current position.
  mutating func add(_ server: Int, weight: Int) {
    let effective = weight * Self.weightScale
    nextWeight += effective
    rebase(server)
    nextPosition[server] = currentPosition + (nextWeight + currentWeight - currentPosition) / effective
    requeue(server, weight: weight)
  }

  /// A usable server's weight changes.
  mutating func reweigh(_ server: Int, from oldWeight: Int, to newWeight: Int) {
    let effective = newWeight * Self.weightScale
    nextWeight += effective - oldWeight * Self.weightScale
    if place[server] == initial {
      insertByWeight(server, into: initial, weight: newWeight)
      return
    }
    rebase(server)
    let step = nextWeight / effective
    nextPosition[server] = min(lastPosition[server] + step, nextPosition[server])
    remainder[server] = 0
    if nextPosition[server] < currentPosition + 2 { nextPosition[server] = currentPosition + step }
    requeue(server, weight: newWeight)
  }
}
