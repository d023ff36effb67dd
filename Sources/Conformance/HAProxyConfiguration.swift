package import AllServedCore

/// The HAProxy 2.6 configuration that behaves as a trace's `Configuration`.
///
/// Deterministic by construction (../Specs/Conformance.md): one thread, no
/// health checks, one request per server connection, no connection reuse.
package enum HAProxyConfiguration {
  /// What a configuration cannot be observed with; nil when it can.
  package static func unsupported(_ configuration: Configuration) -> String? {
    if configuration.algorithm == .hash { return "balance hash is not driven by the conformance runner" }
    if configuration.persist { return "option persist is not driven by the conformance runner" }
    if configuration.fullConnections != 0 { return "fullconn (a dynamic limit) is not observable" }
    for (index, server) in configuration.servers.enumerated() {
      let name = ServerID(index)
      if server.minimumConnections != server.maximumConnections {
        return "\(name): minconn differs from maxconn (a dynamic limit)"
      }
      if server.slowStart != 0 { return "\(name): slowstart is not observable" }
      if server.initialState == .down { return "\(name): state=down needs health checks" }
      if server.weight == 0 { return "\(name): weight 0 at start" }
    }
    return nil
  }

  /// The configuration text: admin socket at `socketPath`, frontend on
  /// 127.0.0.1:`frontendPort`, server i on 127.0.0.1:`serverPorts[i]`.
  package static func text(
    for configuration: Configuration, socketPath: String, frontendPort: UInt16, serverPorts: [UInt16]
  ) -> String {
    // `timeout queue` unset would fall back to `timeout connect`: "forever" is a long timeout.
    let queueTimeout = configuration.queueTimeout == 0 ? "600s" : "\(configuration.queueTimeout)ms"
    var lines = [
      "global",
      "    nbthread 1",
      "    stats socket \(socketPath) level admin",
      "defaults",
      "    mode http",
      "    timeout connect 1s",
      "    timeout client 600s",
      "    timeout server 600s",
      "    timeout queue \(queueTimeout)",
      "    retries \(configuration.retries)",
      "    \(configuration.redispatch ? "option" : "no option") redispatch",
      "    option httpclose",
      // A client's reset drops its queued request (R-ABORT); without this 2.6 keeps it queued.
      "    option abortonclose",
      "    http-reuse never",
      "frontend fe",
      "    bind 127.0.0.1:\(frontendPort)",
      "    default_backend be",
      "backend be",
      "    balance \(configuration.algorithm == .leastConnections ? "leastconn" : "roundrobin")",
      "    cookie SRV insert indirect nocache",
    ]
    for (index, server) in configuration.servers.enumerated() {
      var line = "    server \(ServerID(index)) 127.0.0.1:\(serverPorts[index]) weight \(server.weight)"
      if server.maximumConnections > 0 { line += " maxconn \(server.maximumConnections)" }
      if server.maximumQueueLength > 0 { line += " maxqueue \(server.maximumQueueLength)" }
      line += " cookie \(ServerID(index))"
      if server.initialState == .maint { line += " disabled" }
      lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
