/// A tournament tree over the servers: each node holds the winner of its
/// subtree, the active leaf with the smallest `(primary, secondary)` key.
///
/// Leastconn keys a leaf by `(load, stamp)`, round robin by `(next turn, index)`.
/// The best server is the root; a changed server costs one walk to the root.
/// HAProxy uses ebtrees for the same job; a tournament tree gives the same
/// bounds over a fixed set of servers with two flat arrays.
package struct SelectionTree: Sendable {
  /// The number of leaves, a power of two at least the number of servers.
  private let width: Int
  /// The winning leaf of each node, `-1` if none; node 1 is the root, leaf *i* is node `width + i`.
  private var winner: [Int32]
  /// The primary key of each leaf.
  package private(set) var primary: [Int]
  /// The secondary key of each leaf.
  package private(set) var secondary: [Int]

  /// An empty tree over `count` leaves, all inactive.
  package init(count: Int) {
    var width = 1
    while width < count { width *= 2 }
    self.width = width
    winner = Array(repeating: -1, count: 2 * width)
    primary = Array(repeating: 0, count: count)
    secondary = Array(repeating: 0, count: count)
  }

  /// The active leaf with the smallest key, if any.
  ///
  /// - Complexity: O(1).
  package var best: Int32? { winner[1] >= 0 ? winner[1] : nil }

  /// Whether `leaf` takes part in the tournament.
  package func isActive(_ leaf: Int) -> Bool { winner[width + leaf] >= 0 }

  /// Makes `leaf` active with the given key.
  ///
  /// - Complexity: O(log *n*).
  package mutating func activate(_ leaf: Int, primary first: Int, secondary second: Int) {
    primary[leaf] = first
    secondary[leaf] = second
    winner[width + leaf] = Int32(leaf)
    replay(from: width + leaf)
  }

  /// Takes `leaf` out of the tournament.
  ///
  /// - Complexity: O(log *n*).
  package mutating func deactivate(_ leaf: Int) {
    guard winner[width + leaf] >= 0 else { return }
    winner[width + leaf] = -1
    replay(from: width + leaf)
  }

  /// The leftmost active leaf whose primary key is at most `bound`.
  ///
  /// A subtree's winner has its smallest primary key, so the descent needs no
  /// backtracking.
  ///
  /// - Complexity: O(log *n*).
  package func leftmost(primaryAtMost bound: Int) -> Int32? {
    guard qualifies(1, bound) else { return nil }
    var node = 1
    while node < width {
      node = qualifies(2 * node, bound) ? 2 * node : 2 * node + 1
    }
    return winner[node]
  }

  private func qualifies(_ node: Int, _ bound: Int) -> Bool {
    let leaf = winner[node]
    return leaf >= 0 && primary[Int(leaf)] <= bound
  }

  private mutating func replay(from leafNode: Int) {
    var node = leafNode / 2
    while node >= 1 {
      winner[node] = better(winner[2 * node], winner[2 * node + 1])
      node /= 2
    }
  }

  private func better(_ left: Int32, _ right: Int32) -> Int32 {
    guard left >= 0 else { return right }
    guard right >= 0 else { return left }
    let l = Int(left)
    let r = Int(right)
    return (primary[r], secondary[r]) < (primary[l], secondary[l]) ? right : left
  }

  /// The winner recorded at every node agrees with its children (internal checks).
  package func isConsistent() -> Bool {
    (1..<width).allSatisfy { winner[$0] == better(winner[2 * $0], winner[2 * $0 + 1]) }
  }
}
