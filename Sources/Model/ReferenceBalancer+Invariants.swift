public import AllServedCore

extension ReferenceBalancer {
  /// The named violations of the state invariants (I1, I3–I8) now; empty when
  /// all hold. Never traps. Step invariants need two states: see
  /// ``Invariants/checkStep(from:event:outcome:to:)``.
  ///
  /// - Complexity: O(*s* log *s* + *n*) for *s* sessions and *n* servers.
  public var violations: [Violation] { Invariants.check(snapshot) }

  /// Traps if a state invariant fails. Compiled to nothing unless the package
  /// is built with `-D ALLSERVED_INTERNAL_CHECKS` (one CI pass turns it on).
  package func _checkInvariants() {
    #if ALLSERVED_INTERNAL_CHECKS
      precondition(violations.isEmpty, "model invariants broken: \(violations)")
    #endif
  }
}
