import AllServedCore
import AllServedEngine
import AllServedModel
import Testing

/// The systems the scenario suite runs on. Scenario tests take it as their
/// argument, so a new implementation joins every scenario by adding a case.
enum SystemUnderTest: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case model
  case implementation

  var testDescription: String { rawValue }

  func make(_ configuration: Configuration) throws -> any ReservationSystem {
    switch self {
    case .model: try ReferenceBalancer(configuration: configuration)
    case .implementation: try ProductionBalancer(configuration: configuration)
    }
  }
}
