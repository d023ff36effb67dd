public import AllServedCore
public import AllServedHarness
import AllServedModel

/// Random conformance traces, drawn from the harness's own alphabet
/// (`EventGenerator.enabledEvents`) and restricted to what HAProxy shows
/// without races (Specs/Conformance.md, "Random traces"):
///
/// - every external event comes after a tick, so no two requests share a
///   millisecond: 5 ms apart without a queue timeout, 40 ms apart with one;
/// - with a queue timeout of 220 ms every request joins a queue at a multiple
///   of 40 ms, so every deadline falls 20 ms away from every other event;
/// - no hash keys, no connect failures, no `down` (these need health checks).
public struct ConformanceTraces: Sendable {
  private var seed: UInt64
  /// External events per trace.
  public var length: Int

  /// Traces seeded `seed`, `seed + 1`, …
  public init(seed: UInt64, length: Int) {
    self.seed = seed
    self.length = length
  }

  /// The queue timeout of timed traces, and the spacing of their events.
  public static let queueTimeout: Milliseconds = 220
  static let timedSpacing: Milliseconds = 40
  static let untimedSpacing: Milliseconds = 5

  /// The next trace; its `seed` field regenerates it.
  public mutating func next() -> Trace {
    defer { seed &+= 1 }
    return Self.trace(seed: seed, length: length)
  }

  /// The trace of `seed`.
  public static func trace(seed: UInt64, length: Int) -> Trace {
    var random = SplitMix64(seed: seed)
    let configuration = configuration(&random)
    var events: [Event] = []
    // The configurations drawn here are valid; an invalid one gives an empty trace, never a trap.
    guard let model = try? ReferenceBalancer(configuration: configuration) else {
      return Trace(configuration: configuration, events: events, title: "random conformance trace", seed: seed)
    }
    var driver = ConformanceModelDriver(model: model)
    var scope = ExplorationScope(configuration: configuration, sessions: Int.max, depth: length)
    scope.states = [.running, .drain, .maint]
    scope.limits = [1, 2, 3]
    scope.weights = [1, 2, 3]
    scope.failures = []
    let spacing = configuration.queueTimeout == 0 ? untimedSpacing : timedSpacing
    var nextSession = 1
    // Bounded: each pass adds one external event or gives up.
    drawing: for _ in 0..<length {
      let enabled = EventGenerator.enabledEvents(
        for: driver.model.snapshot, scope: scope, nextSession: SessionID(nextSession), arrivals: nextSession - 1
      ).filter { isExternal($0) && isObservable($0, in: driver.model.snapshot) }
      guard let event = pick(from: enabled, &random) else { break }
      for step in [Event.tick(spacing), event] {
        // Enabled events are accepted; were one not, the trace would just end here.
        guard (try? driver.perform(step)) != nil else { break drawing }
        events.append(step)
      }
      if case .arrive = event { nextSession += 1 }
    }
    return Trace(configuration: configuration, events: events, title: "random conformance trace", seed: seed)
  }

  private static func configuration(_ random: inout SplitMix64) -> Configuration {
    let algorithm: Algorithm = random.chance(50) ? .roundRobin : .leastConnections
    let servers = (0..<random.int(in: 1...3)).map { _ in
      let limit = random.int(in: 1...2)
      return ServerConfiguration(
        weight: random.pick([1, 1, 2, 3]), maximumConnections: limit, minimumConnections: limit,
        maximumQueueLength: random.int(in: 0...2))
    }
    return Configuration(
      algorithm: algorithm, retries: 0, redispatch: random.chance(50),
      queueTimeout: random.chance(50) ? queueTimeout : 0, servers: servers, semantics: .haproxy26)
  }

  /// The events a client, a server or an operator causes; the runner adds the rest.
  private static func isExternal(_ event: Event) -> Bool {
    switch event {
    case .arrive, .close, .abort, .setState, .setWeight, .setMaximumConnections, .shutdownSessions: true
    case .run, .connectSucceeded, .connectFailed, .queueTimeout, .tick, .queueTask: false
    }
  }

  /// A server returning to `running` while the backend queue holds requests
  /// meets the defect HAProxy 2.6 still has (Specs/Conformance.md, D1): it is
  /// drawn only with that queue empty.
  private static func isObservable(_ event: Event, in snapshot: Snapshot) -> Bool {
    if case .setState(_, .running) = event { return snapshot.backend.queueLength == 0 }
    return true
  }

  /// A kind first (arrivals most), then an event of that kind.
  private static func pick(from events: [Event], _ random: inout SplitMix64) -> Event? {
    let weights: [(kind: Int, weight: Int)] = [(0, 40), (1, 25), (2, 8), (3, 12), (4, 6), (5, 5), (6, 4)]
    let available = weights.filter { entry in events.contains { kind(of: $0) == entry.kind } }
    guard !available.isEmpty else { return nil }
    var roll = random.below(available.reduce(0) { $0 + $1.weight })
    for entry in available {
      if roll < entry.weight { return random.pick(events.filter { kind(of: $0) == entry.kind }) }
      roll -= entry.weight
    }
    return nil
  }

  private static func kind(of event: Event) -> Int {
    switch event {
    case .arrive: 0
    case .close: 1
    case .abort: 2
    case .setState: 3
    case .setMaximumConnections: 4
    case .shutdownSessions: 5
    case .setWeight: 6
    default: -1
    }
  }
}
