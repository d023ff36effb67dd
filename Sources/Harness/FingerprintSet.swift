/// A set of 64-bit fingerprints, as TLC's `FPSet` keeps them: one word per
/// slot, open addressing with linear probing, no hashing beyond the
/// fingerprint itself (it is already well mixed), no per-process seed.
///
/// - Complexity: `insert` and `contains` are O(1) expected; the table holds
///   between 8/0.75 ≈ 11 and 8/0.375 ≈ 21 bytes per fingerprint.
package struct FingerprintSet: Sendable {
  /// The slots; 0 marks an empty one.
  private var slots: [UInt64]
  /// Whether the fingerprint 0, which no slot can hold, is in the set.
  private var containsZero = false
  /// How far to shift a scrambled fingerprint to get a slot index.
  private var shift: Int
  /// The number of fingerprints stored.
  package private(set) var count = 0

  /// An empty set with room for `capacity` fingerprints before it grows.
  package init(capacity: Int = 16) {
    var size = 16
    while size * 3 / 4 < capacity { size *= 2 }
    slots = Array(repeating: 0, count: size)
    shift = UInt64.bitWidth - size.trailingZeroBitCount
  }

  /// The bytes the table holds.
  package var bytes: Int { slots.count * MemoryLayout<UInt64>.stride }

  /// Whether `fingerprint` is in the set.
  package func contains(_ fingerprint: UInt64) -> Bool {
    guard fingerprint != 0 else { return containsZero }
    var index = slot(of: fingerprint)
    let mask = slots.count - 1
    // The load stays below 3/4, so an empty slot always ends the probe.
    while true {
      let found = slots[index]
      if found == fingerprint { return true }
      if found == 0 { return false }
      index = (index + 1) & mask
    }
  }

  /// Adds `fingerprint`; `false` if it was there already.
  @discardableResult
  package mutating func insert(_ fingerprint: UInt64) -> Bool {
    guard fingerprint != 0 else {
      if containsZero { return false }
      containsZero = true
      count += 1
      return true
    }
    if (count + 1) * 4 > slots.count * 3 { grow() }
    var index = slot(of: fingerprint)
    let mask = slots.count - 1
    while true {
      let found = slots[index]
      if found == fingerprint { return false }
      if found == 0 {
        slots[index] = fingerprint
        count += 1
        return true
      }
      index = (index + 1) & mask
    }
  }

  /// Fibonacci hashing: the top bits of the fingerprint times 2⁶⁴/φ, so that
  /// fingerprints that differ only in their low bits still spread.
  private func slot(of fingerprint: UInt64) -> Int {
    Int(truncatingIfNeeded: (fingerprint &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
  }

  private mutating func grow() {
    let old = slots
    slots = Array(repeating: 0, count: old.count * 2)
    shift -= 1
    count = containsZero ? 1 : 0
    for fingerprint in old where fingerprint != 0 { insert(fingerprint) }
  }
}
