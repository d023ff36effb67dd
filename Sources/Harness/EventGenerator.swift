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
  /// ``enabledKinds`` as bits in `EventKind.allCases` order: a raw-value enum
  /// hashes its string, far too slow for every offered choice.
  private var enabledMask: UInt32 = 0
  /// The weighted choices of the current draw, kept to reuse their storage.
  private var choices: [(choice: Choice, weight: Int)] = []

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
    for (bit, kind) in EventKind.allCases.enumerated() where kinds.contains(kind) { enabledMask |= 1 << bit }
  }

  /// Draws a small configuration, biased toward the edges: limits of 0 and 1,
  /// `maxqueue` 1, several servers sharing one limit, 1 to 8 servers with
  /// small backends the most frequent.
  public mutating func configuration() -> Configuration {
    let count = random.pick([1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 8])
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

  /// One enabled event, before its random details are drawn.
  enum Choice {
    case arrive, setState, setWeight, setMaximumConnections, shutdownSessions, tick
    case run(SessionID), queueTimeout(SessionID), connected(SessionID), connectFailed(SessionID)
    case close(SessionID), abort(SessionID), queueTask(ServerID)
  }

  /// Draws an event the snapshot enables, from a weighted table of choices.
  ///
  /// The weights lean toward the edges: a waiting server going down, a full
  /// server or a queue at `maxqueue` named by a cookie, a failure on the last
  /// retry, a tick that lands exactly on the next timers.
  mutating func enabledEvent(for snapshot: Snapshot, configuration: Configuration) -> Event {
    choices.removeAll(keepingCapacity: true)
    func offer(_ kind: EventKind, _ weight: Int, _ choice: Choice) {
      if enabledMask & (1 << kind.ordinal) != 0 { choices.append((choice, weight)) }
    }
    Self.forEachChoice(in: snapshot, offer)
    // Swarm never leaves arrivals out, so this fallback is only a safety net.
    guard !choices.isEmpty else { return arrival(snapshot, configuration) }
    var total = 0
    for choice in choices { total += choice.weight }
    var ticket = random.below(total)
    var chosen = choices[choices.count - 1].choice
    for choice in choices {
      if ticket < choice.weight {
        chosen = choice.choice
        break
      }
      ticket -= choice.weight
    }
    return realize(chosen, snapshot, configuration)
  }

  /// The generator's alphabet: every kind of event the snapshot enables, with
  /// its weight for random drawing, in a fixed order. Random generation draws
  /// from it; exhaustive exploration expands each choice over its domain.
  static func forEachChoice(in snapshot: Snapshot, _ body: (EventKind, Int, Choice) -> Void) {
    body(.arrive, 12, .arrive)
    for (index, server) in snapshot.servers.enumerated() where server.hasScheduledTask {
      body(.queueTask, 25, .queueTask(ServerID(index)))
    }
    for session in snapshot.sessions {
      let id = session.id
      switch session.phase {
      case .dequeued, .redistributed:
        body(.run, 25, .run(id))
      case .turnaround(let until) where until <= snapshot.now:
        body(.run, 25, .run(id))
      case .queued(_, let deadline?) where deadline <= snapshot.now:
        body(.queueTimeout, 25, .queueTimeout(id))
      case .connecting:
        body(.connected, 10, .connected(id))
        body(.connectFailed, session.retriesLeft == 0 ? 6 : 4, .connectFailed(id))  // the last retry weighs more
      case .established:
        body(.close, 8, .close(id))
      case .queued, .turnaround:
        break
      }
      body(.abort, 1, .abort(id))
    }
    let waiting = snapshot.servers.contains { !$0.queue.isEmpty }
    body(.setState, waiting ? 4 : 2, .setState)
    body(.setWeight, 1, .setWeight)
    body(.setMaximumConnections, 1, .setMaximumConnections)
    body(.shutdownSessions, 1, .shutdownSessions)
    // R-TIME-TICK: time moves only from a quiescent state, at most to the next timer.
    if Invariants.isQuiescent(snapshot) { body(.tick, 6, .tick) }
  }

  /// Draws the details of the chosen event.
  mutating func realize(_ choice: Choice, _ snapshot: Snapshot, _ configuration: Configuration) -> Event {
    let servers = snapshot.servers.count
    switch choice {
    case .arrive:
      return arrival(snapshot, configuration)
    case .run(let id): return .run(id)
    case .queueTimeout(let id): return .queueTimeout(id)
    case .connected(let id): return .connectSucceeded(id)
    case .connectFailed(let id): return .connectFailed(id, random.chance(50) ? .refused : .timedOut)
    case .close(let id): return .close(id)
    case .abort(let id): return .abort(id)
    case .queueTask(let server): return .queueTask(server)
    case .setState:
      // A server with waiters is the interesting one to take down.
      let waiting = snapshot.servers.indices.filter { !snapshot.servers[$0].queue.isEmpty }
      let server = !waiting.isEmpty && random.chance(60) ? random.pick(waiting) : random.below(servers)
      return .setState(ServerID(server), random.pick(ServerState.allCases))
    case .setWeight:
      return .setWeight(ServerID(random.below(servers)), random.pick([0, 1, 2, 3]))
    case .setMaximumConnections:
      return .setMaximumConnections(ServerID(random.below(servers)), random.pick([0, 1, 2, 3]))
    case .shutdownSessions:
      return .shutdownSessions(ServerID(random.below(servers)))
    case .tick:
      let room = Self.tickRoom(snapshot)
      // Half the ticks land exactly on the next timer, so timers often fall due together.
      if let room, random.chance(50) { return .tick(room) }
      return .tick(random.int(in: 1...min(room ?? 2000, 2000)))
    }
  }

  /// A fresh arrival; a cookie, when drawn, prefers a full server or a queue
  /// at its `maxqueue`, where assignment has the most to decide.
  mutating func arrival(_ snapshot: Snapshot, _ configuration: Configuration) -> Event {
    lastSessionNumber += 1
    var cookie: ServerID?
    if random.chance(25) {
      let crowded = snapshot.servers.indices.filter { index in
        let server = snapshot.servers[index]
        return server.maximumConnections > 0 && server.served >= server.limit
      }
      cookie = ServerID(!crowded.isEmpty && random.chance(60) ? random.pick(crowded) : random.below(snapshot.servers.count))
    }
    let key: UInt32? = configuration.algorithm == .hash && random.chance(85) ? UInt32(random.below(8)) : nil
    return .arrive(SessionID(lastSessionNumber), cookie: cookie, hashKey: key)
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
    switch random.below(9) {
    case 0: return .run(unknown)
    case 1: return .arrive(SessionID(random.int(in: 0...max(0, lastSessionNumber))))
    case 2: return .setState(ServerID(servers + random.below(3)), .running)
    case 3: return .tick(random.pick([0, -5]))
    case 4: return .setWeight(ServerID(random.below(servers)), random.pick([-1, 257]))
    case 5: return .setMaximumConnections(ServerID(random.below(servers)), -1)
    case 6:
      // Time may not move while a woken session waits to run, nor past a timer.
      let woken = snapshot.sessions.contains { $0.phase == .dequeued || $0.phase == .redistributed }
      if woken { return .tick(random.int(in: 1...2000)) }
      if let room = Self.tickRoom(snapshot) { return .tick(room + random.int(in: 1...1000)) }
      return .tick(random.pick([0, -5]))
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
