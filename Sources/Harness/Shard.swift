/// One of N disjoint shares of a run, so that N machines together run
/// exactly the unsharded set: share K of N takes the items at positions
/// K-1, K-1+N, K-1+2N, … (trace i of a check, seed i of a bug hunt, mutant
/// i of the catalogue), with the seeds they have in the whole run.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
  /// Which share, from 1 to ``count``.
  public let index: Int
  /// How many shares.
  public let count: Int

  /// The whole run, unsharded.
  public static let whole = Shard(uncheckedIndex: 1, count: 1)

  /// Share `index` of `count`; nil unless 1 ≤ index ≤ count.
  public init?(index: Int, count: Int) {
    guard count >= 1, (1...count).contains(index) else { return nil }
    self.init(uncheckedIndex: index, count: count)
  }

  private init(uncheckedIndex index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// Parses `K/N`, as `--shard` takes it; nil for anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
    self.init(index: index, count: count)
  }

  /// Whether the item at `position` (counted from 0 in the whole run) is in this share.
  public func includes(_ position: Int) -> Bool {
    position >= 0 && position % count == index - 1
  }

  /// The positions of `0..<total` in this share, in order.
  ///
  /// - Complexity: O(total / count).
  public func positions(of total: Int) -> StrideTo<Int> {
    stride(from: index - 1, to: max(total, 0), by: count)
  }

  /// The items of `items` in this share, in order.
  public func share<Element>(of items: [Element]) -> [Element] {
    positions(of: items.count).map { items[$0] }
  }

  /// `K/N`.
  public var description: String { "\(index)/\(count)" }
}
