/// Single-point faults that can be planted in ``ProductionBalancer`` to show
/// that the harness notices them (mutation testing).
///
/// A fault is chosen for the systems built inside `Fault.$active.withValue(…)`,
/// without editing code. The fault sites exist only in builds with
/// `ALLSERVED_MUTANTS` defined (debug builds, see Package.swift); elsewhere
/// ``ProductionBalancer/isMutated(_:)`` is a constant `false` and the sites
/// compile away.
public enum Fault: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
  /// `R-MAXQUEUE-FULL` checks `>` instead of `>=`: one request too many waits.
  case maximumQueueOffByOne = "maxqueue-off-by-one"
  /// `R-DEQUEUE-OLDEST-HEAD` breaks ties toward the backend queue.
  case dequeueTieToBackend = "dequeue-tie-to-backend"

  /// The fault planted in systems built in the current task, if any.
  @TaskLocal public static var active: Fault?

  /// Whether this build has the fault sites.
  public static var isCompiledIn: Bool {
    #if ALLSERVED_MUTANTS
      true
    #else
      false
    #endif
  }

  /// The fault's name in reports.
  public var description: String { rawValue }
}
