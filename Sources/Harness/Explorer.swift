public import AllServedCore

/// Bounded exhaustive exploration, breadth first: every event sequence of a
/// scope, up to its depth or until no new state appears.
///
/// Each state is reached with both systems in lockstep, so every transition
/// checks the invariants and (in ``LockstepMode/differential``) the agreement
/// of the candidate. States are deduplicated by a canonical form of the
/// defining system (`key`). Breadth-first order makes the first failure a
/// shortest failing trace.
public struct Explorer<Reference: ReservationSystem, Candidate: ReservationSystem, Key: Hashable> {
  /// What to explore.
  public var scope: ExplorationScope
  /// What the lockstep compares.
  public var mode: LockstepMode
  /// The canonical form of a state, from the lockstep pair.
  public var key: (Lockstep<Reference, Candidate>) -> Key
  /// Which failures count; the others end their branch.
  public var isTarget: (LockstepFailure) -> Bool = { _ in true }

  /// Creates an explorer.
  public init(
    scope: ExplorationScope, mode: LockstepMode = .differential, key: @escaping (Lockstep<Reference, Candidate>) -> Key
  ) {
    self.scope = scope
    self.mode = mode
    self.key = key
  }

  /// What an exploration found.
  public struct Result: Sendable {
    /// Distinct canonical states, the initial one included.
    public var states = 1
    /// Transitions applied (events from explored states).
    public var transitions = 0
    /// The deepest level that produced a new state.
    public var depth = 0
    /// Whether the frontier ran dry before the depth bound.
    public var isComplete = false
    /// A shortest failing trace, if any.
    public var counterexample: Trace?
    /// How it fails.
    public var failure: LockstepFailure?
    /// Seconds spent.
    public var seconds = 0.0
    /// Bytes held by the stored states: their set entries (keys held inline)
    /// and the steps that rebuild a trace.
    public var storedBytes = 0
  }

  struct Visit: Hashable {
    var key: Key
    var arrivals: Int
  }

  struct Node {
    var lockstep: Lockstep<Reference, Candidate>
    var arrivals: Int
    var highest: Int
    /// The index of the event that reached this node in `steps`, or -1 at the root.
    var step: Int
  }

  /// Explores the scope.
  ///
  /// - Parameter progress: Called after each level with (depth, states, transitions).
  public func run(progress: (Int, Int, Int) -> Void = { _, _, _ in }) -> Result {
    let clock = ContinuousClock()
    let start = clock.now
    var result = Result()
    func finish() -> Result {
      let elapsed = clock.now - start
      result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
      return result
    }
    switch Lockstep<Reference, Candidate>.start(scope.configuration, mode: mode) {
    case .failure(let failure):
      result.failure = failure
      result.counterexample = Trace(configuration: scope.configuration, check: failure.check)
      return finish()
    case .success(var root):
      root.checksStateInvariants = false
      // A state is its canonical form and the arrivals the scope still allows.
      var visited: Set<Visit> = [Visit(key: key(root), arrivals: 0)]
      /// Each explored event and the step it followed (-1 for the root).
      var steps: [(parent: Int, event: Event)] = []
      /// The events from the root to `step`, then `event`.
      func trace(ending event: Event, after step: Int, failure: LockstepFailure) -> Trace {
        var events = [event]
        var cursor = step
        while cursor >= 0 {
          events.append(steps[cursor].event)
          cursor = steps[cursor].parent
        }
        return Trace(configuration: scope.configuration, events: events.reversed(), check: failure.check)
      }
      var frontier = [Node(lockstep: root, arrivals: 0, highest: 0, step: -1)]
      for level in 1...max(1, scope.depth) {
        var next: [Node] = []
        for node in frontier {
          let events = EventGenerator.enabledEvents(
            for: node.lockstep.observedSnapshot, scope: scope, nextSession: SessionID(node.highest + 1), arrivals: node.arrivals)
          for event in events {
            var lockstep = node.lockstep
            let failure = lockstep.step(event)
            result.transitions += 1
            if let failure {
              guard isTarget(failure) else { continue }
              result.failure = failure
              result.counterexample = trace(ending: event, after: node.step, failure: failure)
              result.depth = level
              return finish()
            }
            if lockstep.observedOutcome?.isRejected ?? true { continue }
            var arrivals = node.arrivals
            var highest = node.highest
            if case .arrive(let id, _, _) = event {
              arrivals += 1
              highest = id.number
            }
            let canonical = key(lockstep)
            let visit = Visit(key: canonical, arrivals: arrivals)
            guard !visited.contains(visit) else { continue }
            // A state invariant depends on the state alone: checked once, at its first (shortest) visit.
            if let failure = lockstep.stateInvariantFailure() {
              guard isTarget(failure) else { continue }
              result.failure = failure
              result.counterexample = trace(ending: event, after: node.step, failure: failure)
              result.depth = level
              return finish()
            }
            visited.insert(visit)
            // The set entry (at Swift's 3/4 maximum load) and the step that rebuilds the trace.
            result.storedBytes += MemoryLayout<Visit>.stride * 4 / 3 + MemoryLayout<(Int, Event)>.stride
            steps.append((node.step, event))
            next.append(Node(lockstep: lockstep, arrivals: arrivals, highest: highest, step: steps.count - 1))
          }
        }
        result.states = visited.count
        if !next.isEmpty { result.depth = level }
        progress(level, result.states, result.transitions)
        if next.isEmpty {
          result.isComplete = true
          break
        }
        frontier = next
      }
      return finish()
    }
  }
}
