/// The ends and length of one doubly linked list whose links live in a ``Links`` table.
///
/// HAProxy threads its queues through the waiting streams (`struct pendconn`);
/// here the elements are dense handles and the links sit in a table of pairs,
/// so a list costs nothing per element beyond its two links.
struct ListHead: Hashable, Sendable {
  /// The first element, or `-1`.
  var first: Int32 = -1
  /// The last element, or `-1`.
  var last: Int32 = -1
  /// The number of elements.
  var count = 0

  var isEmpty: Bool { count == 0 }
}

/// One pair of links per element: an element is in at most one list of a
/// given ``Links`` table at a time. Both links of an element sit together,
/// in one buffer.
struct Links: Sendable {
  /// An element's links, `-1` for none.
  struct Pair: Sendable {
    /// The element after it.
    var next: Int32 = -1
    /// The element before it.
    var prior: Int32 = -1
  }

  private var pairs: [Pair] = []

  /// The links of `element`, read or edited in place.
  subscript(element: Int) -> Pair {
    get { pairs[element] }
    _modify { yield &pairs[element] }
  }

  /// Makes room for elements up to `capacity`.
  mutating func grow(to capacity: Int) {
    let added = capacity - pairs.count
    guard added > 0 else { return }
    pairs.append(contentsOf: repeatElement(Pair(), count: added))
  }

  /// Appends `element` at the tail of `list`.
  ///
  /// - Complexity: O(1).
  mutating func append(_ element: Int32, to list: inout ListHead) {
    pairs[Int(element)] = Pair(next: -1, prior: list.last)
    if list.last >= 0 { pairs[Int(list.last)].next = element } else { list.first = element }
    list.last = element
    list.count += 1
  }

  /// Inserts `element` at the head of `list` (only a planted fault does this).
  ///
  /// - Complexity: O(1).
  mutating func prepend(_ element: Int32, to list: inout ListHead) {
    pairs[Int(element)] = Pair(next: list.first, prior: -1)
    if list.first >= 0 { pairs[Int(list.first)].prior = element } else { list.last = element }
    list.first = element
    list.count += 1
  }

  /// Removes `element` from `list`, wherever it stands in it.
  ///
  /// - Complexity: O(1).
  mutating func remove(_ element: Int32, from list: inout ListHead) {
    let index = Int(element)
    let before = pairs[index].prior
    let after = pairs[index].next
    if before >= 0 { pairs[Int(before)].next = after } else { list.first = after }
    if after >= 0 { pairs[Int(after)].prior = before } else { list.last = before }
    pairs[index] = Pair()
    list.count -= 1
  }

  /// The elements of `list`, head first.
  ///
  /// - Complexity: O(*k*) for *k* elements.
  func elements(of list: ListHead) -> [Int32] {
    var result: [Int32] = []
    result.reserveCapacity(list.count)
    var cursor = list.first
    while cursor >= 0 {
      result.append(cursor)
      cursor = pairs[Int(cursor)].next
    }
    return result
  }
}
