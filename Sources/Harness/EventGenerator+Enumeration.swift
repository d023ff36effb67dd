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
  /// State changes (every state) and `shutdown sessions` are explored.
  public var stateChanges = true
  /// `set weight` (0 and 1) and `set maxconn` (0, 1 and 2) are explored.
  public var limitChanges = false
  /// The hash keys arrivals may carry under `balance hash`.
  public var hashKeys: [UInt32] = [0, 1]

  /// A scope.
  public init(configuration: Configuration, sessions: Int, depth: Int) {
    self.configuration = configuration
    self.sessions = sessions
    self.depth = depth
  }
}

extension EventGenerator {
  /// Every event the snapshot enables within `scope`, in a fixed order: the
  /// harness's own alphabet (the choices random generation draws from), each
  /// choice with every value of its domain.
  ///
  /// - Parameters:
  ///   - nextSession: The identifier a new arrival would take.
  ///   - arrivals: How many sessions have arrived so far.
  public static func enabledEvents(
    for snapshot: Snapshot, scope: ExplorationScope, nextSession: SessionID, arrivals: Int
  ) -> [Event] {
    var events: [Event] = []
    let servers = snapshot.servers.indices.map(ServerID.init)
    if arrivals < scope.sessions {
      let keys: [UInt32?] = scope.configuration.algorithm == .hash ? [nil] + scope.hashKeys.map(Optional.some) : [nil]
      for key in keys {
        events.append(.arrive(nextSession, hashKey: key))
        if scope.cookies {
          for server in servers { events.append(.arrive(nextSession, cookie: server, hashKey: key)) }
        }
      }
    }
    for (index, server) in snapshot.servers.enumerated() where server.hasScheduledTask {
      events.append(.queueTask(ServerID(index)))
    }
    for session in snapshot.sessions {
      let id = session.id
      switch session.phase {
      case .dequeued, .redistributed:
        events.append(.run(id))
      case .turnaround(let until) where until <= snapshot.now:
        events.append(.run(id))
      case .queued(_, let deadline?) where deadline <= snapshot.now:
        events.append(.queueTimeout(id))
      case .connecting:
        events += [.connectSucceeded(id), .connectFailed(id, .refused), .connectFailed(id, .timedOut)]
      case .established:
        events.append(.close(id))
      case .queued, .turnaround:
        break
      }
      events.append(.abort(id))
    }
    if scope.stateChanges {
      for server in servers {
        for state in ServerState.allCases where state != snapshot.servers[server.index].state {
          events.append(.setState(server, state))
        }
        events.append(.shutdownSessions(server))
      }
    }
    if scope.limitChanges {
      for server in servers {
        for weight in [0, 1] where weight != snapshot.servers[server.index].weight {
          events.append(.setWeight(server, weight))
        }
        for limit in [0, 1, 2] where limit != snapshot.servers[server.index].maximumConnections {
          events.append(.setMaximumConnections(server, limit))
        }
      }
    }
    // Time moves only from a quiescent state, to the next timer; with no timer
    // it matters only while a server warms up.
    if Invariants.isQuiescent(snapshot) {
      if let room = tickRoom(snapshot) {
        events.append(.tick(room))
      } else if snapshot.servers.contains(where: \.isWarmingUp) {
        events.append(.tick(1000))
      }
    }
    return events
  }
}
