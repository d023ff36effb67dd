/// Anything that implements the reservation semantics of Specs/Reservation.md:
/// the reference model, the optimised implementation, a historical variant.
///
/// The harness drives any two conformers with the same events and compares
/// outcomes and snapshots after every event.
///
/// Conformers are values that may cross threads: a parallel exploration
/// builds one pair per worker and hands it over.
public protocol ReservationSystem: Sendable {
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

  /// Whether ``snapshot`` would equal `snapshot`.
  ///
  /// The lockstep asks this after every event; a conformer may answer by
  /// walking its own structures instead of building a snapshot to compare.
  func hasSnapshot(equalTo snapshot: Snapshot) -> Bool
}

extension ReservationSystem {
  /// Builds ``snapshot`` and compares.
  public func hasSnapshot(equalTo snapshot: Snapshot) -> Bool {
    self.snapshot == snapshot
  }
}
