import AllServedCore

/// HAProxy 1.3's `srv_dynamic_maxconn`, shared by both variants: the
/// slow-start ratio is floored at 1%, the limit itself is not, so a warming
/// server's limit can be 0 (fixed by 28a9e529f).
struct DynamicLimit {
  let server: ServerConfiguration
  /// When the server last came up.
  let cameUpAt: Milliseconds?
  let now: Milliseconds

  /// The server came up less than `slowstart` ago.
  var isWarmingUp: Bool {
    guard server.slowStart > 0, let start = cameUpAt else { return false }
    return now < start + server.slowStart
  }

  /// The limit when `beconn` is `sessionCount`; 0 when `maxconn` is 0.
  func value(sessionCount: Int, fullConnections full: Int) -> Int {
    guard server.maximumConnections > 0 else { return 0 }
    var maximum = server.maximumConnections
    if sessionCount < full && server.minimumConnections != server.maximumConnections {
      maximum = max(server.minimumConnections, sessionCount * server.maximumConnections / full)
    }
    if isWarmingUp, let start = cameUpAt {
      maximum = maximum * max(1, 100 * (now - start) / server.slowStart) / 100
    }
    return maximum
  }
}
