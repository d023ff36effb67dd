import AllServedCore
import AllServedEngine
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
}
