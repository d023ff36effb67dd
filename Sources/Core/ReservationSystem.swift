/// Anything that implements the reservation semantics of Specs/Reservation.md:
/// the reference model, the optimised implementation, a historical variant.
///
/// The harness drives any two conformers with the same events and compares
/// outcomes and snapshots after every event.
public protocol ReservationSystem {
  /// Builds the system in its initial state: time 0, no session.
  ///
  /// - Throws: ``ConfigurationError`` when ``Configuration/validated()`` refuses the configuration.
  init(configuration: Configuration) throws(ConfigurationError)

  /// Applies one event and reports what it did.
  ///
  /// An impossible event returns ``Outcome/rejected(_:)`` and changes nothing.
  /// No event may make a conformer trap.
  mutating func apply(_ event: Event) -> Outcome

  /// The complete observable state.
  var snapshot: Snapshot { get }
}
