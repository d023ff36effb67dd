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

  /// What a search for a shorter failing trace established.
  public struct Verdict: Sendable {
    /// The shortest failing trace of the scope, when it is shorter than the
    /// trace searched from. Breadth-first order makes it the shortest there is.
    public var shorter: Trace?
    /// How the shorter trace fails.
    public var failure: LockstepFailure?
    /// Whether the search settled the question within the budget: every
    /// configuration searched was explored to one event less than the
    /// result (``shorter``, or the trace itself), so none of them holds a
    /// shorter failing trace.
    public var isSettled: Bool
    /// Distinct states explored.
    public var states: Int
    /// Transitions applied.
    public var transitions: Int
    /// The deepest level reached.
    public var depth: Int
    /// Seconds spent.
    public var seconds: Double
  }

  /// The budget of a certification when none is given, in distinct states:
  /// a few seconds in a release build.
  public static let defaultBudget = 500_000

  /// The configurations no more complex than `configuration`, simplest
  /// first, itself included (last among its equals): every non-empty
  /// subset of its servers in their order, each server's `maxconn` from 1
  /// up to its own (0, unlimited, stays 0) and its initial state running or
  /// its own, and `retries` from 0 up to its own; everything else as it is.
  /// At most `limit` of them.
  public static func simplerConfigurations(of configuration: Configuration, limit: Int = 48) -> [Configuration] {
    let servers = configuration.servers
    var candidates: [Configuration] = []
    // Smaller subsets first, and no more candidates than a few times the limit.
    let masks = (1..<(1 << min(servers.count, 8))).sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
    for mask in masks where candidates.count < 8 * limit {
      let kept = servers.indices.filter { mask & (1 << $0) != 0 }.map { servers[$0] }
      var choices: [[ServerConfiguration]] = [[]]
      for server in kept {
        let limits = server.maximumConnections == 0 ? [0] : Array(1...server.maximumConnections)
        let states = server.initialState == .running ? [ServerState.running] : [.running, server.initialState]
        choices = choices.flatMap { prefix in
          limits.flatMap { maximum in
            states.map { state -> [ServerConfiguration] in
              var simpler = server
              simpler.maximumConnections = maximum
              simpler.minimumConnections = min(server.minimumConnections, maximum)
              simpler.initialState = state
              return prefix + [simpler]
            }
          }
        }
        if choices.count > 4 * limit { break }
      }
      for chosen in choices where chosen.count == kept.count {
        for retries in 0...max(0, configuration.retries) {
          var simpler = configuration
          simpler.servers = chosen
          simpler.retries = retries
          candidates.append(simpler)
        }
      }
    }
    func size(_ candidate: Configuration) -> Int {
      candidate.servers.count * 1_000 + candidate.servers.reduce(0) { $0 + $1.maximumConnections } * 10 + candidate.retries
    }
    // Two subsets of equal servers give the same configuration: keep the first.
    var seen = Set<Configuration>()
    candidates = candidates.filter { seen.insert($0).inserted }
    // Equal sizes keep their generation order, the configuration itself last among them; it always stays.
    typealias Ranked = (size: Int, isOwn: Bool, offset: Int, configuration: Configuration)
    func precedes(_ left: Ranked, _ right: Ranked) -> Bool {
      (left.size, left.isOwn ? 1 : 0, left.offset) < (right.size, right.isOwn ? 1 : 0, right.offset)
    }
    let others = candidates.enumerated().filter { $0.element != configuration }
      .map { Ranked(size($0.element), false, $0.offset, $0.element) }.sorted(by: precedes)
    let chosen = others.prefix(max(0, limit - 1)) + [Ranked(size(configuration), true, Int.max, configuration)]
    return chosen.sorted(by: precedes).map(\.configuration)
  }

  /// Looks for the shortest failing trace shorter than `trace`: in its own
  /// scope, and in the same scope under each of its simpler configurations
  /// (``simplerConfigurations(of:limit:)``), simplest first, each searched
  /// to one event less than the best trace so far.
  ///
  /// - Parameters:
  ///   - check: The check the shorter trace must fail, and `isTarget` any further condition.
  ///   - budget: Distinct states at most, over all the searches; a search
  ///     that needs more leaves the verdict unsettled.
  ///   - simpler: How many configurations to search, the trace's own included.
  ///   - key: The canonical form of an explored state, for a configuration.
  public static func certify<Reference: ReservationSystem, Candidate: ReservationSystem, Key: Hashable & Sendable>(
    _ trace: Trace, check: String, mode: LockstepMode, budget: Int = defaultBudget, simpler: Int = 48,
    isTarget: @escaping @Sendable (LockstepFailure) -> Bool = { _ in true },
    key: @escaping @Sendable (Configuration) -> @Sendable (Lockstep<Reference, Candidate>) -> Key
  ) -> Verdict {
    var verdict = Verdict(shorter: nil, failure: nil, isSettled: true, states: 0, transitions: 0, depth: 0, seconds: 0)
    var best = trace.steps.count
    let configurations = simplerConfigurations(of: trace.configuration, limit: simpler)
    for (index, configuration) in configurations.enumerated() where best > 1 {
      var scope = scope(of: trace)
      scope.configuration = configuration
      scope.depth = best - 1
      // Cookies widen the search: a request sent to its server is the shortest way to a queue.
      scope.cookies = true
      var explorer = Explorer<Reference, Candidate, Key>(scope: scope, mode: mode, key: key(configuration))
      explorer.isTarget = { $0.check == check && isTarget($0) }
      explorer.maximumStates = max(1, budget - verdict.states)
      let result = explorer.run()
      verdict.states += result.states
      verdict.transitions += result.transitions
      verdict.seconds += result.seconds
      verdict.depth = max(verdict.depth, result.depth)
      // A configuration the systems refuse fails before any event, on another check.
      if let failure = result.failure, let shorter = result.counterexample, failure.check == check, isTarget(failure),
        shorter.steps.count < best
      {
        best = shorter.steps.count
        verdict.shorter = shorter
        verdict.failure = failure
      } else if result.exceededBudget {
        verdict.isSettled = false
      }
      if verdict.states >= budget {
        if index < configurations.count - 1 { verdict.isSettled = false }
        break
      }
    }
    return verdict
  }
}
