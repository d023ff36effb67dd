/// Why a configuration was refused by ``Configuration/validated()``.
public enum ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The backend has no server, or more than ``Limits/maximumServers``.
  case serverCount(Int)
  /// A numeric field is outside its range; `server` is `nil` for backend fields.
  case outOfRange(field: String, server: ServerID?, value: Int, range: ClosedRange<Int>)
  /// `minconn < maxconn` asks for a dynamic limit, which needs `fullconn` (`R-CONFIG-NORMALIZE`).
  case dynamicLimitWithoutFullConnections(server: ServerID)

  /// The error as one sentence naming the field and its range.
  public var description: String {
    switch self {
    case .serverCount(let count):
      "a backend needs 1 to \(Limits.maximumServers) servers, not \(count)"
    case .outOfRange(let field, let server, let value, let range):
      "\(server.map { "\($0) " } ?? "")\(field) \(value) is outside \(range.lowerBound)...\(range.upperBound)"
    case .dynamicLimitWithoutFullConnections(let server):
      "\(server) has minconn < maxconn, which needs fullconn > 0"
    }
  }
}
