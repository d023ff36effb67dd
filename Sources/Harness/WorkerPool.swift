import Dispatch
import Synchronization

/// Independent jobs on a fixed number of threads, with results in job order,
/// so that what a run reports never depends on how the threads interleave.
///
/// A job that fails cancels every later job, never an earlier one: the first
/// failing job in order is the one a sequential run would have reported.
public enum WorkerPool {
  /// Runs jobs `0..<count` on up to `workers` threads and waits for them all.
  ///
  /// - Parameters:
  ///   - body: Job `index`; it polls `isCancelled` and returns early when told.
  ///   - isFailure: Whether a result cancels the jobs after it.
  /// - Returns: Each job's result, in order; `nil` for a job cancelled before it started.
  public static func run<Result: Sendable>(
    count: Int, workers: Int,
    isFailure: @escaping @Sendable (Result) -> Bool,
    body: @escaping @Sendable (_ index: Int, _ isCancelled: @escaping @Sendable () -> Bool) -> Result
  ) -> [Result?] {
    let board = Board<Result>(count: count)
    DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
      while let index = board.claim() {
        let result = body(index) { board.isCancelled(index) }
        board.finish(index, result, failed: isFailure(result))
      }
    }
    return board.results
  }

  /// The jobs' shared state.
  private final class Board<Result: Sendable>: Sendable {
    struct State {
      var next = 0
      var firstFailure = Int.max
      var results: [Result?]
    }

    let state: Mutex<State>
    let count: Int

    init(count: Int) {
      self.count = count
      state = Mutex(State(results: Array(repeating: nil, count: count)))
    }

    /// The next job to start, or `nil` when none is left or a failure makes the rest moot.
    func claim() -> Int? {
      state.withLock { state in
        guard state.next < count, state.next < state.firstFailure else { return nil }
        defer { state.next += 1 }
        return state.next
      }
    }

    func isCancelled(_ index: Int) -> Bool {
      state.withLock { $0.firstFailure < index }
    }

    func finish(_ index: Int, _ result: Result, failed: Bool) {
      state.withLock { state in
        state.results[index] = result
        if failed { state.firstFailure = min(state.firstFailure, index) }
      }
    }

    var results: [Result?] { state.withLock { $0.results } }
  }
}
