import AllServedCore
import AllServedModel
import Testing

@Suite("Configuration")
struct ConfigurationTests {
  @Test("R-CONFIG-LIMITS: out-of-range numbers are refused with the field named")
  func limits() {
    #expect(throws: ConfigurationError.serverCount(0)) {
      try Configuration(servers: []).validated()
    }
    #expect(
      throws: ConfigurationError.outOfRange(field: "weight", server: s1, value: 257, range: 0...256)
    ) {
      try Configuration(servers: [server(), server(weight: 257)]).validated()
    }
    #expect(
      throws: ConfigurationError.outOfRange(
        field: "retries", server: nil, value: -1, range: 0...2_147_483_647)
    ) {
      try Configuration(retries: -1, servers: [server()]).validated()
    }
    #expect(
      throws: ConfigurationError.outOfRange(
        field: "maxconn", server: s0, value: -3, range: 0...2_147_483_647)
    ) {
      try ReferenceBalancer(configuration: Configuration(servers: [server(maxconn: -3)]))
    }
    #expect(
      throws: ConfigurationError.outOfRange(
        field: "timeout queue", server: nil, value: 1 << 40, range: 0...2_147_483_647)
    ) {
      try Configuration(queueTimeout: 1 << 40, servers: [server()]).validated()
    }
  }

  @Test("R-CONFIG-NORMALIZE: maxconn alone is a static limit; minconn above maxconn raises it")
  func normalize() throws {
    let valid = try Configuration(
      fullConnections: 0,
      servers: [server(maxconn: 5), server(maxconn: 5, minconn: 8), server()]
    ).validated()
    #expect(valid.servers[0].minimumConnections == 5)
    #expect(valid.servers[0].maximumConnections == 5)
    #expect(valid.servers[1].minimumConnections == 8)
    #expect(valid.servers[1].maximumConnections == 8)
    #expect(valid.servers[2].minimumConnections == 0)
    #expect(valid.servers[2].maximumConnections == 0)

    #expect(throws: ConfigurationError.dynamicLimitWithoutFullConnections(server: s0)) {
      try Configuration(servers: [server(maxconn: 10, minconn: 2)]).validated()
    }
    let dynamic = try Configuration(
      fullConnections: 100, servers: [server(maxconn: 10, minconn: 2)]
    ).validated()
    #expect(dynamic.servers[0].minimumConnections == 2)
    #expect(dynamic.servers[0].maximumConnections == 10)

    let model = try ReferenceBalancer(configuration: Configuration(servers: [server(maxconn: 5)]))
    #expect(model.snapshot.servers[0].minimumConnections == 5)
    #expect(model.snapshot.servers[0].limit == 5)
  }
}
