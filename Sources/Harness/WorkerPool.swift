import Dispatch
import Synchronization

/// Independent jobs on a fixed number of threads, with results in job order,
/// so that what a run reports never depends on how the threads interleave.
public enum WorkerPool {
  /// Runs jobs `0..<count` on up to `workers` threads and waits for them all.
  ///
  /// - Returns: Each job's result, in order.
  public static func run<Result: Sendable>(
    count: Int, workers: Int, body: @escaping @Sendable (_ index: Int) -> Result
  ) -> [Result] {
    let results = Results<Result>(count: count)
    // Jobs are dealt round robin: job `index` runs on thread `index % threads`.
    let threads = max(1, min(workers, count))
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
      for index in stride(from: thread, to: count, by: threads) {
        results.store(body(index), at: index)
      }
    }
    return results.collected()
  }

  /// The results, as the threads store them.
  private final class Results<Result: Sendable>: Sendable {
    private let slots: Mutex<[Result?]>

    init(count: Int) {
      slots = Mutex(Array(repeating: nil, count: count))
    }

    func store(_ result: Result, at index: Int) {
      slots.withLock { $0[index] = result }
    }

    /// Every result; called after `concurrentPerform` returned, when each job has stored one.
    func collected() -> [Result] {
      slots.withLock { $0.compactMap { $0 } }
    }
  }
}
