/// The states an exploration has stored: each a canonical key and the number
/// of arrivals on its path (which bounds what may still arrive).
///
/// Keys that are 64-bit fingerprints (what `allserved explore` uses) go into
/// a ``FingerprintSet``, with the arrivals mixed in: a word per slot, with no
/// hashing and no generic dispatch on the explorer's hottest path. Any other
/// key (a whole historical system, say) goes into a `Set`.
struct VisitedStates<Key: Hashable & Sendable>: Sendable {
  private struct Visit: Hashable, Sendable {
    var key: Key
    var arrivals: Int
  }

  /// Decided once: whether keys are fingerprints.
  private let keysAreFingerprints = Key.self == UInt64.self
  private var fingerprints = FingerprintSet()
  private var visits: Set<Visit> = []

  init() {}

  /// The number of states stored.
  var count: Int { keysAreFingerprints ? fingerprints.count : visits.count }

  /// The bytes the store holds: the fingerprint table, or the set's entries
  /// at Swift's maximum load of 3/4.
  var bytes: Int {
    keysAreFingerprints ? fingerprints.bytes : visits.count * MemoryLayout<Visit>.stride * 4 / 3
  }

  /// Whether the state is stored.
  func contains(_ key: Key, arrivals: Int) -> Bool {
    keysAreFingerprints
      ? fingerprints.contains(Self.fingerprint(key, arrivals)) : visits.contains(Visit(key: key, arrivals: arrivals))
  }

  /// Stores the state; `false` if it was stored already.
  @discardableResult
  mutating func insert(_ key: Key, arrivals: Int) -> Bool {
    keysAreFingerprints
      ? fingerprints.insert(Self.fingerprint(key, arrivals))
      : visits.insert(Visit(key: key, arrivals: arrivals)).inserted
  }

  /// A fingerprint key with the arrivals mixed in; called only when `Key` is `UInt64`.
  private static func fingerprint(_ key: Key, _ arrivals: Int) -> UInt64 {
    unsafeBitCast(key, to: UInt64.self) ^ (UInt64(truncatingIfNeeded: arrivals) &* 0xC2B2_AE3D_27D4_EB4F)
  }
}
