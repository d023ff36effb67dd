/// The states an exploration has stored: each a canonical key and the number
/// of arrivals on its path (which bounds what may still arrive).
///
/// Keys that are 64-bit fingerprints (what `allserved explore` uses) go into
/// a ``FingerprintSet``, with the arrivals mixed in: a word per slot, no
/// hashing. Any other key (a whole historical system, say) goes into a `Set`.
/// The store itself is not generic, so the explorer's unspecialized code
/// looks up no type metadata to reach it, on its hottest path.
struct VisitedStates: Sendable {
  /// Unchecked: `AnyHashable` is not `Sendable`, but every key put in one
  /// here is (``insert(_:arrivals:)`` requires it).
  private struct Visit: Hashable, @unchecked Sendable {
    var key: AnyHashable
    var arrivals: Int
  }

  private var fingerprints = FingerprintSet()
  private var visits: Set<Visit> = []

  init() {}

  /// The number of states stored.
  var count: Int { fingerprints.count + visits.count }

  /// The bytes the store holds: the fingerprint table, and the set's entries
  /// at Swift's maximum load of 3/4 (without what their keys hold).
  var bytes: Int { fingerprints.bytes + visits.count * MemoryLayout<Visit>.stride * 4 / 3 }

  /// Whether the state is stored.
  func contains<Key: Hashable & Sendable>(_ key: Key, arrivals: Int) -> Bool {
    if Key.self == UInt64.self { return fingerprints.contains(Self.fingerprint(key, arrivals)) }
    return visits.contains(Visit(key: AnyHashable(key), arrivals: arrivals))
  }

  /// Stores the state; `false` if it was stored already.
  @discardableResult
  mutating func insert<Key: Hashable & Sendable>(_ key: Key, arrivals: Int) -> Bool {
    if Key.self == UInt64.self { return fingerprints.insert(Self.fingerprint(key, arrivals)) }
    return visits.insert(Visit(key: AnyHashable(key), arrivals: arrivals)).inserted
  }

  /// A fingerprint key with the arrivals mixed in; called only when `Key` is `UInt64`.
  private static func fingerprint<Key>(_ key: Key, _ arrivals: Int) -> UInt64 {
    unsafeBitCast(key, to: UInt64.self) ^ (UInt64(truncatingIfNeeded: arrivals) &* 0xC2B2_AE3D_27D4_EB4F)
  }
}
