import AllServedCore
import Testing

/// A hand-built, consistent, quiescent snapshot at t=100:
/// s0 (maxconn 1): #1 established, #3 waiting in s0's own queue (DIRECT);
/// s1 (maxconn 2): #2 established, #4 in turn-around until 500;
/// backend queue: #5.
func baseSnapshot() -> Snapshot {
  let idle = Counters()
  let servers = [
    ServerSnapshot(
      state: .running, weight: 1, maximumConnections: 1, minimumConnections: 1,
      maximumQueueLength: 0, isUsable: true, isWarmingUp: false, limit: 1, served: 1,
      connections: 1, queue: [x(3)], queueLength: 1, counters: idle),
    ServerSnapshot(
      state: .running, weight: 1, maximumConnections: 2, minimumConnections: 2,
      maximumQueueLength: 0, isUsable: true, isWarmingUp: false, limit: 2, served: 2,
      connections: 1, queue: [], queueLength: 0, counters: idle),
  ]
  func session(
    _ number: Int, _ phase: SessionPhase, time: Milliseconds, assigned: ServerID?,
    slot: ServerID?, direct: Bool = false
  ) -> SessionSnapshot {
    SessionSnapshot(
      id: x(number), phase: phase, requestTime: time, assigned: assigned, slot: slot,
      previous: nil, isDirect: direct, retriesLeft: 3, wasRedispatched: false)
  }
  let sessions = [
    session(1, .established, time: 0, assigned: s0, slot: s0),
    session(2, .established, time: 0, assigned: s1, slot: s1),
    session(3, .queued(.server(s0), deadline: 1000), time: 10, assigned: s0, slot: nil, direct: true),
    session(4, .turnaround(until: 500), time: 20, assigned: s1, slot: s1),
    session(5, .queued(.backend, deadline: 900), time: 50, assigned: nil, slot: nil),
  ]
  return Snapshot(
    now: 100,
    backend: BackendSnapshot(sessionCount: 5, queue: [x(5)], queueLength: 1, totalPending: 2, counters: idle),
    servers: servers, sessions: sessions)
}

/// Recomputes the counters I4 checks, so that an edit breaks only what it means to.
func recounted(_ snapshot: Snapshot) -> Snapshot {
  var result = snapshot
  result.backend.queueLength = result.backend.queue.count
  for index in result.servers.indices {
    result.servers[index].queueLength = result.servers[index].queue.count
  }
  result.backend.totalPending =
    result.backend.queue.count + result.servers.reduce(0) { $0 + $1.queue.count }
  result.backend.sessionCount = result.sessions.count
  return result
}

func edited(_ edit: (inout Snapshot) -> Void) -> Snapshot {
  var snapshot = baseSnapshot()
  edit(&snapshot)
  return snapshot
}

func sessionIndex(_ snapshot: Snapshot, _ number: Int) -> Int {
  snapshot.sessions.firstIndex { $0.id == x(number) }!
}

@Suite("Invariant checks")
struct InvariantTests {
  /// The invariants a state check reports, without duplicates.
  func named(_ snapshot: Snapshot) -> Set<Invariant> {
    Set(Invariants.check(snapshot).map(\.invariant))
  }

  @Test("The hand-built base snapshot is consistent and quiescent")
  func baseIsClean() {
    #expect(Invariants.check(baseSnapshot()).isEmpty)
    #expect(Invariants.isQuiescent(baseSnapshot()))
  }

  @Test("I1-SLOT-ACCOUNTING: served must equal the number of slot owners")
  func slotAccounting() {
    let broken = edited { $0.servers[0].served = 2 }
    #expect(named(broken) == [.slotAccounting])
    #expect(Invariants.check(broken).first?.detail.contains("s0") == true)
  }

  @Test("I3-CONNECTIONS-OWN-SLOTS: connections match connecting sessions and never exceed served")
  func connections() {
    #expect(named(edited { $0.servers[1].connections = 3 }) == [.connectionsOwnSlots])
    // A session connecting without a slot: the pre-patch retry (defect (a)).
    let unowned = edited { snapshot in
      let index = sessionIndex(snapshot, 4)
      snapshot.sessions[index].phase = .connecting
      snapshot.sessions[index].slot = nil
      snapshot.servers[1].served = 1
      snapshot.servers[1].connections = 2
      // maxconn 1 keeps I8 satisfied, so only the ownership faults show.
      snapshot.servers[1].maximumConnections = 1
      snapshot.servers[1].minimumConnections = 1
      snapshot.servers[1].limit = 1
    }
    #expect(named(unowned) == [.connectionsOwnSlots, .exclusivity])
  }

  @Test("I4-QUEUE-COUNTERS: length counters, totpend and beconn match the contents")
  func queueCounters() {
    #expect(named(edited { $0.backend.queueLength = 2 }) == [.queueCounters])
    #expect(named(edited { $0.servers[0].queueLength = 0 }) == [.queueCounters])
    #expect(named(edited { $0.backend.totalPending = 5 }) == [.queueCounters])
    #expect(named(edited { $0.backend.sessionCount = 4 }) == [.queueCounters])
  }

  @Test("I5-EXCLUSIVITY: one queue at most, never a queue and a slot, slot on the bound server")
  func exclusivity() {
    #expect(named(recounted(edited { $0.servers[1].queue = [x(5)] })).contains(.exclusivity))
    #expect(named(edited { $0.sessions[sessionIndex($0, 3)].assigned = s1 }) == [.exclusivity])
    #expect(named(recounted(edited { $0.backend.queue = [x(5), x(42)] })) == [.exclusivity])
    #expect(named(edited { $0.sessions.swapAt(0, 1) }) == [.exclusivity])
    let queuedWithSlot = edited { snapshot in
      snapshot.sessions[sessionIndex(snapshot, 3)].slot = s0
      snapshot.servers[0].served = 2
      snapshot.servers[0].maximumConnections = 2
      snapshot.servers[0].minimumConnections = 2
      snapshot.servers[0].limit = 2
    }
    #expect(named(queuedWithSlot) == [.exclusivity])
  }

  @Test("I6-MAXQUEUE: a server queue never exceeds maxqueue")
  func maximumQueue() {
    let broken = recounted(
      edited { snapshot in
        snapshot.servers[0].maximumQueueLength = 1
        snapshot.servers[0].queue.append(x(6))
        snapshot.sessions.append(
          SessionSnapshot(
            id: x(6), phase: .queued(.server(s0), deadline: 1000), requestTime: 60, assigned: s0,
            slot: nil, previous: nil, isDirect: true, retriesLeft: 3, wasRedispatched: false))
      })
    #expect(named(broken) == [.maximumQueueLength])
  }

  @Test("I7-FLAG-COHERENCE: DIRECT needs a server; redispatched needs a previous one")
  func flags() {
    #expect(named(edited { $0.sessions[sessionIndex($0, 5)].isDirect = true }) == [.flagCoherence])
    #expect(named(edited { $0.sessions[sessionIndex($0, 1)].wasRedispatched = true }) == [.flagCoherence])
  }

  @Test("I8-WORK-CONSERVATION: in a quiescent state no waiter stands beside free room")
  func workConservation() {
    // #2 gone: s1 serves 1 of its static 2 while #5 waits in the backend queue.
    let stranded = recounted(
      edited { snapshot in
        snapshot.sessions.remove(at: sessionIndex(snapshot, 2))
        snapshot.servers[1].served = 1
        snapshot.servers[1].connections = 0
      })
    #expect(named(stranded) == [.workConservation])
    // Not usable, s1 is not expected to serve the backend queue.
    #expect(Invariants.check(recounted(edited { snapshot in
      snapshot.sessions.remove(at: sessionIndex(snapshot, 2))
      snapshot.servers[1].served = 1
      snapshot.servers[1].connections = 0
      snapshot.servers[1].state = .drain
      snapshot.servers[1].isUsable = false
    })).isEmpty)
    // Not quiescent (#4's turn-around is due): I8 is not judged.
    var busy = stranded
    busy.sessions[sessionIndex(busy, 4)].phase = .turnaround(until: 100)
    #expect(Invariants.check(busy).isEmpty)
    // A dynamic limit: the floor is minconn, not the current limit.
    var dynamic = stranded
    dynamic.servers[1].minimumConnections = 1
    #expect(Invariants.check(dynamic).isEmpty)
    dynamic.servers[1].isWarmingUp = true
    dynamic.servers[1].minimumConnections = 2
    #expect(Invariants.check(dynamic).isEmpty, "warming up, the floor is 1")
    // An unlimited usable server never leaves the backend queue waiting.
    #expect(named(edited { $0.servers[1].maximumConnections = 0; $0.servers[1].limit = 0 }) == [.workConservation])
  }

  @Test("I2-BOUNDED-RESERVATION: a reservation above the limit")
  func boundedReservation() {
    let before = baseSnapshot()
    let after = edited { $0.servers[0].served = 2 }
    let found = Invariants.checkStep(from: before, event: .run(x(3)), outcome: Outcome(.connecting(server: s0)), to: after)
    #expect(found.map(\.invariant) == [.boundedReservation])
    var lowered = baseSnapshot()
    lowered.servers[1].limit = 1
    #expect(Invariants.checkStep(from: before, event: .tick(1), outcome: Outcome(.advanced(to: 101)), to: lowered).isEmpty,
      "served above a shrunk limit is legal when nothing was reserved")
  }

  @Test("I9-FIFO: heads only, oldest first, ties to the server queue, backend only by usable servers")
  func fifo() {
    let before = baseSnapshot()
    func violations(_ handovers: [Handover], after: Snapshot) -> [Invariant] {
      Invariants.checkStep(
        from: before, event: .close(x(1)), outcome: Outcome(.ended(.completed(server: s0)), handovers: Handovers(handovers)),
        to: after
      ).map(\.invariant)
    }
    // s0 takes #5 (t=50) from the backend although its own #3 (t=10) is older.
    let tookYounger = recounted(
      edited { snapshot in
        snapshot.backend.queue = []
        snapshot.sessions[sessionIndex(snapshot, 5)].phase = .dequeued
        snapshot.sessions[sessionIndex(snapshot, 5)].assigned = s0
        snapshot.sessions[sessionIndex(snapshot, 5)].slot = s0
      })
    #expect(violations([Handover(x(5), to: s0, from: .backend)], after: tookYounger) == [.firstInFirstOut])
    // Taking #3 from s0's own queue is right.
    let tookOlder = recounted(
      edited { snapshot in
        snapshot.servers[0].queue = []
        snapshot.sessions[sessionIndex(snapshot, 3)].phase = .dequeued
        snapshot.sessions[sessionIndex(snapshot, 3)].slot = s0
      })
    #expect(violations([Handover(x(3), to: s0, from: .server(s0))], after: tookOlder) == [])
    // A handover of a session that is not at the head.
    #expect(violations([Handover(x(9), to: s0, from: .backend)], after: before) == [.firstInFirstOut])
    // A non-usable server taking from the backend.
    var unusable = tookYounger
    unusable.servers[0].isUsable = false
    unusable.servers[0].queue = []
    var beforeUnusable = before
    beforeUnusable.servers[0].queue = []
    #expect(
      Invariants.checkStep(
        from: beforeUnusable, event: .close(x(1)),
        outcome: Outcome(.ended(.completed(server: s0)), handovers: [Handover(x(5), to: s0, from: .backend)]),
        to: unusable
      ).map(\.invariant) == [.firstInFirstOut])
    // A newcomer placed ahead of a waiter.
    let jumped = recounted(edited { $0.backend.queue = [x(6), x(5)] })
    #expect(violations([], after: jumped) == [.firstInFirstOut])
  }

  @Test("I10-REDISPATCH-SLOT: a slot given up must go to the waiting requests at once")
  func redispatchSlot() {
    let before = baseSnapshot()
    var after = baseSnapshot()
    after.sessions[sessionIndex(after, 1)].slot = s1
    after.sessions[sessionIndex(after, 1)].assigned = s1
    after.servers[0].served = 0
    after.servers[1].served = 3
    after.servers[1].maximumConnections = 3
    after.servers[1].limit = 3
    let event = Event.connectFailed(x(1), .timedOut)
    let unhanded = Invariants.checkStep(
      from: before, event: event, outcome: Outcome(.rebalanced(from: s0, .granted(server: s1))), to: after)
    #expect(unhanded.map(\.invariant) == [.redispatchKeepsOrHandsOver])
    // Claiming to have come back while the slot moved is also caught.
    let notKept = Invariants.checkStep(
      from: before, event: event, outcome: Outcome(.rebalanced(from: s0, .granted(server: s0))), to: after)
    #expect(notKept.map(\.invariant) == [.redispatchKeepsOrHandsOver])
  }

  @Test("I11-SINGLE-FULL-REDISPATCH: never redispatched twice for a full queue")
  func singleRedispatch() {
    let twice = Outcome(.placed(.redispatched(from: s0, .redispatched(from: s1, .queued(.backend)))))
    let found = Invariants.checkStep(from: baseSnapshot(), event: .arrive(x(7)), outcome: twice, to: baseSnapshot())
    #expect(found.map(\.invariant) == [.singleFullRedispatch])
  }

  @Test("I12-REJECTION-UNCHANGED: a rejected event must leave the snapshot as it was")
  func rejectionUnchanged() {
    let outcome = Outcome.rejected(.unknownSession(x(9)))
    let changed = edited { $0.now = 200 }
    #expect(
      Invariants.checkStep(from: baseSnapshot(), event: .run(x(9)), outcome: outcome, to: changed)
        .map(\.invariant) == [.rejectionChangesNothing])
    #expect(Invariants.checkStep(from: baseSnapshot(), event: .run(x(9)), outcome: outcome, to: baseSnapshot()).isEmpty)
  }
}
