public import AllServedCore

/// Bounded exhaustive exploration, breadth first: every event sequence of a
/// scope, up to its depth or until no new state appears.
///
/// Each state is reached with both systems in lockstep, so every transition
/// checks the invariants and (in ``LockstepMode/differential``) the agreement
/// of the candidate. States are deduplicated by a canonical form of the
/// defining system (`key`). Breadth-first order makes the first failure a
/// shortest failing trace.
///
/// Only the tree of first visits is stored (each state's parent and event),
/// never the systems themselves: a level is expanded by walking that tree
/// from the root and applying its events again (as TLC keeps its frontier on
/// disk, the frontier here is kept as paths). A depth-first walk of the tree
/// meets each level in breadth-first order, so the result is the same as a
/// queue of states would give, for about one replayed event per stored state
/// and tens of bytes per state instead of kilobytes.
///
/// With several ``workers`` each walks its own share of a level's frontier
/// from a root of its own (no buffer is shared between threads), and the
/// main thread merges their successors in breadth-first order: the result
/// never depends on the number of workers.
public struct Explorer<Reference: ReservationSystem, Candidate: ReservationSystem, Key: Hashable & Sendable>: Sendable {
  /// What to explore.
  public var scope: ExplorationScope
  /// What the lockstep compares.
  public var mode: LockstepMode
  /// The canonical form of a state, from the lockstep pair.
  public var key: @Sendable (Lockstep<Reference, Candidate>) -> Key
  /// Which failures count; the others end their branch.
  public var isTarget: @Sendable (LockstepFailure) -> Bool = { _ in true }
  /// Threads expanding each level.
  public var workers = 1
  /// Frontier states expanded between two merges; bounds the memory the
  /// workers' successors take.
  public var batchSize = 1 << 15
  /// Distinct states at most; the run stops once it has this many
  /// (``ExplorationResult/exceededBudget``). A count, not a time, so that
  /// the verdict is the same on every machine.
  public var maximumStates = Int.max

  /// Creates an explorer.
  public init(
    scope: ExplorationScope, mode: LockstepMode = .differential,
    key: @escaping @Sendable (Lockstep<Reference, Candidate>) -> Key
  ) {
    self.scope = scope
    self.mode = mode
    self.key = key
  }

  /// What an exploration found: the same for any systems explored.
  public typealias Result = ExplorationResult

  /// Explores the scope.
  ///
  /// - Parameter progress: Called on the calling thread with (depth, states,
  ///   transitions) after each batch of a level.
  public func run(progress: (Int, Int, Int) -> Void = { _, _, _ in }) -> Result {
    let clock = ContinuousClock()
    let start = clock.now
    var result = Result()
    func finish() -> Result {
      let elapsed = clock.now - start
      result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
      return result
    }
    let workerCount = max(1, workers)
    // One root per worker, built here: a task-local setting (a planted fault)
    // is read when a system is built, and worker threads do not inherit it.
    var roots: [Lockstep<Reference, Candidate>] = []
    for _ in 0..<workerCount {
      // A configuration of its own per worker, so that no two threads share its storage.
      var configuration = scope.configuration
      configuration.servers = configuration.servers.map { $0 }
      switch Lockstep<Reference, Candidate>.start(configuration, mode: mode) {
      case .failure(let failure):
        result.failure = failure
        result.counterexample = Trace(configuration: scope.configuration, check: failure.check)
        return finish()
      case .success(var root):
        root.checksStateInvariants = false
        roots.append(root)
      }
    }
    /// The states, and the bytes they hold: their store and their tree nodes.
    func count(_ visited: VisitedStates, _ tree: ExplorationTree) {
      result.states = visited.count
      result.storedBytes = visited.bytes + tree.count * ExplorationTree.bytesPerNode
    }
    var visited = VisitedStates()
    visited.insert(key(roots[0]), arrivals: 0)
    var tree = ExplorationTree()
    // The frontier of level `level` is the nodes at depth `level - 1`, `-1` (the root) first.
    var frontier = -1..<0
    for level in 1...max(1, scope.depth) {
      let levelStart = tree.count
      var batchStart = frontier.lowerBound
      while batchStart < frontier.upperBound {
        let batch = batchStart..<min(frontier.upperBound, batchStart + batchSize)
        batchStart = batch.upperBound
        let outputs = expand(batch, depth: level - 1, roots: roots, tree: tree, visited: visited)
        // Merge in breadth-first order: the first failure, and each state's first visit, as one thread would find them.
        for output in outputs {
          result.transitions += output.transitions
          result.replayed += output.replayed
          for successor in output.successors {
            if let failure = successor.failure {
              result.failure = failure
              result.counterexample = trace(
                to: successor.parent, then: successor.event, in: tree, failure: failure)
              result.depth = level
              count(visited, tree)
              return finish()
            }
            guard visited.insert(successor.key, arrivals: successor.arrivals) else { continue }
            tree.append(parent: successor.parent, event: successor.event)
            if visited.count >= maximumStates {
              result.exceededBudget = true
              result.depth = level
              count(visited, tree)
              return finish()
            }
          }
        }
        count(visited, tree)
        progress(level, result.states, result.transitions)
      }
      if tree.count == levelStart {
        result.isComplete = true
        break
      }
      result.depth = level
      tree.markFrontier(levelStart..<tree.count)
      frontier = levelStart..<tree.count
    }
    return finish()
  }

  /// `range` cut into at most `parts` contiguous shares, in order.
  static func split(_ range: Range<Int>, into parts: Int) -> [Range<Int>] {
    let size = (range.count + parts - 1) / max(1, parts)
    return stride(from: range.lowerBound, to: range.upperBound, by: max(1, size)).map {
      $0..<min(range.upperBound, $0 + size)
    }
  }

  /// The events from the root to `node`, then `event`.
  func trace(to node: Int, then event: Event, in tree: ExplorationTree, failure: LockstepFailure) -> Trace {
    var events = [event]
    var cursor = node
    while cursor >= 0 {
      events.append(tree.events[cursor])
      cursor = Int(tree.parents[cursor])
    }
    return Trace(configuration: scope.configuration, events: events.reversed(), check: failure.check)
  }
}
