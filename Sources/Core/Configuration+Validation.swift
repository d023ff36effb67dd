extension Configuration {
  /// Checks every range and returns the normalised configuration.
  ///
  /// Normalisation follows HAProxy's configuration parser (`R-CONFIG-NORMALIZE`):
  /// a `maxconn` without `minconn` makes the limit static (`minconn := maxconn`),
  /// and a `minconn` above `maxconn` raises `maxconn` to it.
  ///
  /// - Throws: ``ConfigurationError`` naming the first offending field.
  /// - Complexity: O(*n*) in the number of servers.
  public func validated() throws(ConfigurationError) -> Configuration {
    guard (1...Limits.maximumServers).contains(servers.count) else {
      throw .serverCount(servers.count)
    }
    let counts = 0...Limits.maximumCount
    let durations = 0...Limits.maximumDuration
    try Self.check("retries", nil, retries, counts)
    try Self.check("timeout queue", nil, queueTimeout, durations)
    try Self.check("fullconn", nil, fullConnections, counts)
    var normalised = self
    for (index, server) in servers.enumerated() {
      let id = ServerID(index)
      try Self.check("weight", id, server.weight, 0...Limits.maximumWeight)
      try Self.check("maxconn", id, server.maximumConnections, counts)
      try Self.check("minconn", id, server.minimumConnections, counts)
      try Self.check("maxqueue", id, server.maximumQueueLength, counts)
      try Self.check("slowstart", id, server.slowStart, durations)
      var fixed = server
      // R-CONFIG-NORMALIZE: the same two steps as HAProxy's cfgparse.c.
      if fixed.minimumConnections > fixed.maximumConnections {
        fixed.maximumConnections = fixed.minimumConnections
      }
      if fixed.maximumConnections > 0 && fixed.minimumConnections == 0 {
        fixed.minimumConnections = fixed.maximumConnections
      }
      if fixed.minimumConnections < fixed.maximumConnections && fullConnections == 0 {
        throw .dynamicLimitWithoutFullConnections(server: id)
      }
      normalised.servers[index] = fixed
    }
    return normalised
  }

  private static func check(
    _ field: String, _ server: ServerID?, _ value: Int, _ range: ClosedRange<Int>
  ) throws(ConfigurationError) {
    guard range.contains(value) else {
      throw .outOfRange(field: field, server: server, value: value, range: range)
    }
  }
}
