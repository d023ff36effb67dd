import AllServedEngine
import AllServedHarness
import Testing

/// The implementation's own structures against brute force over seeded random operations.
@Suite("Implementation data structures")
struct DataStructureTests {
  @Test("SelectionTree: best and leftmost-under-a-bound match a linear scan")
  func selectionTree() {
    var random = SplitMix64(seed: 7)
    for count in [1, 2, 3, 5, 8, 13, 64, 100] {
      var tree = SelectionTree(count: count)
      var keys: [(Int, Int)?] = Array(repeating: nil, count: count)
      for _ in 0..<2_000 {
        let leaf = random.below(count)
        if random.chance(30) {
          tree.deactivate(leaf)
          keys[leaf] = nil
        } else {
          let key = (random.below(20), random.below(1_000))
          tree.activate(leaf, primary: key.0, secondary: key.1)
          keys[leaf] = key
        }
        let active = keys.indices.filter { keys[$0] != nil }
        let expectedBest = active.min { keys[$0]! < keys[$1]! }
        #expect(tree.best.map(Int.init) == expectedBest)
        let bound = random.below(22)
        let expectedLeftmost = active.first { keys[$0]!.0 <= bound }
        #expect(tree.leftmost(primaryAtMost: bound).map(Int.init) == expectedLeftmost)
        #expect(tree.isConsistent())
        if tree.best.map(Int.init) != expectedBest { return }
      }
    }
  }

  @Test("DeadlineHeap: the earliest key matches a linear scan under updates and removals")
  func deadlineHeap() {
    var random = SplitMix64(seed: 11)
    let count = 37
    var heap = DeadlineHeap(count: count)
    var keys: [Int?] = Array(repeating: nil, count: count)
    for _ in 0..<5_000 {
      let queue = random.below(count)
      let key: Int? = random.chance(35) ? nil : random.below(500)
      heap.update(queue, deadline: key)
      keys[queue] = key
      #expect(heap.earliest == keys.compactMap { $0 }.min())
      #expect(heap.deadline(of: queue) == key)
      #expect(heap.isConsistent())
    }
  }
}
