extension Configuration: CustomStringConvertible {
  /// The configuration as trace header lines: one `backend` line, one `server` line per server.
  public var description: String {
    let backend =
      "backend balance=\(algorithm) retries=\(retries) redispatch=\(redispatch ? "on" : "off")"
      + " persist=\(persist ? "on" : "off") timeout-queue=\(queueTimeout) fullconn=\(fullConnections)"
      + (semantics == .design2008 ? "" : " semantics=\(semantics)")
    let lines = servers.enumerated().map { index, server in
      "server \(ServerID(index)) weight=\(server.weight) maxconn=\(server.maximumConnections)"
        + " minconn=\(server.minimumConnections) maxqueue=\(server.maximumQueueLength)"
        + " slowstart=\(server.slowStart) state=\(server.initialState)"
    }
    return ([backend] + lines).joined(separator: "\n")
  }
}
