import AllServedCore
import Testing

let s0 = ServerID(0)
let s1 = ServerID(1)
let s2 = ServerID(2)

/// Session `number`, as a trace writes it (`#number`).
func x(_ number: Int) -> SessionID { SessionID(number) }

/// A server line with HAProxy's keywords as argument labels.
func server(
  maxconn: Int = 0, minconn: Int = 0, maxqueue: Int = 0, weight: Int = 1,
  slowstart: Milliseconds = 0, state: ServerState = .running
) -> ServerConfiguration {
  ServerConfiguration(
    weight: weight, maximumConnections: maxconn, minimumConnections: minconn,
    maximumQueueLength: maxqueue, slowStart: slowstart, initialState: state)
}

/// Drives one system event by event. After every event it checks every
/// invariant (state and step) and records an issue naming the event for each
/// violation, so each scenario also checks I1–I12 at every step.
struct Scenario {
  private(set) var system: any ReservationSystem
  private(set) var events: [Event] = []

  init(_ kind: SystemUnderTest, _ configuration: Configuration) throws {
    system = try kind.make(configuration)
  }

  var snapshot: Snapshot { system.snapshot }

  func server(_ id: ServerID) -> ServerSnapshot { snapshot.servers[id.index] }

  func session(_ number: Int) -> SessionSnapshot? { snapshot.session(x(number)) }

  func phase(_ number: Int) -> SessionPhase? { session(number)?.phase }

  /// Applies `event`, checks all invariants, and returns the outcome.
  @discardableResult
  mutating func step(_ event: Event, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
    let before = system.snapshot
    let outcome = system.apply(event)
    events.append(event)
    let after = system.snapshot
    for violation in Invariants.checkAll(from: before, event: event, outcome: outcome, to: after) {
      Issue.record(
        "step \(events.count) `\(event)`: \(violation)", sourceLocation: sourceLocation)
    }
    return outcome
  }

  /// Applies `event` and expects exactly this effect and these handovers.
  mutating func expect(
    _ event: Event, _ effect: Effect, handovers: [Handover] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let outcome = step(event, sourceLocation: sourceLocation)
    #expect(
      outcome == Outcome(effect, handovers: Handovers(handovers)), "step \(events.count) `\(event)`",
      sourceLocation: sourceLocation)
  }

  /// Applies several events that must all be accepted.
  mutating func run(_ events: [Event], sourceLocation: SourceLocation = #_sourceLocation) {
    for event in events {
      let outcome = step(event, sourceLocation: sourceLocation)
      if outcome.isRejected {
        Issue.record("`\(event)` was rejected: \(outcome.effect)", sourceLocation: sourceLocation)
      }
    }
  }

  /// Expects the event to be rejected for `reason`, with the snapshot unchanged.
  mutating func expectRejected(
    _ event: Event, _ reason: Rejection, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let before = snapshot
    expect(event, .rejected(reason), sourceLocation: sourceLocation)
    #expect(snapshot == before, "`\(event)` changed the state", sourceLocation: sourceLocation)
  }
}
