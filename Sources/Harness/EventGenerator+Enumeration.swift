public import AllServedCore

/// What bounded exploration may do: the value domains of its events.
public struct ExplorationScope: Hashable, Sendable {
  /// The backend and its servers.
  public var configuration: Configuration
  /// At most this many arrivals in a trace.
  public var sessions: Int
  /// At most this many events in a trace.
  public var depth: Int
  /// Arrivals may carry a persistence cookie for each server.
  public var cookies = true
  /// The states servers may be set to (all by default).
  public var states: [ServerState] = ServerState.allCases
  /// `shutdown sessions` is explored.
  public var shutdowns = true
  /// The weights `set weight` may set (none by default).
  public var weights: [Int] = []
  /// The limits `set maxconn` may set (none by default).
  public var limits: [Int] = []
  /// The hash keys arrivals may carry under `balance hash`.
  public var hashKeys: [UInt32] = [0, 1]
  /// How connects may fail.
  public var failures: [ConnectFailure] = [.refused, .timedOut]
  /// Tick durations explored besides "to the next timer".
  public var tickDurations: [Milliseconds] = []

  /// Leaves out state changes and `shutdown sessions`.
  public mutating func excludeStateChanges() {
    states = []
    shutdowns = false
  }

  /// Adds `set weight` (0, 1) and `set maxconn` (0, 1, 2).
  public mutating func includeLimitChanges() {
    weights = [0, 1]
    limits = [0, 1, 2]
  }

  /// A scope.
  public init(configuration: Configuration, sessions: Int, depth: Int) {
    self.configuration = configuration
    self.sessions = sessions
    self.depth = depth
  }
}

extension EventGenerator {
  /// Every event the snapshot enables within `scope`, in a fixed order: each
  /// choice of ``forEachChoice(in:_:)``, the alphabet random generation draws
  /// from, expanded over every value of its domain.
  ///
  /// - Parameters:
  ///   - nextSession: The identifier a new arrival would take.
  ///   - arrivals: How many sessions have arrived so far.
  public static func enabledEvents(
    for snapshot: Snapshot, scope: ExplorationScope, nextSession: SessionID, arrivals: Int
  ) -> [Event] {
    var events: [Event] = []
    let servers = snapshot.servers.indices.map(ServerID.init)
    forEachChoice(in: snapshot) { _, _, choice in
      switch choice {
      case .arrive:
        guard arrivals < scope.sessions else { return }
        let keys: [UInt32?] = scope.configuration.algorithm == .hash ? [nil] + scope.hashKeys.map(Optional.some) : [nil]
        for key in keys {
          events.append(.arrive(nextSession, hashKey: key))
          if scope.cookies {
            for server in servers { events.append(.arrive(nextSession, cookie: server, hashKey: key)) }
          }
        }
      case .queueTask(let server): events.append(.queueTask(server))
      case .run(let id): events.append(.run(id))
      case .queueTimeout(let id): events.append(.queueTimeout(id))
      case .connected(let id): events.append(.connectSucceeded(id))
      case .connectFailed(let id): for failure in scope.failures { events.append(.connectFailed(id, failure)) }
      case .close(let id): events.append(.close(id))
      case .abort(let id): events.append(.abort(id))
      case .setState:
        for server in servers {
          for state in scope.states where state != snapshot.servers[server.index].state {
            events.append(.setState(server, state))
          }
        }
      case .setWeight:
        for server in servers {
          for weight in scope.weights where weight != snapshot.servers[server.index].weight {
            events.append(.setWeight(server, weight))
          }
        }
      case .setMaximumConnections:
        for server in servers {
          for limit in scope.limits where limit != snapshot.servers[server.index].maximumConnections {
            events.append(.setMaximumConnections(server, limit))
          }
        }
      case .shutdownSessions:
        if scope.shutdowns { for server in servers { events.append(.shutdownSessions(server)) } }
      case .tick:
        // To the next timer; with no timer, time matters only while a server warms up.
        let room = tickRoom(snapshot)
        if let room {
          events.append(.tick(room))
        } else if snapshot.servers.contains(where: \.isWarmingUp) {
          events.append(.tick(1000))
        }
        for duration in scope.tickDurations where duration != room && duration <= (room ?? duration) {
          events.append(.tick(duration))
        }
      }
    }
    return events
  }
}

extension Event {
  /// The arrivals so far and the highest session number, after this event:
  /// what ``EventGenerator/enabledEvents(for:scope:nextSession:arrivals:)``
  /// needs for the next state.
  package func counting(arrivals: Int, highest: Int) -> (arrivals: Int, highest: Int) {
    if case .arrive(let id, _, _) = self { return (arrivals + 1, id.number) }
    return (arrivals, highest)
  }
}
