public import AllServedCore

/// FNV-1a, 64 bits: a hash that is the same in every process and on every
/// platform, unlike Swift's `Hasher`, which is seeded per process.
public struct StableHasher: Hashable, Sendable {
  /// The hash so far.
  public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

  /// Creates an empty hasher.
  public init() {}

  /// Mixes in the eight bytes of `word`, least significant first.
  public mutating func combine(_ word: UInt64) {
    var rest = word
    for _ in 0..<8 {
      value = (value ^ (rest & 0xFF)) &* 0x0000_0100_0000_01B3
      rest >>= 8
    }
  }

  /// Mixes in an integer.
  public mutating func combine(_ number: Int) { combine(UInt64(bitPattern: Int64(number))) }

  /// Mixes in the UTF-8 bytes of a string and its length.
  public mutating func combine(_ text: String) {
    for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    combine(text.utf8.count)
  }

  /// Mixes in every field of a snapshot, in a fixed order.
  public mutating func combine(_ snapshot: Snapshot) {
    combine(snapshot.now)
    combine(snapshot.backend.sessionCount)
    combine(snapshot.backend.queueLength)
    combine(snapshot.backend.totalPending)
    combine(snapshot.backend.queue.map(\.number))
    combine(snapshot.backend.counters)
    for server in snapshot.servers {
      combine(server.state.rawValue)
      for number in [
        server.weight, server.maximumConnections, server.minimumConnections,
        server.maximumQueueLength, server.isUsable ? 1 : 0, server.isWarmingUp ? 1 : 0,
        server.limit, server.served, server.connections, server.queueLength,
      ] {
        combine(number)
      }
      combine(server.queue.map(\.number))
      combine(server.counters)
    }
    for session in snapshot.sessions {
      for number in [
        session.id.number, session.requestTime, session.assigned?.index ?? -1,
        session.slot?.index ?? -1, session.previous?.index ?? -1, session.isDirect ? 1 : 0,
        session.retriesLeft, session.wasRedispatched ? 1 : 0,
      ] {
        combine(number)
      }
      combine(session.phase)
    }
  }

  /// Mixes in a phase as a kind code followed by its values.
  public mutating func combine(_ phase: SessionPhase) {
    switch phase {
    case .queued(let queue, let deadline):
      combine(1)
      if case .server(let server) = queue { combine(server.index) } else { combine(-1) }
      combine(deadline ?? -1)
    case .dequeued: combine(2)
    case .redistributed: combine(3)
    case .connecting: combine(4)
    case .turnaround(let until):
      combine(5)
      combine(until)
    case .established: combine(6)
    }
  }

  /// Mixes in an outcome through its description, which names everything in it.
  public mutating func combine(_ outcome: Outcome) { combine(outcome.description) }

  private mutating func combine(_ numbers: [Int]) {
    combine(numbers.count)
    for number in numbers { combine(number) }
  }

  private mutating func combine(_ counters: Counters) {
    for number in [
      counters.redispatches, counters.retries, counters.failedConnections,
      counters.serviceUnavailable, counters.killed, counters.completed, counters.aborted,
    ] {
      combine(number)
    }
  }
}
