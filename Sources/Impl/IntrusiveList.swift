/// The ends and length of one doubly linked list whose links live in a ``Links`` table.
///
/// HAProxy threads its queues through the waiting streams (`struct pendconn`);
/// here the elements are dense handles and the links are parallel arrays, so a
/// list costs nothing per element beyond its two links.
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
/// given ``Links`` table at a time.
struct Links: Sendable {
  /// The element after each element, or `-1`.
  var next: [Int32] = []
  /// The element before each element, or `-1`.
  var prior: [Int32] = []

  /// Makes room for elements up to `capacity`.
  mutating func grow(to capacity: Int) {
    let added = capacity - next.count
    guard added > 0 else { return }
    next.append(contentsOf: repeatElement(-1, count: added))
    prior.append(contentsOf: repeatElement(-1, count: added))
  }

  /// Appends `element` at the tail of `list`.
  ///
  /// - Complexity: O(1).
  mutating func append(_ element: Int32, to list: inout ListHead) {
    let index = Int(element)
    next[index] = -1
    prior[index] = list.last
    if list.last >= 0 { next[Int(list.last)] = element } else { list.first = element }
    list.last = element
    list.count += 1
  }

  /// Inserts `element` at the head of `list` (only a planted fault does this).
  ///
  /// - Complexity: O(1).
  mutating func prepend(_ element: Int32, to list: inout ListHead) {
    let index = Int(element)
    prior[index] = -1
    next[index] = list.first
    if list.first >= 0 { prior[Int(list.first)] = element } else { list.last = element }
    list.first = element
    list.count += 1
  }

  /// Removes `element` from `list`, wherever it stands in it.
  ///
  /// - Complexity: O(1).
  mutating func remove(_ element: Int32, from list: inout ListHead) {
    let index = Int(element)
    let before = prior[index]
    let after = next[index]
    if before >= 0 { next[Int(before)] = after } else { list.first = after }
    if after >= 0 { prior[Int(after)] = before } else { list.last = before }
    next[index] = -1
    prior[index] = -1
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
      cursor = next[Int(cursor)]
    }
    return result
  }
}
