public import AllServedCore
public import AllServedModel

/// The reference model driven the way HAProxy runs: after each event a client,
/// a server or an operator causes, it runs what HAProxy does at once by itself.
/// A woken request runs, in the order it was woken; a connect succeeds (the held
/// backend accepts every connection); a due queue timer fires. A tick stops at
/// each queue timer on its way.
public struct ConformanceModelDriver: Sendable {
  /// The model.
  public private(set) var model: ReferenceBalancer
  /// Every event the model ran, the added ones included: a trace `allserved replay` takes.
  public private(set) var trace: [Event] = []
  /// The HTTP status each answered request got from the model's outcomes.
  public private(set) var answers: [SessionID: Int] = [:]
  /// Sessions woken by a dequeue or a redistribution, in the order they were woken.
  private var woken: [SessionID] = []

  /// Drives `model` from its current state.
  public init(model: ReferenceBalancer) { self.model = model }

  /// Runs `event`, then what HAProxy runs at once after it.
  /// - Throws: `RunError.notObservable` when the model rejects an event.
  public mutating func perform(_ event: Event) throws(ConformanceRunner.RunError) {
    if case .tick(let duration) = event {
      try advance(by: duration)
    } else {
      try apply(event)
      try settle()
    }
  }

  /// The earliest queue deadline still ahead.
  public var nextTimer: Milliseconds? {
    let snapshot = model.snapshot
    return snapshot.sessions.compactMap { session -> Milliseconds? in
      if case .queued(_, let deadline?) = session.phase, deadline > snapshot.now { deadline } else { nil }
    }.min()
  }

  /// What HAProxy should show now.
  public var prediction: ConformanceObservation {
    ConformanceObservation(predictedFrom: model.snapshot, answers: answers)
  }

  private mutating func apply(_ event: Event) throws(ConformanceRunner.RunError) {
    let outcome = model.apply(event)
    if case .rejected(let reason) = outcome.effect {
      throw .notObservable("step \(trace.count + 1) `\(event)` is rejected by the model: \(reason)")
    }
    trace.append(event)
    answers.merge(ConformanceObservation.answers(in: outcome, for: event)) { $1 }
    woken += outcome.handovers.map(\.session)
    if case .stateChanged(_, _, _, let redistributed) = outcome.effect { woken += redistributed }
  }

  /// Moves the model's clock by `duration`, stopping at each queue timer to fire it.
  private mutating func advance(by duration: Milliseconds) throws(ConformanceRunner.RunError) {
    var remaining = duration
    // Bounded: each pass moves the clock by at least 1 ms.
    while remaining > 0 {
      let now = model.snapshot.now
      let step = nextTimer.map { min(remaining, $0 - now) } ?? remaining
      try apply(.tick(step))
      remaining -= step
      try settle()
    }
  }

  /// Runs what HAProxy runs at once: woken requests, connects, due queue timers.
  private mutating func settle() throws(ConformanceRunner.RunError) {
    for _ in 0..<10_000 {
      let snapshot = model.snapshot
      func phase(_ id: SessionID) -> SessionPhase? { snapshot.sessions.first { $0.id == id }?.phase }
      if !woken.isEmpty {
        let id = woken.removeFirst()
        if phase(id) == .dequeued || phase(id) == .redistributed { try apply(.run(id)) }
      } else if let id = snapshot.sessions.first(where: { $0.phase == .dequeued || $0.phase == .redistributed })?.id {
        try apply(.run(id))
      } else if let id = snapshot.sessions.first(where: { $0.phase == .connecting })?.id {
        try apply(.connectSucceeded(id))
      } else if let due = snapshot.sessions.filter({ session in
        if case .queued(_, let deadline?) = session.phase { deadline <= snapshot.now } else { false }
      }).first {
        try apply(.queueTimeout(due.id))
      } else {
        return
      }
    }
  }

}
