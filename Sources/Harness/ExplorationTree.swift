import AllServedCore

/// The tree of first visits of an exploration: each stored state's parent and
/// the event that first reached it, in breadth-first order.
///
/// A node's children are contiguous, so a level can be walked depth first
/// from the root in breadth-first order. Each node also knows which part of
/// the current frontier lies below it, so a walker skips every subtree
/// outside its share.
struct ExplorationTree: Sendable {
  /// Each node's parent, `-1` for a child of the root.
  private(set) var parents: [Int32] = []
  /// The event that first reached each node.
  private(set) var events: [Event] = []
  /// Where each node's children start; their count is in `childCounts`.
  private var childStarts: [Int32] = []
  private var childCounts: [Int32] = []
  /// The first and last frontier node below each node, valid where `marks` holds the current pass.
  private var lowestFrontier: [Int32] = []
  private var highestFrontier: [Int32] = []
  private var marks: [UInt8] = []
  private var pass: UInt8 = 0
  /// The root's children.
  private var rootChildren = 0..<0
  /// Where each level starts; level 1 holds the root's children.
  private var levelStarts: [Int] = []

  /// Bytes per node: its parent, event, children and frontier marks.
  static var bytesPerNode: Int {
    MemoryLayout<Int32>.stride * 5 + MemoryLayout<Event>.stride + MemoryLayout<UInt8>.stride
  }

  /// The number of nodes, the root left out.
  var count: Int { parents.count }

  /// Adds a node. Nodes come in breadth-first order: each node's children
  /// together, parents in order.
  ///
  /// - Complexity: O(1) amortised.
  mutating func append(parent: Int, event: Event) {
    let index = parents.count
    if parent < 0 {
      if rootChildren.isEmpty { rootChildren = index..<index }
      rootChildren = rootChildren.lowerBound..<(index + 1)
    } else {
      if childCounts[parent] == 0 { childStarts[parent] = Int32(index) }
      childCounts[parent] += 1
    }
    parents.append(Int32(parent))
    events.append(event)
    childStarts.append(-1)
    childCounts.append(0)
    lowestFrontier.append(-1)
    highestFrontier.append(-1)
    marks.append(0)
  }

  /// The children of `node` (`-1` for the root).
  func children(of node: Int) -> Range<Int> {
    guard node >= 0 else { return rootChildren }
    let start = Int(childStarts[node])
    return start..<(start + Int(childCounts[node]))
  }

  /// Whether a frontier node in `share` lies below `node`, or is `node`.
  func leadsInto(_ share: Range<Int>, from node: Int) -> Bool {
    marks[node] == pass && Int(highestFrontier[node]) >= share.lowerBound
      && Int(lowestFrontier[node]) < share.upperBound
  }

  /// Makes `level` (the nodes just added, all at one depth) the frontier,
  /// and marks every node above it with the part of it that lies below.
  ///
  /// - Complexity: O(*n*) for *n* nodes.
  mutating func markFrontier(_ level: Range<Int>) {
    levelStarts.append(level.lowerBound)
    pass = pass == UInt8.max ? 1 : pass + 1
    if pass == 1 { marks = Array(repeating: 0, count: marks.count) }
    for node in level {
      marks[node] = pass
      lowestFrontier[node] = Int32(node)
      highestFrontier[node] = Int32(node)
    }
    // Upward one level at a time: a level's nodes precede the next level's.
    var upper = level.upperBound
    for start in levelStarts.reversed() {
      for node in start..<upper where marks[node] == pass {
        let parent = Int(parents[node])
        guard parent >= 0 else { continue }
        if marks[parent] != pass {
          marks[parent] = pass
          lowestFrontier[parent] = lowestFrontier[node]
        }
        highestFrontier[parent] = highestFrontier[node]
      }
      upper = start
    }
  }
}
