public import AllServedCore

/// Draws configurations and events that are valid by construction: each event
/// is chosen among those the current snapshot enables, except a small share of
/// deliberately impossible ones that every system must reject unchanged.
///
/// All randomness comes from one ``SplitMix64``; nothing depends on hashing
/// order or the platform, so a seed always draws the same trace.
public struct EventGenerator: Sendable {
  /// The generator's randomness.
  public var random: SplitMix64
  /// The event kinds this trace may draw (swarm testing: each trace leaves some out).
  public private(set) var enabledKinds: Set<EventKind>
  /// The percentage of deliberately impossible events.
  public var impossibleShare: Int
  /// The highest session number drawn so far.
  public private(set) var lastSessionNumber = 0

  /// Creates a generator for one trace.
  ///
  /// - Parameters:
  ///   - seed: The seed of the trace.
  ///   - swarm: Whether to leave out a random subset of the optional event kinds.
  ///   - impossibleShare: The percentage of impossible events, 5 by default.
  public init(seed: UInt64, swarm: Bool = true, impossibleShare: Int = 5) {
    random = SplitMix64(seed: seed)
    self.impossibleShare = impossibleShare
    var kinds = Set(EventKind.allCases)
    if swarm {
      // Arrivals, runs, connections, closes and ticks keep traces moving; the rest
      // is each left out with probability 1/3 (Groce et al., swarm testing).
      let optional: [EventKind] = [
        .abort, .queueTimeout, .setState, .setWeight, .setMaximumConnections,
        .shutdownSessions, .connectFailed,
      ]
      for kind in optional where random.below(3) == 0 { kinds.remove(kind) }
    }
    enabledKinds = kinds
  }

  /// Draws a small configuration, biased toward the edges: limits of 0 and 1,
  /// `maxqueue` 1, several servers sharing one limit.
  public mutating func configuration() -> Configuration {
    let count = random.int(in: 1...4)
    var servers: [ServerConfiguration] = []
    let dynamic = random.chance(15)
    for _ in 0..<count {
      let maximum = random.pick([0, 1, 1, 1, 2, 2, 3])
      var server = ServerConfiguration(
        weight: random.pick([1, 1, 1, 2, 3]), maximumConnections: maximum,
        maximumQueueLength: random.pick([0, 0, 1, 2]),
        slowStart: random.chance(15) ? random.pick([1000, 3000]) : 0,
        initialState: random.chance(10) ? random.pick([.down, .maint, .drain]) : .running)
      if dynamic && maximum > 1 { server.minimumConnections = 1 }
      servers.append(server)
    }
    return Configuration(
      algorithm: random.pick(Algorithm.allCases), retries: random.pick([0, 1, 2, 3]),
      redispatch: random.chance(60), persist: random.chance(30),
      queueTimeout: random.pick([0, 500, 1000, 3000]),
      fullConnections: dynamic ? random.pick([2, 4, 8]) : 0, servers: servers)
  }

  /// One drawn event, and whether it was drawn to be rejected.
  public struct Draw: Hashable, Sendable {
    /// The event.
    public var event: Event
    /// Whether every system must reject it (`R-REJECT-UNCHANGED`).
    public var isImpossible: Bool
  }

  /// Draws the next event for a system in state `snapshot`.
  public mutating func draw(for snapshot: Snapshot, configuration: Configuration) -> Draw {
    if random.chance(impossibleShare) {
      return Draw(event: impossibleEvent(for: snapshot), isImpossible: true)
    }
    return Draw(event: enabledEvent(for: snapshot, configuration: configuration), isImpossible: false)
  }

  /// Draws an event the snapshot enables.
  mutating func enabledEvent(for snapshot: Snapshot, configuration: Configuration) -> Event {
    var choices: [(weight: Int, make: (inout EventGenerator) -> Event)] = []
    func offer(_ kind: EventKind, _ weight: Int, _ make: @escaping (inout EventGenerator) -> Event) {
      if enabledKinds.contains(kind) { choices.append((weight, make)) }
    }
    let servers = snapshot.servers.count
    offer(.arrive, 12) { generator in
      generator.lastSessionNumber += 1
      let cookie = generator.random.chance(25) ? ServerID(generator.random.below(servers)) : nil
      let key: UInt32? =
        configuration.algorithm == .hash && generator.random.chance(85)
        ? UInt32(generator.random.below(8)) : nil
      return .arrive(SessionID(generator.lastSessionNumber), cookie: cookie, hashKey: key)
    }
    for session in snapshot.sessions {
      let id = session.id
      switch session.phase {
      case .dequeued, .redistributed:
        offer(.run, 25) { _ in .run(id) }
      case .turnaround(let until) where until <= snapshot.now:
        offer(.run, 25) { _ in .run(id) }
      case .queued(_, let deadline?) where deadline <= snapshot.now:
        offer(.queueTimeout, 25) { _ in .queueTimeout(id) }
      case .connecting:
        offer(.connected, 10) { _ in .connectSucceeded(id) }
        offer(.connectFailed, 4) { generator in
          .connectFailed(id, generator.random.chance(50) ? .refused : .timedOut)
        }
      case .established:
        offer(.close, 8) { _ in .close(id) }
      case .queued, .turnaround:
        break
      }
      offer(.abort, 1) { _ in .abort(id) }
    }
    offer(.setState, 2) { generator in
      .setState(ServerID(generator.random.below(servers)), generator.random.pick(ServerState.allCases))
    }
    offer(.setWeight, 1) { generator in
      .setWeight(ServerID(generator.random.below(servers)), generator.random.pick([0, 1, 2, 3]))
    }
    offer(.setMaximumConnections, 1) { generator in
      .setMaximumConnections(ServerID(generator.random.below(servers)), generator.random.pick([0, 1, 2, 3]))
    }
    offer(.shutdownSessions, 1) { generator in .shutdownSessions(ServerID(generator.random.below(servers))) }
    // R-TIME-TICK: time moves only from a quiescent state, at most to the next timer.
    if Invariants.isQuiescent(snapshot) {
      let room = Self.tickRoom(snapshot)
      offer(.tick, 6) { generator in
        // Half the ticks land exactly on the next timer, so timers often fall due together.
        if let room, generator.random.chance(50) { return .tick(room) }
        return .tick(generator.random.int(in: 1...min(room ?? 2000, 2000)))
      }
    }
    // Swarm never leaves arrivals out, so this fallback is only a safety net.
    guard !choices.isEmpty else {
      lastSessionNumber += 1
      return .arrive(SessionID(lastSessionNumber))
    }
    var ticket = random.below(choices.reduce(0) { $0 + $1.weight })
    for choice in choices {
      if ticket < choice.weight { return choice.make(&self) }
      ticket -= choice.weight
    }
    return choices[choices.count - 1].make(&self)
  }

  /// How far time may move from a quiescent state: up to the next timer, or
  /// `nil` when no timer is armed.
  static func tickRoom(_ snapshot: Snapshot) -> Milliseconds? {
    var earliest: Milliseconds?
    for session in snapshot.sessions {
      let deadline: Milliseconds?
      switch session.phase {
      case .queued(_, let value): deadline = value
      case .turnaround(let until): deadline = until
      default: deadline = nil
      }
      if let deadline { earliest = min(earliest ?? deadline, deadline) }
    }
    return earliest.map { $0 - snapshot.now }
  }

  /// An event every system must reject: the state names no such thing, or the
  /// session is in the wrong phase, or a number is out of range.
  public mutating func impossibleEvent(for snapshot: Snapshot) -> Event {
    let unknown = SessionID(lastSessionNumber + 1000)
    let servers = snapshot.servers.count
    switch random.below(8) {
    case 0: return .run(unknown)
    case 1: return .arrive(SessionID(random.int(in: 0...max(0, lastSessionNumber))))
    case 2: return .setState(ServerID(servers + random.below(3)), .running)
    case 3: return .tick(random.pick([0, -5]))
    case 4: return .setWeight(ServerID(random.below(servers)), random.pick([-1, 257]))
    case 5: return .setMaximumConnections(ServerID(random.below(servers)), -1)
    default:
      guard !snapshot.sessions.isEmpty else { return .close(unknown) }
      let session = random.pick(snapshot.sessions)
      switch session.phase {
      case .established: return .run(session.id)
      case .connecting: return .close(session.id)
      case .queued(_, let deadline):
        return deadline.map { $0 > snapshot.now } ?? true
          ? .queueTimeout(session.id) : .connectSucceeded(session.id)
      case .dequeued, .redistributed, .turnaround: return .connectSucceeded(session.id)
      }
    }
  }
}
