// Exported but non-public entry points for clear-box testing.
import AllServedCore

extension ReferenceBalancer {
  /// Traps if any state invariant fails. Compiled to nothing unless the package
  /// is built with `-D ALLSERVED_INTERNAL_CHECKS` (one CI pass turns it on).
  package func _checkInvariants() {
    #if ALLSERVED_INTERNAL_CHECKS
    let violations = Invariants.check(snapshot)
    precondition(violations.isEmpty, "model invariants broken: \(violations)")
    #endif
  }
}
