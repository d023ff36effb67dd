import AllServedCore

/// The live sessions, indexed by a stable handle, their fields in a few
/// dense arrays grouped by size.
///
/// A handle stays valid for the session's whole life and is reused after it
/// ends (a LIFO free list threaded through the queue links). Fields of one
/// size sit together, as in HAProxy's `struct stream`, so that an event
/// touches few buffers and a copy of the store retains few, and no record is
/// padded: times (16 bytes), counters and server numbers (12), phase and
/// flags (2), the identifier (8) and two pairs of list links (16) make 54
/// bytes a session, plus its entry in ``SessionIndex``, whatever the number of
/// servers. The hash key is stored only under `balance hash`, the join time
/// only under HAProxy 2.6 semantics.
struct SessionStore: Sendable {
  /// Where a session is in its life; `free` marks an unused handle.
  enum Phase: UInt8, Sendable {
    case free, placing, queued, dequeued, redistributed, connecting, turnaround, established
  }

  /// The session's flags, one byte.
  struct Flags: OptionSet, Sendable {
    let rawValue: UInt8
    /// HAProxy `SN_DIRECT`.
    static let direct = Flags(rawValue: 1 << 0)
    /// HAProxy `SN_REDISP`.
    static let redispatched = Flags(rawValue: 1 << 1)
    /// The session owns a slot on its bound server (I5: a slot is always there).
    static let ownsSlot = Flags(rawValue: 1 << 2)
    /// `timer` holds a queue deadline or a turn-around end.
    static let hasTimer = Flags(rawValue: 1 << 3)
    /// `hashKey` holds a key.
    static let hasHashKey = Flags(rawValue: 1 << 4)
  }

  /// A session's server numbers and retries.
  struct Record: Sendable {
    var retriesLeft: Int32 = 0
    /// HAProxy `srv`, `-1` when unbound; the slot, when owned, is on this server.
    var assigned: Int32 = -1
    /// HAProxy `prev_srv`, `-1` when none.
    var previous: Int32 = -1
  }

  /// A session's times.
  struct Times: Sendable {
    var requestTime: Milliseconds = 0
    /// The queue deadline while queued, the turn-around end in turn-around.
    var timer: Milliseconds = 0
  }

  /// Where a session is, and its flags.
  struct Status: Sendable {
    var phase = Phase.free
    var flags: Flags = []
  }

  /// Each handle's session identifier, apart: ``SessionIndex`` probes it.
  var identifier: [Int] = []
  /// Each handle's server numbers and retries.
  var records: [Record] = []
  /// Each handle's times.
  var times: [Times] = []
  /// Each handle's phase and flags.
  var status: [Status] = []
  /// The request's hash key, stored only when the backend balances by hash.
  private var hashKey: [UInt32] = []
  /// When the request last joined a queue, stored only under HAProxy 2.6 semantics (R-26-QUEUE-KEY).
  private var joinTime: [Milliseconds] = []
  /// Queue, wake-up (pending) and turn-around lists: a session is in at most one.
  var waiting = Links()
  /// The slot owners of each server (for `shutdown sessions`).
  var owners = Links()
  /// Identifier to handle.
  var index = SessionIndex()
  /// The head of the free list, threaded through `waiting.next`.
  private var freeHandle: Int32 = -1
  /// The number of live sessions.
  private(set) var liveCount = 0
  private let storesHashKeys: Bool
  private let storesJoinTimes: Bool

  init(storesHashKeys: Bool, storesJoinTimes: Bool = false) {
    self.storesHashKeys = storesHashKeys
    self.storesJoinTimes = storesJoinTimes
  }

  /// The number of handles ever created, live or free.
  var capacity: Int { identifier.count }

  /// Stores a new session and returns its handle.
  ///
  /// - Complexity: O(1) amortised; no allocation once the store has grown to
  ///   its peak population.
  mutating func allocate(
    _ id: SessionID, requestTime time: Milliseconds, retries: Int, hashKey key: UInt32?
  ) -> Int32 {
    if freeHandle < 0 { grow() }
    let handle = freeHandle
    let at = Int(handle)
    freeHandle = waiting[at].next
    waiting[at].next = -1
    identifier[at] = id.number
    records[at] = Record(retriesLeft: Int32(truncatingIfNeeded: retries))
    times[at] = Times(requestTime: time)
    status[at] = Status(phase: .placing, flags: key == nil ? [] : .hasHashKey)
    if storesJoinTimes { joinTime[at] = time }
    if let key, storesHashKeys { hashKey[at] = key }
    liveCount += 1
    index.insert(handle, for: id.number, identifiers: identifier)
    return handle
  }

  /// Frees `handle`, which must be out of every list.
  ///
  /// - Complexity: O(1) expected.
  mutating func free(_ handle: Int32) {
    let at = Int(handle)
    index.remove(identifier[at], identifiers: identifier)
    status[at].phase = .free
    waiting[at].next = freeHandle
    freeHandle = handle
    liveCount -= 1
  }

  /// The handle of live session `id`.
  ///
  /// - Complexity: O(1) expected.
  func handle(of id: SessionID) -> Int32? {
    index.find(id.number, identifiers: identifier)
  }

  /// The session's identifier.
  func id(_ handle: Int32) -> SessionID { SessionID(identifier[Int(handle)]) }

  /// The session's hash key, if it has one.
  func key(_ handle: Int32) -> UInt32? {
    let at = Int(handle)
    guard status[at].flags.contains(.hasHashKey), storesHashKeys else { return nil }
    return hashKey[at]
  }

  /// The key queue heads are compared by: the request time, or under HAProxy 2.6
  /// when the request last joined a queue (R-DEQUEUE-OLDEST-HEAD, R-26-QUEUE-KEY).
  func queueKey(_ handle: Int32) -> Milliseconds {
    storesJoinTimes ? joinTime[Int(handle)] : times[Int(handle)].requestTime
  }

  /// Notes that the session joins a queue at `time` (HAProxy 2.6 only).
  mutating func noteJoined(_ handle: Int32, at time: Milliseconds) {
    if storesJoinTimes { joinTime[Int(handle)] = time }
  }

  /// Makes room for `sessions` live sessions without further growth.
  mutating func reserve(_ sessions: Int) {
    if sessions > capacity { grow(to: sessions) }
    index.reserve(sessions, identifiers: identifier)
  }

  /// Doubles every array, and threads the new handles onto the free list.
  private mutating func grow() { grow(to: max(8, capacity * 2)) }

  /// Extends every array to `new` handles, and threads the new ones onto the free list.
  private mutating func grow(to new: Int) {
    let old = capacity
    identifier.reserveCapacity(new)
    records.reserveCapacity(new)
    times.reserveCapacity(new)
    status.reserveCapacity(new)
    let added = new - old
    identifier.append(contentsOf: repeatElement(0, count: added))
    records.append(contentsOf: repeatElement(Record(), count: added))
    times.append(contentsOf: repeatElement(Times(), count: added))
    status.append(contentsOf: repeatElement(Status(), count: added))
    if storesHashKeys {
      hashKey.reserveCapacity(new)
      hashKey.append(contentsOf: repeatElement(0, count: added))
    }
    if storesJoinTimes {
      joinTime.reserveCapacity(new)
      joinTime.append(contentsOf: repeatElement(0, count: added))
    }
    waiting.grow(to: new)
    owners.grow(to: new)
    // New handles come out lowest first.
    for handle in (old..<new).reversed() {
      waiting[handle].next = freeHandle
      freeHandle = Int32(handle)
    }
  }
}
