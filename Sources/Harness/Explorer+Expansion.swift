import AllServedCore

extension Explorer {
  /// One candidate state found by a worker: a transition that was not
  /// rejected, leading to a state not stored when the batch began; or a
  /// target failure, which ends the worker's share.
  struct Successor: Sendable {
    /// The frontier node expanded, `-1` for the root.
    var parent: Int
    var event: Event
    var key: Key
    /// Arrivals on the path, this event included.
    var arrivals: Int
    var failure: LockstepFailure?
  }

  /// What one worker found in its share of a batch, in breadth-first order.
  struct Expansion: Sendable {
    var successors: [Successor] = []
    var transitions = 0
    var replayed = 0
    /// A target failure was found; nothing after it matters.
    var isFinished = false
  }

  /// Expands the frontier nodes in `batch` on the workers, each from its own root.
  ///
  /// - Returns: Each worker's share, in order.
  func expand(
    _ batch: Range<Int>, depth: Int, roots: [Lockstep<Reference, Candidate>],
    tree: ExplorationTree, visited: VisitedStates
  ) -> [Expansion] {
    let shares = Self.split(batch, into: roots.count)
    guard shares.count > 1 else {
      return [expand(shares[0], depth: depth, from: roots[0], tree: tree, visited: visited)]
    }
    let explorer = self
    return WorkerPool.run(count: shares.count, workers: shares.count) { index in
      explorer.expand(shares[index], depth: depth, from: roots[index], tree: tree, visited: visited)
    }
  }

  /// Walks the tree from `root` down to the frontier nodes of `share`
  /// (at `depth`), applying each tree event again, and expands them.
  func expand(
    _ share: Range<Int>, depth frontierDepth: Int, from root: Lockstep<Reference, Candidate>,
    tree: ExplorationTree, visited: VisitedStates
  ) -> Expansion {
    var expansion = Expansion()
    // States this share already found: a later visit in the same share is
    // never the first, so it is neither checked nor reported again.
    var found = VisitedStates()
    func walk(_ node: Int, _ lockstep: Lockstep<Reference, Candidate>, depth: Int, arrivals: Int, highest: Int) {
      guard depth < frontierDepth else {
        expandNode(node, lockstep, arrivals: arrivals, highest: highest)
        return
      }
      for child in tree.children(of: node) where tree.leadsInto(share, from: child) {
        var next = lockstep
        let event = tree.events[child]
        next.reapply(event)
        expansion.replayed += 1
        let (count, top) = event.counting(arrivals: arrivals, highest: highest)
        walk(child, next, depth: depth + 1, arrivals: count, highest: top)
        if expansion.isFinished { return }
      }
    }
    func expandNode(_ node: Int, _ lockstep: Lockstep<Reference, Candidate>, arrivals: Int, highest: Int) {
      let events = EventGenerator.enabledEvents(
        for: lockstep.observedSnapshot, scope: scope, nextSession: SessionID(highest + 1), arrivals: arrivals)
      for event in events {
        var next = lockstep
        let failure = next.step(event)
        expansion.transitions += 1
        if let failure {
          // A failure that is not the target ends its branch.
          guard isTarget(failure) else { continue }
          finish(Successor(parent: node, event: event, key: key(next), arrivals: arrivals, failure: failure))
          return
        }
        if next.observedOutcome?.isRejected ?? true { continue }
        let count = event.counting(arrivals: arrivals, highest: highest).arrivals
        let canonical = key(next)
        guard !visited.contains(canonical, arrivals: count), found.insert(canonical, arrivals: count) else { continue }
        // A state invariant depends on the state alone: checked at a state's
        // first visits, never on transitions back to a stored state.
        if let failure = next.stateInvariantFailure() {
          guard isTarget(failure) else { continue }
          finish(Successor(parent: node, event: event, key: canonical, arrivals: count, failure: failure))
          return
        }
        expansion.successors.append(Successor(parent: node, event: event, key: canonical, arrivals: count))
      }
    }
    func finish(_ failing: Successor) {
      expansion.successors.append(failing)
      expansion.isFinished = true
    }
    walk(-1, root, depth: 0, arrivals: 0, highest: 0)
    return expansion
  }
}
