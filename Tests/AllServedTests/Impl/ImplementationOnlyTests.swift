import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Testing

/// What only the implementation has: reused handles, and queues that give up
/// a waiter from anywhere in O(1). Each test runs the same events on the model
/// and expects equal outcomes and snapshots, and intact structures.
@Suite("Implementation only")
struct ImplementationOnlyTests {
  /// Both systems, driven together.
  struct Pair {
    var model: ReferenceBalancer
    var implementation: ProductionBalancer

    init(_ configuration: Configuration) throws {
      model = try ReferenceBalancer(configuration: configuration)
      implementation = try ProductionBalancer(configuration: configuration)
    }

    @discardableResult
    mutating func apply(_ event: Event, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
      let expected = model.apply(event)
      let actual = implementation.apply(event)
      #expect(actual == expected, "`\(event)`", sourceLocation: sourceLocation)
      #expect(implementation.snapshot == model.snapshot, "`\(event)`", sourceLocation: sourceLocation)
      #expect(implementation.structuralProblems == [], "`\(event)`", sourceLocation: sourceLocation)
      return actual
    }
  }

  @Test("A freed handle is reused by the next arrival, which starts clean")
  func handleReuse() throws {
    var pair = try Pair(Configuration(redispatch: true, servers: [server(maxconn: 1)]))
    pair.apply(.arrive(x(1)))
    pair.apply(.arrive(x(2)))  // queued on the backend
    let freed = try #require(pair.implementation.handle(of: x(1)))
    pair.apply(.connectFailed(x(1), .timedOut))
    pair.apply(.abort(x(1)))  // #2 gets the slot
    #expect(pair.implementation.handle(of: x(1)) == nil)
    pair.apply(.arrive(x(3)))
    #expect(pair.implementation.handle(of: x(3)) == freed)
    // The reused handle carries nothing over: no retry spent, no previous server, no flags.
    let session = try #require(pair.implementation.snapshot.session(x(3)))
    #expect(session.retriesLeft == 3 && session.previous == nil && !session.isDirect && !session.wasRedispatched)
    pair.apply(.run(x(2)))
    pair.apply(.connectSucceeded(x(2)))
    pair.apply(.close(x(2)))
    #expect(pair.implementation.snapshot.backend.queue == [])
    #expect(pair.implementation.snapshot.servers[0].served == 1)
  }

  @Test("Handles are recycled through many generations without mixing identities")
  func handleGenerations() throws {
    var pair = try Pair(Configuration(servers: [server(maxconn: 2)]))
    var next = 1
    for round in 0..<50 {
      let ids = (next..<next + 4).map(x)
      next += 4 + round % 3  // sparse identifiers too
      for id in ids { pair.apply(.arrive(id)) }
      for id in ids.reversed() { pair.apply(.abort(id)) }
    }
    #expect(pair.implementation.snapshot.sessions.isEmpty)
    #expect(pair.implementation.handle(of: x(1)) == nil)
  }

  @Test("Removal from a queue at the head, at the tail and inside", arguments: [
    (removed: [1], kept: [2, 3, 4, 5]),
    (removed: [5], kept: [1, 2, 3, 4]),
    (removed: [3], kept: [1, 2, 4, 5]),
    (removed: [2, 4], kept: [1, 3, 5]),
    (removed: [1, 5, 3], kept: [2, 4]),
    (removed: [1, 2, 3, 4, 5], kept: []),
  ])
  func middleRemoval(removed: [Int], kept: [Int]) throws {
    // s0 is taken by #100; #1…#5 wait in the backend queue; then some abort.
    var pair = try Pair(Configuration(servers: [server(maxconn: 1)]))
    pair.apply(.arrive(x(100)))
    pair.apply(.connectSucceeded(x(100)))
    for number in 101...105 { pair.apply(.arrive(x(number))) }
    for number in removed { pair.apply(.abort(x(100 + number))) }
    #expect(pair.implementation.snapshot.backend.queue == kept.map { x(100 + $0) })
    // The queue still works at both ends: a newcomer joins the tail, the head is served.
    pair.apply(.arrive(x(200)))
    let outcome = pair.apply(.close(x(100)))
    let head = kept.first.map { x(100 + $0) } ?? x(200)
    #expect(outcome.handovers.map(\.session) == [head])
  }

  @Test("A queue timeout removes a waiter from the middle of a server queue")
  func timeoutInside() throws {
    var pair = try Pair(Configuration(queueTimeout: 1000, servers: [server(maxconn: 1)]))
    pair.apply(.arrive(x(1), cookie: s0))
    pair.apply(.connectSucceeded(x(1)))
    pair.apply(.arrive(x(2), cookie: s0))
    pair.apply(.tick(500))
    pair.apply(.arrive(x(3), cookie: s0))
    pair.apply(.arrive(x(4), cookie: s0))
    pair.apply(.tick(500))
    pair.apply(.queueTimeout(x(2)))  // the head
    pair.apply(.abort(x(3)))  // then the new head; #4 remains
    #expect(pair.implementation.snapshot.servers[0].queue == [x(4)])
    pair.apply(.tick(500))
    pair.apply(.queueTimeout(x(4)))
    #expect(pair.implementation.snapshot.servers[0].queue == [])
    pair.apply(.tick(5000))
  }

  /// Ways to alter a snapshot, each of which makes it differ from the one it
  /// was made from; parts the snapshot lacks are left out.
  static func alterations(of snapshot: Snapshot) -> [(String, Snapshot)] {
    var altered: [(String, Snapshot)] = []
    func alter(_ name: String, _ edit: (inout Snapshot) -> Void) {
      var copy = snapshot
      edit(&copy)
      altered.append((name, copy))
    }
    alter("now") { $0.now += 1 }
    alter("backend session count") { $0.backend.sessionCount += 1 }
    alter("backend queue: one more") { $0.backend.queue.append(SessionID(999_999)) }
    alter("backend counters") { $0.backend.counters.completed += 1 }
    alter("backend pending") { $0.backend.totalPending += 1 }
    alter("one server more") { $0.servers.append($0.servers[0]) }
    alter("one server fewer") { $0.servers.removeLast() }
    for index in snapshot.servers.indices {
      alter("s\(index) served") { $0.servers[index].served += 1 }
      alter("s\(index) usable") { $0.servers[index].isUsable.toggle() }
      alter("s\(index) limit") { $0.servers[index].limit += 1 }
      alter("s\(index) counters") { $0.servers[index].counters.retries += 1 }
      alter("s\(index) queue: one more") { $0.servers[index].queue.append(SessionID(999_999)) }
      if !snapshot.servers[index].queue.isEmpty {
        alter("s\(index) queue: head dropped") { $0.servers[index].queue.removeFirst() }
      }
      if snapshot.servers[index].queue.count > 1 {
        alter("s\(index) queue: reversed") { $0.servers[index].queue.reverse() }
      }
    }
    if !snapshot.backend.queue.isEmpty {
      alter("backend queue: tail dropped") { $0.backend.queue.removeLast() }
    }
    if snapshot.backend.queue.count > 1 {
      alter("backend queue: reversed") { $0.backend.queue.reverse() }
    }
    alter("one session more") {
      $0.sessions.append(
        SessionSnapshot(
          id: SessionID(999_999), phase: .established, requestTime: 0, assigned: nil, slot: nil, previous: nil,
          isDirect: false, retriesLeft: 0, wasRedispatched: false))
    }
    for index in snapshot.sessions.indices {
      alter("session \(index) dropped") { $0.sessions.remove(at: index) }
      alter("session \(index) retries") { $0.sessions[index].retriesLeft += 1 }
      alter("session \(index) direct") { $0.sessions[index].isDirect.toggle() }
      alter("session \(index) request time") { $0.sessions[index].requestTime += 1 }
      alter("session \(index) renamed") { $0.sessions[index].id = SessionID(999_999) }
    }
    if snapshot.sessions.count > 1 {
      // The same sessions, out of identifier order.
      alter("sessions swapped") { $0.sessions.swapAt(0, 1) }
      alter("a session listed twice") { $0.sessions[1] = $0.sessions[0] }
    }
    return altered
  }

  @Test("hasSnapshot(equalTo:), the lockstep's comparison, says what building the snapshot and comparing says")
  func snapshotComparisonInPlace() throws {
    var checkedAlterations = 0
    var wrong: [String] = []
    for seed in UInt64(1)...60 {
      var generator = EventGenerator(seed: seed)
      let configuration = generator.configuration()
      var model = try ReferenceBalancer(configuration: configuration)
      var implementation = try ProductionBalancer(configuration: configuration)
      for _ in 0..<120 {
        let event = generator.draw(for: model.snapshot, configuration: configuration).event
        _ = model.apply(event)
        _ = implementation.apply(event)
        let expected = model.snapshot
        // The two systems agree (the lockstep test proves it), so the answer is yes.
        guard implementation.snapshot == expected else {
          Issue.record("seed \(seed): the systems disagree after `\(event)`")
          return
        }
        if !implementation.hasSnapshot(equalTo: expected) { wrong.append("seed \(seed), after `\(event)`: equal, said no") }
        // Every alteration differs from the snapshot: the answer is no.
        for (name, altered) in Self.alterations(of: expected) where implementation.hasSnapshot(equalTo: altered) {
          wrong.append("seed \(seed), after `\(event)`: \(name), said yes")
        }
        checkedAlterations += Self.alterations(of: expected).count
      }
    }
    #expect(wrong.isEmpty, "\(wrong.count) wrong answers, first: \(wrong.prefix(3))")
    #expect(checkedAlterations > 100_000)
  }
}
