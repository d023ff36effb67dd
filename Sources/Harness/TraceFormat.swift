public import AllServedCore

/// A problem in a trace file, at a line and a column (both from 1).
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The line, from 1.
  public var line: Int
  /// The column, from 1.
  public var column: Int
  /// What is wrong.
  public var message: String

  /// Creates an error.
  public init(line: Int, column: Int, _ message: String) {
    self.line = line
    self.column = column
    self.message = message
  }

  /// `12:7: unknown event 'arive'`.
  public var description: String { "\(line):\(column): \(message)" }
}

/// The text form of ``Trace``: its printer and its parser.
///
/// The printer's output parses back to the same trace, and the parser never
/// traps: every problem is a ``TraceError`` naming its line and column.
public enum TraceFormat {
  /// The first line of every trace file.
  public static let header = "allserved-trace \(Trace.version)"
  /// Separates an event from its expected outcome.
  public static let outcomeSeparator = " => "

  /// The trace as text, ending in a newline.
  public static func print(_ trace: Trace) -> String {
    var lines = [header]
    if let title = trace.title { lines.append("# title: \(title)") }
    if let bug = trace.bug { lines.append("# bug: \(bug)") }
    if let check = trace.check { lines.append("# check: \(check)") }
    if let seed = trace.seed { lines.append("# seed: \(seed)") }
    lines.append(trace.configuration.description)
    for step in trace.steps {
      lines.append(step.event.description + (step.expectedOutcome.map { outcomeSeparator + $0 } ?? ""))
      lines += groupedAssertions(step.assertions)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `expect s0 served=1 queue=#2`: one line per subject, in first-mention order.
  static func groupedAssertions(_ assertions: [Trace.Assertion]) -> [String] {
    var subjects: [String] = []
    for assertion in assertions where !subjects.contains(assertion.subject) { subjects.append(assertion.subject) }
    return subjects.map { subject in
      "expect \(subject) "
        + assertions.filter { $0.subject == subject }.map { "\($0.field)=\($0.value)" }.joined(separator: " ")
    }
  }

  /// Parses a trace.
  ///
  /// - Throws: ``TraceError`` at the first problem.
  public static func parse(_ text: String) throws(TraceError) -> Trace {
    var parser = Parser()
    return try parser.parse(text)
  }

  /// Parses one event line (no expected outcome).
  ///
  /// - Throws: ``TraceError`` with line 1.
  public static func parseEvent(_ text: String) throws(TraceError) -> Event {
    try Parser.event(Parser.tokens(text[...], line: 1), line: 1)
  }
}

/// One word of a line and the column it starts at.
struct Token {
  var text: Substring
  var line: Int
  var column: Int

  func error(_ message: String) -> TraceError { TraceError(line: line, column: column, message) }
}

private struct Parser {
  var title: String?
  var bug: String?
  var check: String?
  var seed: UInt64?
  var backend: (Configuration, Token)?
  var servers: [(ServerConfiguration, Token)] = []
  var steps: [Trace.Step] = []
  var initialAssertions: [Trace.Assertion] = []

  mutating func parse(_ text: String) throws(TraceError) -> Trace {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let first = lines.first, first.trimmingSuffixSpaces() == TraceFormat.header else {
      let got = lines.first.map { "'\($0.prefix(40))'" } ?? "an empty file"
      throw TraceError(line: 1, column: 1, "expected '\(TraceFormat.header)' as the first line, found \(got)")
    }
    for (offset, raw) in lines.enumerated().dropFirst() {
      let number = offset + 1
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
      if line.hasPrefix("#") {
        try metadata(line, line: number)
        continue
      }
      try statement(line, line: number)
    }
    guard let (backendConfiguration, backendToken) = backend else {
      throw TraceError(line: lines.count, column: 1, "the trace has no 'backend' line")
    }
    guard !servers.isEmpty else { throw backendToken.error("the backend has no 'server' line") }
    var configuration = backendConfiguration
    configuration.servers = servers.map(\.0)
    do {
      _ = try configuration.validated()
    } catch {
      let token: Token
      switch error {
      case .outOfRange(_, let server?, _, _), .dynamicLimitWithoutFullConnections(let server):
        token = servers[min(server.index, servers.count - 1)].1
      default:
        token = backendToken
      }
      throw token.error("invalid configuration: \(error)")
    }
    var trace = Trace(configuration: configuration, title: title, bug: bug, seed: seed, check: check)
    trace.steps = steps
    if !initialAssertions.isEmpty {
      throw TraceError(line: 1, column: 1, "'expect' lines must follow an event")
    }
    return trace
  }

  mutating func metadata(_ line: Substring, line number: Int) throws(TraceError) {
    let body = line.dropFirst().drop { $0 == " " }
    guard let colon = body.firstIndex(of: ":") else { return }  // a free comment
    let key = body[..<colon]
    let value = String(body[body.index(after: colon)...].drop { $0 == " " })
    switch key {
    case "title": title = value
    case "bug": bug = value
    case "check": check = value
    case "seed":
      guard let parsed = UInt64(value) else {
        throw TraceError(line: number, column: line.distance(from: line.startIndex, to: colon) + 2, "the seed '\(value)' is not a number")
      }
      seed = parsed
    default: break  // a free comment with a colon
    }
  }

  mutating func statement(_ line: Substring, line number: Int) throws(TraceError) {
    var eventPart = line
    var expected: String?
    if let separator = Self.find(TraceFormat.outcomeSeparator, in: line) {
      eventPart = line[..<separator.lowerBound]
      expected = String(line[separator.upperBound...]).trimmingSuffixSpaces()
      if expected?.isEmpty ?? true {
        throw TraceError(line: number, column: line.distance(from: line.startIndex, to: separator.upperBound) + 1, "'=>' needs an outcome after it")
      }
    }
    let tokens = Self.tokens(eventPart, line: number)
    if expected == nil, let last = tokens.last, last.text == "=>" {
      throw last.error("'=>' needs an outcome after it")
    }
    guard let verb = tokens.first else {
      throw TraceError(line: number, column: 1, "an expected outcome needs an event before '=>'")
    }
    switch verb.text {
    case "backend":
      try noOutcome(expected, verb)
      guard backend == nil else { throw verb.error("a second 'backend' line") }
      guard steps.isEmpty else { throw verb.error("'backend' must come before the events") }
      backend = (try Self.backend(tokens), verb)
    case "server":
      try noOutcome(expected, verb)
      guard backend != nil else { throw verb.error("'server' lines follow the 'backend' line") }
      guard steps.isEmpty else { throw verb.error("'server' lines must come before the events") }
      servers.append((try Self.server(tokens, expectedIndex: servers.count), verb))
    case "expect":
      try noOutcome(expected, verb)
      guard !steps.isEmpty else { throw verb.error("'expect' lines must follow an event") }
      steps[steps.count - 1].assertions += try Self.assertions(tokens)
    default:
      guard backend != nil, !servers.isEmpty else {
        throw verb.error("events must follow the 'backend' and 'server' lines")
      }
      steps.append(Trace.Step(try Self.event(tokens, line: number), expectedOutcome: expected))
    }
  }

  func noOutcome(_ expected: String?, _ verb: Token) throws(TraceError) {
    if expected != nil { throw verb.error("only an event can have an expected outcome") }
  }

  /// The first occurrence of `needle` in `line`.
  static func find(_ needle: String, in line: Substring) -> Range<Substring.Index>? {
    var start = line.startIndex
    while start < line.endIndex {
      if line[start...].hasPrefix(needle) {
        return start..<line.index(start, offsetBy: needle.count)
      }
      start = line.index(after: start)
    }
    return nil
  }

  static func tokens(_ line: Substring, line number: Int) -> [Token] {
    var result: [Token] = []
    var start: Substring.Index?
    var column = 0
    var startColumn = 0
    for index in line.indices {
      column += 1
      let isSpace = line[index] == " " || line[index] == "\t"
      if isSpace, let begun = start {
        result.append(Token(text: line[begun..<index], line: number, column: startColumn))
        start = nil
      } else if !isSpace && start == nil {
        start = index
        startColumn = column
      }
    }
    if let begun = start { result.append(Token(text: line[begun...], line: number, column: startColumn)) }
    return result
  }

  /// `key=value` arguments, each once, only from `allowed`.
  static func options(_ tokens: ArraySlice<Token>, allowed: [String]) throws(TraceError) -> [String: (Substring, Token)] {
    var result: [String: (Substring, Token)] = [:]
    for token in tokens {
      guard let equals = token.text.firstIndex(of: "=") else {
        throw token.error("expected key=value, found '\(token.text)'")
      }
      let key = String(token.text[..<equals])
      guard allowed.contains(key) else {
        throw token.error("unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))")
      }
      guard result[key] == nil else { throw token.error("'\(key)' given twice") }
      result[key] = (token.text[token.text.index(after: equals)...], token)
    }
    return result
  }

  static func integer(_ option: (Substring, Token)?, default value: Int) throws(TraceError) -> Int {
    guard let (text, token) = option else { return value }
    guard let parsed = Int(text) else { throw token.error("'\(text)' is not an integer") }
    return parsed
  }

  static func flag(_ option: (Substring, Token)?, default value: Bool) throws(TraceError) -> Bool {
    guard let (text, token) = option else { return value }
    switch text {
    case "on": return true
    case "off": return false
    default: throw token.error("'\(text)' must be 'on' or 'off'")
    }
  }

  static func backend(_ tokens: [Token]) throws(TraceError) -> Configuration {
    let keys = ["balance", "retries", "redispatch", "persist", "timeout-queue", "fullconn", "semantics"]
    let options = try options(tokens.dropFirst(), allowed: keys)
    let defaults = Configuration(servers: [])
    var algorithm = defaults.algorithm
    if let (text, token) = options["balance"] {
      guard let parsed = Algorithm(rawValue: String(text)) else {
        throw token.error("unknown balance '\(text)'; expected roundrobin, leastconn or hash")
      }
      algorithm = parsed
    }
    var semantics = defaults.semantics
    if let (text, token) = options["semantics"] {
      guard let parsed = Semantics(rawValue: String(text)) else {
        throw token.error("unknown semantics '\(text)'; expected 2008 or haproxy-2.6")
      }
      semantics = parsed
    }
    return Configuration(
      algorithm: algorithm, retries: try integer(options["retries"], default: defaults.retries),
      redispatch: try flag(options["redispatch"], default: defaults.redispatch),
      persist: try flag(options["persist"], default: defaults.persist),
      queueTimeout: try integer(options["timeout-queue"], default: defaults.queueTimeout),
      fullConnections: try integer(options["fullconn"], default: defaults.fullConnections), servers: [],
      semantics: semantics)
  }

  static func server(_ tokens: [Token], expectedIndex: Int) throws(TraceError) -> ServerConfiguration {
    guard tokens.count >= 2 else { throw tokens[0].error("'server' needs a name, s\(expectedIndex)") }
    let name = tokens[1]
    guard name.text == "s\(expectedIndex)" else {
      throw name.error("expected server 's\(expectedIndex)' (servers are named in order), found '\(name.text)'")
    }
    let keys = ["weight", "maxconn", "minconn", "maxqueue", "slowstart", "state"]
    let options = try options(tokens.dropFirst(2), allowed: keys)
    let defaults = ServerConfiguration()
    var state = defaults.initialState
    if let (text, token) = options["state"] {
      guard let parsed = ServerState(rawValue: String(text)) else {
        throw token.error("unknown state '\(text)'; expected running, drain, down or maint")
      }
      state = parsed
    }
    return ServerConfiguration(
      weight: try integer(options["weight"], default: defaults.weight),
      maximumConnections: try integer(options["maxconn"], default: defaults.maximumConnections),
      minimumConnections: try integer(options["minconn"], default: defaults.minimumConnections),
      maximumQueueLength: try integer(options["maxqueue"], default: defaults.maximumQueueLength),
      slowStart: try integer(options["slowstart"], default: defaults.slowStart), initialState: state)
  }

  static func assertions(_ tokens: [Token]) throws(TraceError) -> [Trace.Assertion] {
    guard tokens.count >= 3 else {
      throw tokens[0].error("'expect' needs a subject (backend, s0, #1) and at least one field=value")
    }
    let subject = tokens[1]
    let name = String(subject.text)
    let valid =
      name == "backend" || (name.hasPrefix("s") && Int(name.dropFirst()).map { $0 >= 0 } ?? false)
      || (name.hasPrefix("#") && Int(name.dropFirst()) != nil)
    guard valid else { throw subject.error("unknown subject '\(name)'; expected backend, s<n> or #<n>") }
    var result: [Trace.Assertion] = []
    for token in tokens.dropFirst(2) {
      guard let equals = token.text.firstIndex(of: "="), equals != token.text.startIndex else {
        throw token.error("expected field=value, found '\(token.text)'")
      }
      let field = String(token.text[..<equals])
      guard SnapshotFields.isField(field, of: name) else {
        throw token.error("'\(field)' is not a field of \(name)")
      }
      result.append(Trace.Assertion(subject: name, field: field, value: String(token.text[token.text.index(after: equals)...])))
    }
    return result
  }

  static func event(_ tokens: [Token], line: Int) throws(TraceError) -> Event {
    guard let verb = tokens.first else { throw TraceError(line: line, column: 1, "expected an event") }
    func argument(_ position: Int, _ what: String) throws(TraceError) -> Token {
      guard position < tokens.count else {
        let last = tokens[tokens.count - 1]
        throw TraceError(line: line, column: last.column + last.text.count + 1, "'\(verb.text)' needs \(what)")
      }
      return tokens[position]
    }
    func arity(_ count: Int) throws(TraceError) {
      if tokens.count > count { throw tokens[count].error("unexpected '\(tokens[count].text)' after '\(verb.text)'") }
    }
    func number(_ token: Token) throws(TraceError) -> Int {
      guard let value = Int(token.text) else { throw token.error("'\(token.text)' is not an integer") }
      return value
    }
    func session(_ position: Int) throws(TraceError) -> SessionID {
      SessionID(try number(try argument(position, "a session number")))
    }
    func server(_ token: Token) throws(TraceError) -> ServerID {
      guard token.text.hasPrefix("s"), let index = Int(token.text.dropFirst()), index >= 0 else {
        throw token.error("'\(token.text)' is not a server name (s0, s1, …)")
      }
      return ServerID(index)
    }
    switch verb.text {
    case "arrive":
      let id = try session(1)
      let options = try options(tokens.dropFirst(2), allowed: ["cookie", "key"])
      var cookie: ServerID?
      if let (text, token) = options["cookie"] {
        cookie = try server(Token(text: text, line: token.line, column: token.column + 7))
      }
      var key: UInt32?
      if let (text, token) = options["key"] {
        guard let parsed = UInt32(text) else { throw token.error("the key '\(text)' is not a 32-bit unsigned integer") }
        key = parsed
      }
      return .arrive(id, cookie: cookie, hashKey: key)
    case "run", "connected", "close", "abort", "queue-timeout":
      let id = try session(1)
      try arity(2)
      switch verb.text {
      case "run": return .run(id)
      case "connected": return .connectSucceeded(id)
      case "close": return .close(id)
      case "abort": return .abort(id)
      default: return .queueTimeout(id)
      }
    case "connect-failed":
      let id = try session(1)
      let how = try argument(2, "'refused' or 'timeout'")
      guard let failure = ConnectFailure(rawValue: String(how.text)) else {
        throw how.error("'\(how.text)' must be 'refused' or 'timeout'")
      }
      try arity(3)
      return .connectFailed(id, failure)
    case "state":
      let target = try server(try argument(1, "a server"))
      let word = try argument(2, "a state")
      guard let state = ServerState(rawValue: String(word.text)) else {
        throw word.error("unknown state '\(word.text)'; expected running, drain, down or maint")
      }
      try arity(3)
      return .setState(target, state)
    case "weight", "maxconn":
      let target = try server(try argument(1, "a server"))
      let value = try number(try argument(2, "a number"))
      try arity(3)
      return verb.text == "weight" ? .setWeight(target, value) : .setMaximumConnections(target, value)
    case "shutdown-sessions", "queue-task":
      let target = try server(try argument(1, "a server"))
      try arity(2)
      return verb.text == "queue-task" ? .queueTask(target) : .shutdownSessions(target)
    case "tick":
      let value = try number(try argument(1, "a duration in milliseconds"))
      try arity(2)
      return .tick(value)
    default:
      throw verb.error(
        "unknown event '\(verb.text)'; expected arrive, run, connected, connect-failed, close, abort, queue-timeout, state, weight, maxconn, shutdown-sessions, tick or queue-task"
      )
    }
  }
}

extension StringProtocol {
  func trimmingSuffixSpaces() -> String {
    var text = String(self)
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
    return text
  }
}
