public import AllServedCore

/// Certified minimality: whether a failing trace has a shorter failing trace
/// within its own scope, found by exhaustive breadth-first exploration.
public enum Certification {
  /// The scope of a trace: its configuration, as many arrivals as it has, and
  /// only the values its events use (cookies, keys, states, weights, limits,
  /// failures, tick durations); the depth is one event less than the trace.
  public static func scope(of trace: Trace) -> ExplorationScope {
    var scope = ExplorationScope(
      configuration: trace.configuration, sessions: 0, depth: max(0, trace.steps.count - 1))
    scope.cookies = false
    scope.states = []
    scope.shutdowns = false
    scope.hashKeys = []
    scope.failures = []
    for event in trace.events {
      switch event {
      case .arrive(_, let cookie, let key):
        scope.sessions += 1
        if cookie != nil { scope.cookies = true }
        if let key, !scope.hashKeys.contains(key) { scope.hashKeys.append(key) }
      case .connectFailed(_, let failure) where !scope.failures.contains(failure): scope.failures.append(failure)
      case .setState(_, let state) where !scope.states.contains(state): scope.states.append(state)
      case .shutdownSessions: scope.shutdowns = true
      case .setWeight(_, let weight) where !scope.weights.contains(weight): scope.weights.append(weight)
      case .setMaximumConnections(_, let limit) where !scope.limits.contains(limit): scope.limits.append(limit)
      case .tick(let duration) where !scope.tickDurations.contains(duration): scope.tickDurations.append(duration)
      default: break
      }
    }
    return scope
  }

  /// Looks for a failing trace shorter than `trace` in its scope.
  ///
  /// - Parameters:
  ///   - check: The check the shorter trace must fail, and `isTarget` any further condition.
  ///   - key: The canonical form of an explored state.
  public static func certify<Reference: ReservationSystem, Candidate: ReservationSystem, Key: Hashable & Sendable>(
    _ trace: Trace, check: String, mode: LockstepMode, isTarget: @escaping @Sendable (LockstepFailure) -> Bool = { _ in true },
    key: @escaping @Sendable (Lockstep<Reference, Candidate>) -> Key
  ) -> (shorter: Trace?, states: Int, transitions: Int, seconds: Double) {
    let scope = scope(of: trace)
    guard scope.depth > 0 else { return (nil, 1, 0, 0) }
    var explorer = Explorer<Reference, Candidate, Key>(scope: scope, mode: mode, key: key)
    explorer.isTarget = { $0.check == check && isTarget($0) }
    let result = explorer.run()
    return (result.counterexample, result.states, result.transitions, result.seconds)
  }
}
