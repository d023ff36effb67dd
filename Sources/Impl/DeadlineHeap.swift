/// An indexed binary min-heap of queues, keyed by the deadline of each queue's head.
///
/// Every queue deadline is `enqueue time + timeout queue` with one timeout, so
/// within a queue deadlines grow from head to tail, and the earliest deadline
/// of all is the smallest head deadline: finding it never looks at a waiter
/// behind a head.
package struct DeadlineHeap: Sendable {
  /// Queue indices in heap order.
  private var heap: [Int32] = []
  /// The heap position of each queue, `-1` when absent.
  private var position: [Int32]
  /// The key of each queue present.
  private var key: [Int]

  /// An empty heap over `count` queues.
  package init(count: Int) {
    position = Array(repeating: -1, count: count)
    key = Array(repeating: 0, count: count)
    heap.reserveCapacity(count)
  }

  /// The earliest head deadline, if any queue has one.
  ///
  /// - Complexity: O(1).
  package var earliest: Int? { heap.first.map { key[Int($0)] } }

  /// Sets or clears the key of `queue`.
  ///
  /// - Complexity: O(log *q*) for *q* queues with a deadline.
  package mutating func update(_ queue: Int, deadline: Int?) {
    let at = Int(position[queue])
    guard let deadline else {
      guard at >= 0 else { return }
      let last = heap.removeLast()
      position[queue] = -1
      guard at < heap.count else { return }
      heap[at] = last
      position[Int(last)] = Int32(at)
      sift(at)
      return
    }
    key[queue] = deadline
    if at >= 0 {
      sift(at)
    } else {
      heap.append(Int32(queue))
      position[queue] = Int32(heap.count - 1)
      siftUp(heap.count - 1)
    }
  }

  private mutating func sift(_ at: Int) {
    if at > 0 && key[Int(heap[at])] < key[Int(heap[(at - 1) / 2])] { siftUp(at) } else { siftDown(at) }
  }

  private mutating func siftUp(_ start: Int) {
    var at = start
    while at > 0 {
      let parent = (at - 1) / 2
      guard key[Int(heap[at])] < key[Int(heap[parent])] else { return }
      swapAt(at, parent)
      at = parent
    }
  }

  private mutating func siftDown(_ start: Int) {
    var at = start
    while true {
      var smallest = at
      let left = 2 * at + 1
      if left < heap.count && key[Int(heap[left])] < key[Int(heap[smallest])] { smallest = left }
      if left + 1 < heap.count && key[Int(heap[left + 1])] < key[Int(heap[smallest])] { smallest = left + 1 }
      guard smallest != at else { return }
      swapAt(at, smallest)
      at = smallest
    }
  }

  private mutating func swapAt(_ i: Int, _ j: Int) {
    heap.swapAt(i, j)
    position[Int(heap[i])] = Int32(i)
    position[Int(heap[j])] = Int32(j)
  }

  /// The recorded key of `queue`, or `nil` when it is absent (internal checks).
  package func deadline(of queue: Int) -> Int? { position[queue] >= 0 ? key[queue] : nil }

  /// Every parent key is at most its children's, and positions match (internal checks).
  package func isConsistent() -> Bool {
    heap.indices.allSatisfy { at in
      position[Int(heap[at])] == Int32(at) && (at == 0 || key[Int(heap[(at - 1) / 2])] <= key[Int(heap[at])])
    }
  }
}
