import AllServedCore
import AllServedEngine
import AllServedHarness

/// A benchmark workload: a configuration, the events that fill the backend
/// to its session population, and the steady-state events that are timed.
///
/// The events are generated once, by driving a ``ProductionBalancer`` and
/// reacting to its outcomes, and then replayed on fresh systems: the model and
/// the implementation see exactly the same events.
struct Workload {
  var configuration: Configuration
  var fill: [Event] = []
  var steady: [Event] = []
  /// Steady events by kind, for the report.
  var mix: [String: Int] = [:]

  /// Builds a workload of `sessions` live sessions on `servers` servers, with
  /// about a tenth of the sessions holding slots and the rest queued.
  ///
  /// - Parameters:
  ///   - steadyEvents: How many events to generate after the fill.
  static func make(
    algorithm: Algorithm, servers: Int, sessions: Int, steadyEvents: Int, seed: UInt64
  ) -> Workload {
    let slotsPerServer = max(1, sessions / 10 / servers)
    let configuration = Configuration(
      algorithm: algorithm, retries: 3, redispatch: true, queueTimeout: 30_000,
      servers: Array(
        repeating: ServerConfiguration(weight: 1, maximumConnections: slotsPerServer), count: servers))
    var driver = Driver(configuration: configuration, seed: seed)
    driver.fill(sessions)
    var workload = Workload(configuration: configuration)
    workload.fill = driver.emitted
    driver.emitted = []
    driver.emitted.reserveCapacity(steadyEvents + 64)
    driver.steady(steadyEvents, population: sessions)
    workload.steady = driver.emitted
    for event in workload.steady { workload.mix[EventKind(event).rawValue, default: 0] += 1 }
    return workload
  }
}

/// Generates valid events by following a live implementation's outcomes.
private struct Driver {
  let configuration: Configuration
  var balancer: ProductionBalancer
  var random: SplitMix64
  var emitted: [Event] = []
  var now: Milliseconds = 0
  var nextID = 1
  /// Per identifier: 0 gone, 1 queued, 2 established, 3 in between.
  var state: [UInt8] = [0]
  var position: [Int32] = [-1]
  var enqueuedAt: [Milliseconds] = [0]
  var queued: [Int] = []
  var established: [Int] = []
  /// Queued identifiers in enqueue (so deadline) order; stale entries are skipped.
  var deadlineOrder: [(id: Int, enqueuedAt: Milliseconds)] = []
  var deadlineHead = 0
  var followUps: [Event] = []
  var drained: Set<Int> = []

  init(configuration: Configuration, seed: UInt64) {
    self.configuration = configuration
    balancer = try! ProductionBalancer(configuration: configuration)
    random = SplitMix64(seed: seed)
  }

  mutating func fill(_ sessions: Int) {
    let perMillisecond = max(1, sessions / 10_000)
    for index in 0..<sessions {
      arrive()
      if index % perMillisecond == perMillisecond - 1 { emit(.tick(1)) }
    }
  }

  mutating func steady(_ count: Int, population: Int) {
    let servers = configuration.servers.count
    while emitted.count < count {
      let roll = random.below(100)
      switch roll {
      case 0..<40 where !established.isEmpty:
        emit(.close(SessionID(established[random.below(established.count)])))
      case 40..<50 where !queued.isEmpty:
        emit(.abort(SessionID(queued[random.below(queued.count)])))
      case 50..<54 where !established.isEmpty:
        emit(.abort(SessionID(established[random.below(established.count)])))
      case 54..<55:
        let server = random.below(servers)
        if random.chance(50) {
          emit(.setWeight(ServerID(server), random.int(in: 1...3)))
        } else if drained.contains(server) {
          drained.remove(server)
          emit(.setState(ServerID(server), .running))
        } else {
          drained.insert(server)
          emit(.setState(ServerID(server), .drain))
        }
      default:
        advanceTime(by: random.int(in: 1...3))
      }
      // Keep the population: one arrival per session gone.
      while queued.count + established.count < population { arrive() }
    }
  }

  mutating func arrive() {
    let id = nextID
    nextID += 1
    state.append(3)
    position.append(-1)
    enqueuedAt.append(0)
    emit(.arrive(SessionID(id)))
  }

  /// Fires the queue timeouts due, then ticks without passing a deadline.
  mutating func advanceTime(by duration: Milliseconds) {
    var step = duration
    while deadlineHead < deadlineOrder.count {
      let (id, enqueued) = deadlineOrder[deadlineHead]
      guard state[id] == 1 && enqueuedAt[id] == enqueued else {
        deadlineHead += 1
        continue
      }
      let deadline = enqueuedAt[id] + configuration.queueTimeout
      if deadline <= now {
        emit(.queueTimeout(SessionID(id)))
        continue
      }
      step = min(step, deadline - now)
      break
    }
    if deadlineHead > 4096 && deadlineHead * 2 > deadlineOrder.count {
      deadlineOrder.removeFirst(deadlineHead)
      deadlineHead = 0
    }
    emit(.tick(step))
  }

  mutating func emit(_ first: Event) {
    followUps.append(first)
    while let event = followUps.popLast() {
      let outcome = balancer.apply(event)
      precondition(!outcome.isRejected, "the workload drew an impossible event: \(event) → \(outcome)")
      emitted.append(event)
      absorb(event, outcome)
    }
  }

  mutating func absorb(_ event: Event, _ outcome: Outcome) {
    if case .tick(let duration) = event { now += duration }
    let subject = event.session?.number
    switch outcome.effect {
    case .placed(let placement), .rebalanced(_, let placement):
      if let subject { place(subject, placement) }
    case .connecting:
      if let subject { followUps.append(.connectSucceeded(SessionID(subject))) }
    case .established:
      if let subject { move(subject, to: 2) }
    case .ended:
      if let subject { move(subject, to: 0) }
    case .stateChanged(_, _, _, let redistributed):
      for id in redistributed {
        move(id.number, to: 3)
        followUps.append(.run(id))
      }
    default:
      break
    }
    for handover in outcome.handovers {
      move(handover.session.number, to: 3)
      followUps.append(.run(handover.session))
    }
  }

  mutating func place(_ id: Int, _ placement: Placement) {
    switch placement {
    case .granted:
      move(id, to: 3)
      followUps.append(.connectSucceeded(SessionID(id)))
    case .queued:
      move(id, to: 1)
      enqueuedAt[id] = now
      deadlineOrder.append((id, now))
    case .refused:
      move(id, to: 0)
    case .redispatched(_, let inner):
      place(id, inner)
    }
  }

  /// Moves `id` between the queued and established lists (swap-remove).
  mutating func move(_ id: Int, to newState: UInt8) {
    let old = state[id]
    guard old != newState else { return }
    if old == 1 || old == 2 {
      let at = Int(position[id])
      let last = old == 1 ? queued.removeLast() : established.removeLast()
      if last != id {
        if old == 1 { queued[at] = last } else { established[at] = last }
        position[last] = Int32(at)
      }
    }
    if newState == 1 {
      position[id] = Int32(queued.count)
      queued.append(id)
    } else if newState == 2 {
      position[id] = Int32(established.count)
      established.append(id)
    }
    state[id] = newState
  }
}
