/// What an exploration found (``Explorer/run(progress:)``), whatever systems
/// it drove and however it keyed their states.
public struct ExplorationResult: Sendable {
  /// Distinct canonical states, the initial one included.
  public var states = 1
  /// Transitions applied (events from explored states).
  public var transitions = 0
  /// Events applied again to rebuild frontier states from the root.
  public var replayed = 0
  /// The deepest level that produced a new state.
  public var depth = 0
  /// Whether the frontier ran dry before the depth bound.
  public var isComplete = false
  /// Whether the run stopped at ``Explorer/maximumStates``, its levels
  /// from ``depth`` on unexplored or partly explored.
  public var exceededBudget = false
  /// A shortest failing trace, if any.
  public var counterexample: Trace?
  /// How it fails.
  public var failure: LockstepFailure?
  /// Seconds spent.
  public var seconds = 0.0
  /// Bytes held for the stored states: the visited store and the tree of
  /// first visits.
  public var storedBytes = 0
}
