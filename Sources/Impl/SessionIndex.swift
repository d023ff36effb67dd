/// An open-addressing hash table from session identifier to handle.
///
/// It stores handles only (4 bytes a slot) and compares identifiers through
/// the store. Linear probing with backward-shift deletion leaves no
/// tombstones, so lookups stay short under any churn. The hash is a fixed
/// multiplicative one, never the per-process seeded `Hasher`, so behaviour and
/// memory are the same on every run.
struct SessionIndex: Sendable {
  /// Handles, `-1` for an empty slot; the count is a power of two.
  private var slots: [Int32] = Array(repeating: -1, count: 16)
  private var shift = 60
  private(set) var count = 0

  private var mask: Int { slots.count - 1 }

  private func home(_ id: Int) -> Int {
    Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(id)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
  }

  /// The handle stored for `id`.
  ///
  /// - Complexity: O(1) expected.
  func find(_ id: Int, identifiers: [Int]) -> Int32? {
    var at = home(id)
    while true {
      let handle = slots[at]
      if handle < 0 { return nil }
      if identifiers[Int(handle)] == id { return handle }
      at = (at + 1) & mask
    }
  }

  /// Stores `handle` under `id`, which is absent.
  ///
  /// - Complexity: O(1) expected, amortised over doublings at 7/8 load.
  mutating func insert(_ handle: Int32, for id: Int, identifiers: [Int]) {
    if !fits(count + 1, in: slots.count) { rehash(to: 2 * slots.count, identifiers: identifiers) }
    var at = home(id)
    while slots[at] >= 0 { at = (at + 1) & mask }
    slots[at] = handle
    count += 1
  }

  /// Removes `id`, which is present.
  ///
  /// - Complexity: O(1) expected.
  mutating func remove(_ id: Int, identifiers: [Int]) {
    var hole = home(id)
    while identifiers[Int(slots[hole])] != id { hole = (hole + 1) & mask }
    // Backward shift: pull later entries of the cluster into the hole when
    // that brings them no further from home.
    var probe = (hole + 1) & mask
    while slots[probe] >= 0 {
      let wanted = home(identifiers[Int(slots[probe])])
      if (probe - wanted) & mask >= (probe - hole) & mask {
        slots[hole] = slots[probe]
        hole = probe
      }
      probe = (probe + 1) & mask
    }
    slots[hole] = -1
    count -= 1
  }

  /// Whether `entries` stay under the 7/8 load that keeps probes short
  /// (the multiplicative hash spreads consecutive identifiers evenly).
  private func fits(_ entries: Int, in size: Int) -> Bool { 8 * entries <= 7 * size }

  /// Grows the table so that `entries` fit without a rehash.
  mutating func reserve(_ entries: Int, identifiers: [Int]) {
    var size = slots.count
    while !fits(entries, in: size) { size *= 2 }
    if size > slots.count { rehash(to: size, identifiers: identifiers) }
  }

  private mutating func rehash(to size: Int, identifiers: [Int]) {
    let old = slots
    slots = Array(repeating: -1, count: size)
    shift = 64 - size.trailingZeroBitCount
    count = 0
    for handle in old where handle >= 0 {
      insert(handle, for: identifiers[Int(handle)], identifiers: identifiers)
    }
  }
}
