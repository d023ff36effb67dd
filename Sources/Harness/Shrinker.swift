public import AllServedCore

/// Shrinks a failing trace to a 1-minimal one that fails the same check.
///
/// It deletes events (chunks first, then one at a time), removes servers,
/// simplifies configuration fields and event fields, and renumbers sessions
/// densely. Every candidate is first revalidated against the system that
/// defines what is possible (the reference, or the candidate itself in
/// ``LockstepMode/invariantsOnly``): an event the current trace had accepted
/// and the candidate no longer enables is dropped with it, so no event ever
/// dangles. Events the trace had rejected on purpose stay, since a rejection
/// can be the bug.
///
/// The result is 1-minimal: removing any single event (with the events that
/// depended on it), removing a server, or simplifying any single field makes
/// the trace pass or fail differently.
public struct Shrinker<Reference: ReservationSystem, Candidate: ReservationSystem> {
  /// What the lockstep compares.
  public var mode: LockstepMode
  /// A bound on candidate replays, so shrinking always ends.
  public var maximumCandidates: Int

  /// Creates a shrinker.
  public init(mode: LockstepMode = .differential, maximumCandidates: Int = 200_000) {
    self.mode = mode
    self.maximumCandidates = maximumCandidates
  }

  /// The outcome of shrinking.
  public struct Result: Sendable {
    /// The shrunk trace, ending at its failing event.
    public var trace: Trace
    /// How the shrunk trace fails: the same check as the original.
    public var failure: LockstepFailure
    /// Candidate traces replayed.
    public var candidates: Int
    /// Whether the search ran to its fixpoint (1-minimal) rather than out of budget.
    public var isOneMinimal: Bool
  }

  /// A trace under shrinking: configuration, events, and which events the
  /// defining system accepted.
  package struct Attempt: Hashable {
    package var configuration: Configuration
    package var events: [Event]
    package var accepted: [Bool]

    package init(configuration: Configuration, events: [Event], accepted: [Bool]) {
      self.configuration = configuration
      self.events = events
      self.accepted = accepted
    }
  }

  /// Shrinks `trace`, which must fail; `nil` if it passes.
  ///
  /// - Parameter isTarget: Further narrows "the same failure" beyond the
  ///   check's name (a historical bug is also told apart by its detail).
  public func shrink(_ trace: Trace, isTarget: @escaping (LockstepFailure) -> Bool = { _ in true }) -> Result? {
    // What the original trace accepted: its deliberate rejections stay.
    let start = Attempt(
      configuration: trace.configuration, events: trace.events, accepted: acceptance(of: trace))
    var replays = 0
    guard let (first, failure) = evaluate(start, check: nil, isTarget: isTarget, replays: &replays) else { return nil }
    var best = first
    var bestFailure = failure
    let check = failure.check

    func attempt(_ candidate: Attempt) -> Bool {
      guard replays < maximumCandidates, candidate != best,
        let (normalized, found) = evaluate(candidate, check: check, isTarget: isTarget, replays: &replays)
      else { return false }
      // Accept only progress, so the search always ends.
      guard Self.size(normalized) < Self.size(best) else { return false }
      best = normalized
      bestFailure = found
      return true
    }

    var progressed = true
    while progressed && replays < maximumCandidates {
      progressed = false
      // Chunks of events, halving, then single events.
      var chunk = max(1, best.events.count / 2)
      while chunk >= 1 {
        var index = 0
        while index < best.events.count {
          var candidate = best
          let end = min(best.events.count, index + chunk)
          candidate.events.removeSubrange(index..<end)
          candidate.accepted.removeSubrange(index..<end)
          if attempt(candidate) { progressed = true } else { index += chunk }
        }
        chunk /= 2
      }
      // Whole sessions: an arrival and every event about it.
      var sessionsSeen: [SessionID] = []
      for event in best.events { if let id = event.session, !sessionsSeen.contains(id) { sessionsSeen.append(id) } }
      for id in sessionsSeen.reversed() {
        var candidate = best
        let keep = best.events.indices.filter { best.events[$0].session != id }
        candidate.events = keep.map { best.events[$0] }
        candidate.accepted = keep.map { best.accepted[$0] }
        if attempt(candidate) { progressed = true }
      }
      // Whole servers.
      var server = best.configuration.servers.count - 1
      while server >= 0 && best.configuration.servers.count > 1 {
        if attempt(Self.removing(server: server, from: best)) { progressed = true }
        server -= 1
      }
      // Single fields of the configuration and of the events.
      for candidate in Self.simplifications(of: best) where attempt(candidate) {
        progressed = true
      }
      // A lower limit often needs one event fewer to fail the same way (a
      // smaller server fills with fewer arrivals): try the pairs too.
      // A state change can become the server's initial state.
      for candidate in Self.foldings(of: best) where attempt(candidate) {
        progressed = true
        break
      }
      // A change that alone does not fail, followed by the deletion of one
      // event: the first such pair that fails the same way.
      func changeThenDelete(_ changes: [Attempt]) -> Bool {
        for candidate in changes {
          for index in candidate.events.indices {
            var shorter = candidate
            shorter.events.remove(at: index)
            shorter.accepted.remove(at: index)
            if attempt(shorter) { return true }
          }
        }
        return false
      }
      if !progressed && best.events.count <= 40 {
        let servers = (0..<best.configuration.servers.count).reversed().map { Self.removing(server: $0, from: best) }
        let reshaped = Self.simplifications(of: best).prefix(while: { $0.events == best.events })
        progressed = changeThenDelete((best.configuration.servers.count > 1 ? servers : []) + reshaped)
      }
      // Reordering: an event moved earlier (an adjacent swap at least) can
      // make another one superfluous.
      if !progressed && best.events.count <= 40 {
        progressed = changeThenDelete(Self.movedEarlier(best, farthest: best.events.count <= 16 ? best.events.count : 1))
      }
      if attempt(Self.renumbered(best)) { progressed = true }
    }
    var result = Trace(configuration: best.configuration, events: best.events, seed: trace.seed, check: check)
    result.title = trace.title
    result.bug = trace.bug
    return Result(trace: result, failure: bestFailure, candidates: replays, isOneMinimal: replays < maximumCandidates)
  }

  /// `attempt` with one event moved earlier by 1 up to `farthest` places,
  /// nearest moves first.
  package static func movedEarlier(_ attempt: Attempt, farthest: Int) -> [Attempt] {
    var moved: [Attempt] = []
    for distance in 1...max(1, farthest) {
      for index in attempt.events.indices where index >= distance {
        guard attempt.events[index] != attempt.events[index - distance] else { continue }
        var candidate = attempt
        candidate.events.insert(candidate.events.remove(at: index), at: index - distance)
        candidate.accepted.insert(candidate.accepted.remove(at: index), at: index - distance)
        moved.append(candidate)
      }
    }
    return moved
  }

  /// Revalidates `candidate` and replays it in lockstep; the normalised
  /// candidate, cut at its failing event, when it fails `check` (any check when `nil`).
  func evaluate(
    _ candidate: Attempt, check: String?, isTarget: (LockstepFailure) -> Bool, replays: inout Int
  ) -> (Attempt, LockstepFailure)? {
    replays += 1
    guard let normalized = normalize(candidate) else { return nil }
    let trace = Trace(configuration: normalized.configuration, events: normalized.events)
    guard let failure = Lockstep<Reference, Candidate>.replay(trace, mode: mode),
      check == nil || failure.check == check, isTarget(failure)
    else { return nil }
    var cut = normalized
    let kept = max(0, min(cut.events.count, failure.step))
    cut.events.removeSubrange(kept...)
    cut.accepted.removeSubrange(kept...)
    return (cut, failure)
  }

  /// Which events of `trace` the defining system accepts: normalising with
  /// no event marked accepted drops nothing and records each verdict.
  func acceptance(of trace: Trace) -> [Bool] {
    let unjudged = Attempt(
      configuration: trace.configuration, events: trace.events,
      accepted: Array(repeating: false, count: trace.steps.count))
    return normalize(unjudged)?.accepted ?? Array(repeating: true, count: trace.steps.count)
  }

  /// Drops events the defining system no longer enables although the trace had accepted them.
  func normalize(_ candidate: Attempt) -> Attempt? {
    // The configuration as the systems run it (R-CONFIG-NORMALIZE), so that
    // shrinking measures and prints what is real.
    guard let configuration = try? candidate.configuration.validated() else { return nil }
    var result = candidate
    result.configuration = configuration
    result.events.removeAll(keepingCapacity: true)
    result.accepted.removeAll(keepingCapacity: true)
    func run<System: ReservationSystem>(_ type: System.Type) -> Bool {
      guard var system = try? System(configuration: configuration) else { return false }
      for (event, wasAccepted) in zip(candidate.events, candidate.accepted) {
        // A rejected event changes nothing (R-REJECT-UNCHANGED), so dropping it needs no undo.
        let rejected = system.apply(event).isRejected
        if rejected && wasAccepted { continue }
        result.events.append(event)
        result.accepted.append(!rejected)
      }
      return true
    }
    let valid = mode == .differential ? run(Reference.self) : run(Candidate.self)
    return valid ? result : nil
  }

  /// The order shrinking descends: fewer events, then fewer servers, then a
  /// simpler configuration, then simpler events, then smaller session numbers.
  static func size(_ attempt: Attempt) -> (Int, Int, Int, Int, Int) {
    let configuration = attempt.configuration
    var configurationCost =
      (configuration.algorithm == .roundRobin ? 0 : 1) + configuration.retries
      + (configuration.redispatch ? 1 : 0) + (configuration.persist ? 1 : 0)
      + (configuration.queueTimeout > 0 ? 1 : 0) + (configuration.fullConnections > 0 ? 1 : 0)
    for server in configuration.servers {
      configurationCost +=
        (server.weight == 1 ? 0 : 1) + server.maximumConnections + server.maximumQueueLength
        + (server.minimumConnections == server.maximumConnections ? 0 : 1) + (server.slowStart > 0 ? 1 : 0)
        + (server.initialState == .running ? 0 : 1)
    }
    var eventCost = 0
    var numbers = 0
    for event in attempt.events {
      switch event {
      case .arrive(let id, let cookie, let key):
        eventCost += (cookie == nil ? 0 : 1) + (key.map { 1 + Int($0) } ?? 0)
        numbers += id.number
      case .connectFailed(let id, let failure):
        eventCost += failure == .refused ? 1 : 0
        numbers += id.number
      case .close(let id), .queueTimeout(let id):
        // An abort ends a session in any phase, so it is the simplest ending.
        eventCost += 1
        numbers += id.number
      case .run(let id), .connectSucceeded(let id), .abort(let id):
        numbers += id.number
      case .setState(_, let state): eventCost += state == .running ? 0 : 1
      case .setWeight(_, let value), .setMaximumConnections(_, let value): eventCost += abs(value)
      case .shutdownSessions, .queueTask: break
      case .tick(let duration): eventCost += abs(duration)
      }
    }
    return (attempt.events.count, configuration.servers.count, configurationCost, eventCost, numbers)
  }

  /// The attempt without server `index`: its cookies go, its admin events go,
  /// and later servers move down one.
  package static func removing(server index: Int, from attempt: Attempt) -> Attempt {
    var result = attempt
    result.configuration.servers.remove(at: index)
    result.events = []
    result.accepted = []
    func moved(_ server: ServerID) -> ServerID? {
      server.index == index ? nil : server.index > index ? ServerID(server.index - 1) : server
    }
    for (event, accepted) in zip(attempt.events, attempt.accepted) {
      var mapped: Event? = event
      switch event {
      case .arrive(let id, let cookie, let key): mapped = .arrive(id, cookie: cookie.flatMap(moved), hashKey: key)
      case .setState(let server, let state): mapped = moved(server).map { .setState($0, state) }
      case .setWeight(let server, let value): mapped = moved(server).map { .setWeight($0, value) }
      case .setMaximumConnections(let server, let value): mapped = moved(server).map { .setMaximumConnections($0, value) }
      case .shutdownSessions(let server): mapped = moved(server).map { .shutdownSessions($0) }
      case .queueTask(let server): mapped = moved(server).map { .queueTask($0) }
      default: break
      }
      if let mapped {
        result.events.append(mapped)
        result.accepted.append(accepted)
      }
    }
    return result
  }

  /// Every attempt that simplifies exactly one field.
  static func simplifications(of attempt: Attempt) -> [Attempt] {
    var result: [Attempt] = []
    func configured(_ change: (inout Configuration) -> Void) {
      var candidate = attempt
      change(&candidate.configuration)
      result.append(candidate)
    }
    configured { $0.algorithm = .roundRobin }
    configured { $0.retries = 0 }
    configured { $0.retries = max(0, $0.retries - 1) }
    configured { $0.redispatch = false }
    configured { $0.persist = false }
    configured { $0.queueTimeout = 0 }
    configured { $0.fullConnections = 0 }
    for index in attempt.configuration.servers.indices {
      configured { $0.servers[index].weight = 1 }
      // A lower maxconn takes a static minconn with it, so the limit stays static.
      func limit(_ new: (Int) -> Int) {
        configured { configuration in
          let server = configuration.servers[index]
          let lowered = new(server.maximumConnections)
          configuration.servers[index].maximumConnections = lowered
          configuration.servers[index].minimumConnections =
            server.minimumConnections == server.maximumConnections ? lowered : min(server.minimumConnections, lowered)
        }
      }
      limit { _ in 0 }
      limit { min(1, $0) }
      limit { max(0, $0 - 1) }
      configured { $0.servers[index].minimumConnections = $0.servers[index].maximumConnections }
      configured { $0.servers[index].maximumQueueLength = 0 }
      configured { $0.servers[index].maximumQueueLength = max(0, $0.servers[index].maximumQueueLength - 1) }
      configured { $0.servers[index].slowStart = 0 }
      configured { $0.servers[index].initialState = .running }
    }
    for index in attempt.events.indices {
      func replaced(_ event: Event) {
        var candidate = attempt
        candidate.events[index] = event
        result.append(candidate)
      }
      switch attempt.events[index] {
      case .arrive(let id, let cookie, let key):
        if cookie != nil { replaced(.arrive(id, cookie: nil, hashKey: key)) }
        if let key {
          replaced(.arrive(id, cookie: cookie, hashKey: nil))
          if key > 0 { replaced(.arrive(id, cookie: cookie, hashKey: 0)) }
        }
      case .connectFailed(let id, .refused): replaced(.connectFailed(id, .timedOut))
      case .close(let id), .queueTimeout(let id): replaced(.abort(id))
      case .setState(let server, let state) where state != .running: replaced(.setState(server, .running))
      case .setWeight(let server, let value) where value > 1: replaced(.setWeight(server, 1))
      case .setMaximumConnections(let server, let value) where value > 0:
        replaced(.setMaximumConnections(server, 0))
        replaced(.setMaximumConnections(server, value - 1))
      case .tick(let duration) where duration > 1:
        replaced(.tick(1))
        replaced(.tick(duration / 2))
        replaced(.tick(duration - 1))
      default: break
      }
    }
    return result
  }

  /// Each pair of adjacent ticks merged into one, and each `state` event
  /// folded into the server's initial state, the event removed.
  static func foldings(of attempt: Attempt) -> [Attempt] {
    let merged: [Attempt] = attempt.events.indices.dropLast().compactMap { index in
      guard case .tick(let first) = attempt.events[index], case .tick(let second) = attempt.events[index + 1] else {
        return nil
      }
      var candidate = attempt
      candidate.events[index] = .tick(first + second)
      candidate.events.remove(at: index + 1)
      candidate.accepted.remove(at: index + 1)
      return candidate
    }
    return merged + attempt.events.indices.compactMap { index in
      guard case .setState(let server, let state) = attempt.events[index],
        attempt.configuration.servers.indices.contains(server.index)
      else { return nil }
      var candidate = attempt
      candidate.configuration.servers[server.index].initialState = state
      candidate.events.remove(at: index)
      candidate.accepted.remove(at: index)
      return candidate
    }
  }

  /// Sessions renumbered 1, 2, 3, … in order of first mention.
  static func renumbered(_ attempt: Attempt) -> Attempt {
    var numbers: [Int: Int] = [:]
    func dense(_ id: SessionID) -> SessionID {
      if let number = numbers[id.number] { return SessionID(number) }
      let number = numbers.count + 1
      numbers[id.number] = number
      return SessionID(number)
    }
    var result = attempt
    result.events = attempt.events.map { event in
      switch event {
      case .arrive(let id, let cookie, let key): .arrive(dense(id), cookie: cookie, hashKey: key)
      case .run(let id): .run(dense(id))
      case .connectSucceeded(let id): .connectSucceeded(dense(id))
      case .connectFailed(let id, let failure): .connectFailed(dense(id), failure)
      case .close(let id): .close(dense(id))
      case .abort(let id): .abort(dense(id))
      case .queueTimeout(let id): .queueTimeout(dense(id))
      default: event
      }
    }
    return result
  }
}
