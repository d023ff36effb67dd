extension Event: CustomStringConvertible {
  /// The event as one line of a trace, for example `arrive 3 cookie=s1 key=17`.
  public var description: String {
    switch self {
    case .arrive(let id, let cookie, let key):
      "arrive \(id.number)" + (cookie.map { " cookie=\($0)" } ?? "") + (key.map { " key=\($0)" } ?? "")
    case .run(let id): "run \(id.number)"
    case .connectSucceeded(let id): "connected \(id.number)"
    case .connectFailed(let id, let failure): "connect-failed \(id.number) \(failure.rawValue)"
    case .close(let id): "close \(id.number)"
    case .abort(let id): "abort \(id.number)"
    case .queueTimeout(let id): "queue-timeout \(id.number)"
    case .setState(let server, let state): "state \(server) \(state)"
    case .setWeight(let server, let weight): "weight \(server) \(weight)"
    case .setMaximumConnections(let server, let limit): "maxconn \(server) \(limit)"
    case .shutdownSessions(let server): "shutdown-sessions \(server)"
    case .tick(let milliseconds): "tick \(milliseconds)"
    case .queueTask(let server): "queue-task \(server)"
    }
  }
}
