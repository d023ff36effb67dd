/// The invariant checks. They read snapshots only, never trap, and return
/// every violation they find, in invariant order.
public enum Invariants {
  /// Checks the state invariants (I1, I3–I8) on one snapshot.
  ///
  /// - Complexity: O(*s* log *s* + *n*) for *s* sessions and *n* servers.
  public static func check(_ snapshot: Snapshot) -> [Violation] {
    var checks = StateChecks(snapshot: snapshot)
    checks.run()
    return checks.found
  }

  /// Checks the step invariants (I2, I9–I12) of one event.
  ///
  /// - Parameters:
  ///   - before: The snapshot before the event.
  ///   - event: The event.
  ///   - outcome: What the system reported for the event.
  ///   - after: The snapshot after the event.
  /// - Complexity: O(*q* + *h*·*n*) for *q* queued sessions and *h* handovers.
  public static func checkStep(
    from before: Snapshot, event: Event, outcome: Outcome, to after: Snapshot
  ) -> [Violation] {
    var checks = StepChecks(before: before, event: event, outcome: outcome, after: after)
    checks.run()
    return checks.found
  }

  /// Both checks: the state invariants of `after` and the step invariants.
  public static func checkAll(
    from before: Snapshot, event: Event, outcome: Outcome, to after: Snapshot
  ) -> [Violation] {
    (check(after) + checkStep(from: before, event: event, outcome: outcome, to: after))
      .sorted { lhs, rhs in order(lhs.invariant) < order(rhs.invariant) }
  }

  /// Whether the snapshot is quiescent: no woken session waits to run and no
  /// timer is due, so time may advance (`R-TIME-TICK`). I8 is judged only there.
  public static func isQuiescent(_ snapshot: Snapshot) -> Bool {
    !snapshot.servers.contains(where: \.hasScheduledTask) && snapshot.sessions.allSatisfy { session in
      switch session.phase {
      case .dequeued, .redistributed: false
      case .queued(_, let deadline): deadline.map { $0 > snapshot.now } ?? true
      case .turnaround(let until): until > snapshot.now
      case .connecting, .established: true
      }
    }
  }

  /// The smallest `served` a server may show while a request it may serve waits,
  /// in a quiescent state: its limit can never be below this (`I8-WORK-CONSERVATION`).
  public static func servedFloor(_ server: ServerSnapshot) -> Int {
    server.isWarmingUp ? 1 : server.minimumConnections
  }

  static func order(_ invariant: Invariant) -> Int {
    Invariant.allCases.firstIndex(of: invariant) ?? 0
  }
}

/// I1, I3–I8 over one snapshot.
private struct StateChecks {
  let snapshot: Snapshot
  var found: [Violation] = []

  private mutating func report(_ invariant: Invariant, _ detail: String) {
    found.append(Violation(invariant, detail))
  }

  private func isServer(_ id: ServerID?) -> Bool {
    id.map { $0.index >= 0 && $0.index < snapshot.servers.count } ?? true
  }

  mutating func run() {
    slotAccounting()
    connectionsOwnSlots()
    queueCounters()
    exclusivity()
    maximumQueueLength()
    flagCoherence()
    workConservation()
  }

  // I1-SLOT-ACCOUNTING: served(S) == |{x : x.slot == S}|.
  private mutating func slotAccounting() {
    var owners = Array(repeating: 0, count: snapshot.servers.count)
    for session in snapshot.sessions {
      guard let slot = session.slot else { continue }
      guard isServer(slot) else {
        report(.slotAccounting, "\(session.id) owns a slot on unknown server \(slot)")
        continue
      }
      owners[slot.index] += 1
    }
    for (index, server) in snapshot.servers.enumerated() where server.served != owners[index] {
      report(
        .slotAccounting,
        "\(ServerID(index)) counts served=\(server.served) but \(owners[index]) sessions own its slots")
    }
  }

  // I3-CONNECTIONS-OWN-SLOTS: cur_sess counts the connections of S, and never exceeds served.
  private mutating func connectionsOwnSlots() {
    var open = Array(repeating: 0, count: snapshot.servers.count)
    for session in snapshot.sessions where session.phase.hasConnection {
      guard let server = session.assigned, isServer(server) else {
        report(.connectionsOwnSlots, "\(session.id) is \(session.phase) without a server")
        continue
      }
      open[server.index] += 1
    }
    for (index, server) in snapshot.servers.enumerated() {
      let id = ServerID(index)
      if server.connections != open[index] {
        report(
          .connectionsOwnSlots,
          "\(id) counts \(server.connections) connections but \(open[index]) sessions are connecting or established")
      }
      if server.connections > server.served {
        report(
          .connectionsOwnSlots,
          "\(id) has \(server.connections) connections but only \(server.served) slot owners")
      }
    }
  }

  // I4-QUEUE-COUNTERS: nbpend, totpend and beconn match the contents.
  private mutating func queueCounters() {
    let backend = snapshot.backend
    if backend.queueLength != backend.queue.count {
      report(
        .queueCounters,
        "backend queue counter is \(backend.queueLength) but it holds \(backend.queue.count)")
    }
    var pending = backend.queue.count
    for (index, server) in snapshot.servers.enumerated() {
      pending += server.queue.count
      if server.queueLength != server.queue.count {
        report(
          .queueCounters,
          "\(ServerID(index)) queue counter is \(server.queueLength) but it holds \(server.queue.count)")
      }
    }
    if backend.totalPending != pending {
      report(.queueCounters, "totpend is \(backend.totalPending) but \(pending) requests are queued")
    }
    if backend.sessionCount != snapshot.sessions.count {
      report(
        .queueCounters,
        "beconn is \(backend.sessionCount) but \(snapshot.sessions.count) sessions are live")
    }
  }

  // I5-EXCLUSIVITY: in at most one queue; queued ⇒ no slot; slot ⇔ slot-owning phase;
  // slot == assigned.
  private mutating func exclusivity() {
    for (earlier, later) in zip(snapshot.sessions, snapshot.sessions.dropFirst()) where earlier.id >= later.id {
      report(.exclusivity, "sessions are not listed once each by increasing id: \(earlier.id) before \(later.id)")
    }
    // The queue each live session was found in, by its position in `sessions`:
    // -2 none, -1 the backend, n server n (plain integers: no allocation per entry).
    var seen = [Int](repeating: -2, count: snapshot.sessions.count)
    func name(_ code: Int) -> QueueID { code < 0 ? .backend : .server(ServerID(code)) }
    for code in -1..<snapshot.servers.count {
      let queue = name(code)
      for id in code < 0 ? snapshot.backend.queue : snapshot.servers[code].queue {
        guard let at = snapshot.position(of: id) else {
          report(.exclusivity, "queue \(queue) holds \(id), which is not a live session")
          continue
        }
        if seen[at] != -2 {
          report(.exclusivity, "\(id) is in queue \(name(seen[at])) and in queue \(queue)")
          continue
        }
        seen[at] = code
        let session = snapshot.sessions[at]
        guard case .queued(let phaseQueue, _) = session.phase, phaseQueue == queue else {
          report(.exclusivity, "queue \(queue) holds \(id), which is \(session.phase)")
          continue
        }
      }
    }
    for (at, session) in snapshot.sessions.enumerated() {
      let id = session.id
      if case .queued(let queue, _) = session.phase {
        if seen[at] == -2 || name(seen[at]) != queue {
          report(.exclusivity, "\(id) is \(session.phase) but not in that queue")
        }
        switch queue {
        case .backend where session.assigned != nil:
          report(.exclusivity, "\(id) is in the backend queue but bound to \(session.assigned!)")
        case .server(let server) where session.assigned != server:
          report(.exclusivity, "\(id) is in \(server)'s queue but bound to \(String(describing: session.assigned))")
        default: break
        }
      }
      if session.phase.ownsSlot != (session.slot != nil) {
        report(
          .exclusivity,
          "\(id) is \(session.phase) and " + (session.slot.map { "owns a slot on \($0)" } ?? "owns no slot"))
      }
      if let slot = session.slot, session.assigned != slot {
        report(.exclusivity, "\(id) owns a slot on \(slot) but is bound to \(String(describing: session.assigned))")
      }
      if session.phase == .redistributed && session.assigned != nil {
        report(.exclusivity, "\(id) is redistributed but still bound to \(session.assigned!)")
      }
    }
  }

  // I6-MAXQUEUE: maxqueue > 0 ⇒ nbpend ≤ maxqueue.
  private mutating func maximumQueueLength() {
    for (index, server) in snapshot.servers.enumerated()
    where server.maximumQueueLength > 0 && server.queue.count > server.maximumQueueLength {
      report(
        .maximumQueueLength,
        "\(ServerID(index)) queues \(server.queue.count) requests, maxqueue is \(server.maximumQueueLength)")
    }
  }

  // I7-FLAG-COHERENCE: DIRECT ⇒ ASSIGNED; SN_REDISP ⇒ prev_srv.
  private mutating func flagCoherence() {
    for session in snapshot.sessions {
      if session.isDirect && session.assigned == nil {
        report(.flagCoherence, "\(session.id) is DIRECT but bound to no server")
      }
      if session.wasRedispatched && session.previous == nil {
        report(.flagCoherence, "\(session.id) was redispatched but has no previous server")
      }
    }
  }

  // I8-WORK-CONSERVATION: in a quiescent state, no server with room faces a queue it may serve.
  private mutating func workConservation() {
    guard Invariants.isQuiescent(snapshot) else { return }
    let backendWaits = !snapshot.backend.queue.isEmpty
    for (index, server) in snapshot.servers.enumerated() {
      let id = ServerID(index)
      let mayServeBackend = server.isUsable && backendWaits
      if server.maximumConnections == 0 {
        if !server.queue.isEmpty || mayServeBackend {
          report(
            .workConservation,
            "\(id) has no maxconn yet requests wait: " + waiting(server, backend: mayServeBackend))
        }
      } else if !server.queue.isEmpty || mayServeBackend {
        let floor = Invariants.servedFloor(server)
        if server.served < floor {
          report(
            .workConservation,
            "\(id) serves \(server.served) of at least \(floor)"
              + (server.isWarmingUp ? " (warming up, limit \(server.limit))" : "")
              + " while requests wait: " + waiting(server, backend: mayServeBackend))
        }
      }
    }
  }

  private func waiting(_ server: ServerSnapshot, backend: Bool) -> String {
    var parts: [String] = []
    if !server.queue.isEmpty { parts.append("own queue \(server.queue)") }
    if backend { parts.append("backend queue \(snapshot.backend.queue)") }
    return parts.joined(separator: ", ")
  }
}

/// I2, I9–I12 over one event.
private struct StepChecks {
  let before: Snapshot
  let event: Event
  let outcome: Outcome
  let after: Snapshot
  var found: [Violation] = []

  private mutating func report(_ invariant: Invariant, _ detail: String) {
    found.append(Violation(invariant, detail))
  }

  mutating func run() {
    // I12-REJECTION-UNCHANGED: nothing else is checked for a rejected event.
    if outcome.isRejected {
      if before != after { report(.rejectionChangesNothing, "\(event) was rejected but the state changed") }
      return
    }
    guard before.servers.count == after.servers.count else {
      report(.slotAccounting, "the number of servers changed from \(before.servers.count) to \(after.servers.count)")
      return
    }
    boundedReservation()
    firstInFirstOut()
    redispatchKeepsOrHandsOver()
    singleFullRedispatch()
  }

  // I2-BOUNDED-RESERVATION: every reservation happens under served < limit.
  private mutating func boundedReservation() {
    for index in after.servers.indices {
      let old = before.servers[index]
      let new = after.servers[index]
      if new.maximumConnections > 0 && new.served > old.served && new.served > new.limit {
        report(
          .boundedReservation,
          "\(ServerID(index)) went from served=\(old.served) to \(new.served) above its limit \(new.limit)")
      }
    }
  }

  /// The key the session was queued with: `before` holds it while it was queued.
  private func queueKey(_ id: SessionID) -> Milliseconds? {
    (before.session(id) ?? after.session(id))?.queueKey
  }

  // I9-FIFO: queues only grow at the tail; dequeues take heads, oldest first,
  // ties to the server's own queue; only usable servers take from the backend.
  private mutating func firstInFirstOut() {
    // Most events hand nothing over and leave every queue alone: check that first.
    if outcome.handovers.isEmpty && before.backend.queue == after.backend.queue
      && before.servers.indices.allSatisfy({ before.servers[$0].queue == after.servers[$0].queue })
    {
      return
    }
    // Queue 0 is the backend's, queue i + 1 server i's. Queues are short:
    // linear scans, no hashing.
    let queues: [QueueID] = [.backend] + after.servers.indices.map { QueueID.server(ServerID($0)) }
    func wasHandedOver(_ id: SessionID) -> Bool { outcome.handovers.contains { $0.session == id } }
    // Each queue as it was, less those that left it other than by a handover.
    var working: [[SessionID]] = []
    working.reserveCapacity(queues.count)
    for queue in queues {
      let old = before.queue(queue)
      let new = after.queue(queue)
      // Most events leave most queues alone.
      if old == new {
        working.append(old)
        continue
      }
      let survivors = old.filter(new.contains)
      if !new.starts(with: survivors) || new.dropFirst(survivors.count).contains(where: old.contains) {
        report(.firstInFirstOut, "queue \(queue) was reordered: \(old) became \(new)")
      }
      working.append(old.filter { new.contains($0) || wasHandedOver($0) })
    }
    // Handovers take heads in turn: `taken[i]` of queue i's are gone.
    var taken = Array(repeating: 0, count: working.count)
    func number(_ queue: QueueID) -> Int? {
      switch queue {
      case .backend: 0
      case .server(let server): server.index >= 0 && server.index < after.servers.count ? server.index + 1 : nil
      }
    }
    func head(_ queue: QueueID) -> SessionID? {
      guard let index = number(queue), taken[index] < working[index].count else { return nil }
      return working[index][taken[index]]
    }
    for handover in outcome.handovers {
      let source = handover.source
      guard head(source) == handover.session, let sourceNumber = number(source) else {
        report(
          .firstInFirstOut,
          "\(handover.session) was handed \(handover.server)'s slot but was not at the head of queue \(source)")
        continue
      }
      guard handover.server.index >= 0 && handover.server.index < after.servers.count else { continue }
      let usable = after.servers[handover.server.index].isUsable
      if source == .backend && !usable {
        report(
          .firstInFirstOut,
          "\(handover.server) is not usable yet took \(handover.session) from the backend queue")
      }
      let other: QueueID? = source == .backend ? .server(handover.server) : (usable ? .backend : nil)
      if let other, let rival = head(other),
        let takenKey = queueKey(handover.session), let rivalKey = queueKey(rival)
      {
        let fair = source == .backend ? takenKey < rivalKey : takenKey <= rivalKey
        if !fair {
          report(
            .firstInFirstOut,
            "\(handover.server) took \(handover.session) (t=\(takenKey)) from \(source) before \(rival) (t=\(rivalKey)) in \(other)")
        }
      }
      taken[sourceNumber] += 1
    }
  }

  // I10-REDISPATCH-SLOT: a slot owner sent back to the balancer keeps the same slot when it
  // lands on the same server; otherwise the slot goes at once to a waiter.
  private mutating func redispatchKeepsOrHandsOver() {
    guard case .rebalanced(let from, let placement) = outcome.effect,
      let subject = event.session, let previous = before.session(subject),
      previous.slot == from, from.index >= 0, from.index < after.servers.count
    else { return }
    let current = after.session(subject)
    let server = after.servers[from.index]
    if placement == .granted(server: from) {
      if current?.slot != from || server.served != before.servers[from.index].served {
        report(.redispatchKeepsOrHandsOver, "\(subject) came back to \(from) without keeping its slot")
      }
      return
    }
    if current?.slot == from {
      report(.redispatchKeepsOrHandsOver, "\(subject) left \(from) but still owns its slot")
    }
    let handedOver = outcome.handovers.contains { $0.server == from }
    let backendWaiters = after.backend.queue.filter { $0 != subject }
    let waits = !server.queue.filter({ $0 != subject }).isEmpty || (server.isUsable && !backendWaiters.isEmpty)
    let hasRoom = server.maximumConnections == 0 || server.served < Invariants.servedFloor(server)
    if waits && hasRoom && !handedOver {
      report(
        .redispatchKeepsOrHandsOver,
        "\(subject) left \(from) and its slot was not handed to the waiting requests")
    }
  }

  // I11-SINGLE-FULL-REDISPATCH: a `.redispatched` placement never nests another one.
  private mutating func singleFullRedispatch() {
    var placement: Placement?
    switch outcome.effect {
    case .placed(let value), .rebalanced(_, let value): placement = value
    default: placement = nil
    }
    guard case .redispatched(let from, let inner)? = placement else { return }
    if case .redispatched = inner {
      report(.singleFullRedispatch, "\(event.session.map(String.init(describing:)) ?? "?") was redispatched twice for a full queue, first from \(from)")
    }
    if let subject = event.session, let current = after.session(subject), current.isDirect {
      report(.singleFullRedispatch, "\(subject) is still DIRECT after a redispatch from \(from)")
    }
  }
}
