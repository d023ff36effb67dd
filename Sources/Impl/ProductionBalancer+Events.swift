public import AllServedCore

extension ProductionBalancer {
  /// Applies one event and reports its effect and the slots it handed over.
  ///
  /// An impossible event is rejected with a typed reason before anything
  /// changes (`R-REJECT-UNCHANGED`). No event can make the balancer trap.
  ///
  /// - Complexity: O(log *n*) for *n* servers per reservation, release or
  ///   handover, O(1) expected per session lookup; independent of the number
  ///   of sessions, except for the lists an admin event returns.
  public mutating func apply(_ event: Event) -> Outcome {
    let effect: Effect
    switch event {
    case .arrive(let id, let cookie, let hashKey): effect = arrive(id, cookie: cookie, hashKey: hashKey)
    case .run(let id): effect = run(id)
    case .connectSucceeded(let id): effect = connectSucceeded(id)
    case .connectFailed(let id, let failure): effect = connectFailed(id, failure)
    case .close(let id): effect = close(id)
    case .abort(let id): effect = abort(id)
    case .queueTimeout(let id): effect = queueTimeout(id)
    case .setState(let server, let state): effect = setState(server, state)
    case .setWeight(let server, let weight): effect = setWeight(server, weight)
    case .setMaximumConnections(let server, let limit): effect = setMaximumConnections(server, limit)
    case .shutdownSessions(let server): effect = shutdownSessions(server)
    case .tick(let duration): effect = tick(duration)
    case .queueTask: effect = .rejected(.unsupported("deferred queue task: dequeuing is synchronous"))
    }
    let outcome = Outcome(effect, handovers: handovers)
    handovers.removeAll()
    _checkInvariants()
    return outcome
  }
}
