public import AllServedCore

extension ProductionBalancer {
  /// The named violations of the state invariants (I1, I3–I8) now, judged on
  /// the snapshot, followed by any inconsistency of the balancer's own
  /// structures; empty when all hold. Never traps.
  ///
  /// - Complexity: O(*s* log *s* + *n* log *n*).
  public var violations: [Violation] { Invariants.check(snapshot) }

  /// The ways the balancer's structures disagree with each other, as
  /// sentences; empty when they agree. Checks the intrusive lists, `served`
  /// against the owner lists (I1), the connection counts (I3), the queue
  /// lengths and `beconn` (I4), list membership against phases (I5), the
  /// tournament, the threshold buckets, the deadline heap and the index.
  ///
  /// - Complexity: O(*s* + *n* log `fullconn`).
  package var structuralProblems: [String] {
    var problems: [String] = []
    func expect(_ condition: Bool, _ problem: @autoclosure () -> String) {
      if !condition { problems.append(problem()) }
    }
    var listed = Array(repeating: 0, count: sessions.capacity)
    func walk(_ list: ListHead, _ links: Links, _ name: String, _ member: (Int) -> Bool) {
      var cursor = list.first
      var before: Int32 = -1
      var count = 0
      while cursor >= 0 && count <= sessions.capacity {
        let at = Int(cursor)
        expect(links[at].prior == before, "\(name): broken back link at handle \(at)")
        expect(member(at), "\(name): handle \(at) does not belong")
        listed[at] += 1
        before = cursor
        cursor = links[at].next
        count += 1
      }
      expect(list.last == before && list.count == count, "\(name): ends or count wrong")
    }
    for queue in queues.indices {
      walk(queues[queue], sessions.waiting, "queue \(queueID(queue))") {
        sessions.status[$0].phase == .queued && self.queue(of: Int32($0)) == queue
      }
    }
    walk(pending, sessions.waiting, "pending") {
      sessions.status[$0].phase == .dequeued || sessions.status[$0].phase == .redistributed
    }
    walk(turnarounds, sessions.waiting, "turn-arounds") { sessions.status[$0].phase == .turnaround }
    for server in servers.indices {
      walk(owners[server], sessions.owners, "owners of s\(server)") {
        sessions.status[$0].flags.contains(.ownsSlot) && Int(sessions.records[$0].assigned) == server
      }
      expect(owners[server].count == servers[server].served, "I1: served of s\(server) ≠ its owners")
      let connected = (0..<sessions.capacity).filter {
        (sessions.status[$0].phase == .connecting || sessions.status[$0].phase == .established)
          && Int(sessions.records[$0].assigned) == server
      }.count
      expect(connected == servers[server].connections, "I3: connections of s\(server) ≠ its connected sessions")
      let threshold = eligibilityThreshold(server)
      expect(servers[server].threshold == threshold, "s\(server): stale threshold")
      expect(
        eligible.isActive(server) == (threshold >= 0 && threshold <= sessionCount),
        "s\(server): tournament membership disagrees with eligibility")
    }
    var live = 0
    for at in 0..<sessions.capacity where sessions.status[at].phase != .free {
      live += 1
      let phase = sessions.status[at].phase
      let inList = [.queued, .dequeued, .redistributed, .turnaround].contains(phase)
      expect(listed[at] == (inList ? 1 : 0) + (sessions.status[at].flags.contains(.ownsSlot) ? 1 : 0),
        "I5: handle \(at) is in the wrong number of lists")
      expect(sessions.handle(of: sessions.id(Int32(at))) == Int32(at), "index: handle \(at) not found by id")
    }
    expect(live == sessionCount && live == sessions.liveCount && live == sessions.index.count, "I4: beconn ≠ live sessions")
    expect(eligible.isConsistent(), "tournament: a node disagrees with its children")
    expect(deadlines.isConsistent(), "deadline heap: order or positions broken")
    if configuration.queueTimeout > 0 {
      for queue in queues.indices {
        let head = queues[queue].first
        expect(deadlines.deadline(of: queue) == (head >= 0 ? sessions.times[Int(head)].timer : nil),
          "deadline heap: queue \(queueID(queue)) has a stale key")
      }
    }
    expect(usableCount == servers.indices.filter(isUsable).count, "usable count is stale")
    return problems
  }

  /// Traps if a state invariant or a structure fails. Compiled to nothing
  /// unless the package is built with `-D ALLSERVED_INTERNAL_CHECKS`.
  package func _checkInvariants() {
    #if ALLSERVED_INTERNAL_CHECKS
      #if ALLSERVED_MUTANTS
        // A planted fault is for the harness to find, not for this trap.
        guard fault == nil else { return }
      #endif
      let problems = violations.map(\.description) + structuralProblems
      precondition(problems.isEmpty, "implementation invariants broken: \(problems)")
    #endif
  }
}
