/// The slots handed over during one event, in order.
///
/// Almost every event hands over no slot or exactly one, so the first is kept
/// inline and only a second one allocates: an implementation can report its
/// outcomes without touching the heap in steady state.
public struct Handovers: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
  /// The first handover, when there is one.
  private var head: Handover?
  /// The handovers after the first.
  private var tail: [Handover] = []

  /// No handover.
  public init() {}

  /// The given handovers, in order.
  public init(arrayLiteral elements: Handover...) {
    for element in elements { append(element) }
  }

  /// The given handovers, in order.
  public init(_ elements: some Sequence<Handover>) {
    for element in elements { append(element) }
  }

  /// Records one more handover.
  ///
  /// - Complexity: O(1) amortised; allocation-free for the first element.
  public mutating func append(_ handover: Handover) {
    if head == nil { head = handover } else { tail.append(handover) }
  }

  /// Forgets every handover. Allocation-free: storage that an outcome may
  /// still share is let go, not cleared in place.
  public mutating func removeAll() {
    head = nil
    if !tail.isEmpty { tail = [] }
  }

  /// The position of the first handover.
  public var startIndex: Int { 0 }
  /// One past the last handover.
  public var endIndex: Int { head == nil ? 0 : 1 + tail.count }

  /// The handover at `position`.
  public subscript(position: Int) -> Handover {
    guard position > 0 else {
      guard let head else { preconditionFailure("index \(position) out of range") }
      return head
    }
    return tail[position - 1]
  }

  /// Equal when both hold the same handovers in the same order, whatever
  /// storage capacity either keeps.
  public static func == (lhs: Handovers, rhs: Handovers) -> Bool {
    lhs.elementsEqual(rhs)
  }

  /// Hashes the handovers in order.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(count)
    for handover in self { hasher.combine(handover) }
  }
}
