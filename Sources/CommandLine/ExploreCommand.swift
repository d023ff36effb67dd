public import AllServedCore
public import AllServedEngine
import AllServedHarness
import AllServedHistory
import AllServedModel

/// The options of `allserved explore`.
public struct ExploreOptions: Equatable, Sendable {
  /// Servers in the backend.
  public var servers = 2
  /// The `maxconn` values each server takes, every combination explored.
  public var maximumConnections = 1...2
  /// `maxqueue` of every server.
  public var maximumQueueLength = 0
  /// Arrivals at most.
  public var sessions = 4
  /// Events at most.
  public var depth = 12
  /// The balancing algorithm.
  public var algorithm = Algorithm.roundRobin
  /// The rules: the 2008 design or HAProxy 2.6's.
  public var semantics = Semantics.design2008
  /// `retries`.
  public var retries = 1
  /// `option redispatch`.
  public var redispatch = false
  /// `option persist`.
  public var persist = false
  /// `timeout queue`, 0 for none.
  public var queueTimeout = 0
  /// Explore `set weight` and `set maxconn` too.
  public var limitChanges = false
  /// Explore state changes and `shutdown sessions`.
  public var stateChanges = true
  /// A fault planted in the implementation.
  public var fault: Fault?
  /// A historical variant explored instead of the implementation, judged by
  /// the invariants alone.
  public var variant: HistoricalVariant?
  /// Threads sharing each level of the exploration: by default one per
  /// processor. The report is the same for any number.
  public var jobs = Terminal.processorCount
  /// Where to write a JUnit XML report: one test case per configuration.
  public var junit: String?
  /// Where to write the shortest counterexample in the Informal Trace Format.
  public var itf: String?

  /// The defaults of the issue's example.
  public init() {}
}

/// `allserved explore`: every behaviour of a small scope.
public enum ExploreCommand {
  /// Explores every configuration of the scope; returns the summary and the
  /// exit status: 0 when no violation was found, 1 with the shortest
  /// counterexample otherwise.
  public static func run(_ options: ExploreOptions) -> (output: String, status: Int32) {
    Fault.$active.withValue(options.fault) { explore(options) }
  }

  static func configurations(_ options: ExploreOptions) -> [Configuration] {
    var limits: [[Int]] = [[]]
    for _ in 0..<options.servers {
      limits = limits.flatMap { prefix in options.maximumConnections.map { prefix + [$0] } }
    }
    return limits.map { limit in
      Configuration(
        algorithm: options.algorithm, retries: options.retries, redispatch: options.redispatch,
        persist: options.persist, queueTimeout: options.queueTimeout,
        servers: limit.map { ServerConfiguration(maximumConnections: $0, maximumQueueLength: options.maximumQueueLength) },
        semantics: options.semantics)
    }
  }

  static func explore(_ options: ExploreOptions) -> (output: String, status: Int32) {
    var lines = [
      "allserved explore: \(options.servers) servers, maxconn \(options.maximumConnections.lowerBound)..\(options.maximumConnections.upperBound), "
        + "\(options.sessions) sessions, depth \(options.depth), \(options.algorithm), \(options.semantics) rules"
        + (options.fault.map { ", fault '\($0)' planted" } ?? "")
        + (options.variant.map { ", the \($0.rawValue) variant (invariants only)" } ?? ""),
      "",
    ]
    let clock = ContinuousClock()
    let start = clock.now
    var states = 0
    var transitions = 0
    var replayed = 0
    var deepest = 0
    var bytes = 0
    var complete = true
    var junit = JUnitReport(name: "allserved explore", properties: [("command", commandLine(options))])
    // One configuration after another, all threads sharing each level: an
    // even split, where configurations side by side would leave a thread
    // idle behind the largest one.
    for configuration in configurations(options) {
      let label = configuration.servers.map { "maxconn=\($0.maximumConnections)" }.joined(separator: ",")
      let result = Fault.$active.withValue(options.fault) {
        explore(configuration, options) { depth, found in
          let seconds = (clock.now - start).inSeconds
          let rate = seconds > 0 ? Int(Double(states + found) / seconds) : 0
          Terminal.progress(
            "explore: [\(label)] depth \(depth) · states \(Terminal.grouped(states + found)) · ~\(Terminal.grouped(rate)) states/s")
        }
      }
      states += result.states
      transitions += result.transitions
      replayed += result.replayed
      deepest = max(deepest, result.depth)
      complete = complete && result.isComplete
      bytes += result.storedBytes
      let rate = result.seconds > 0 ? Int(Double(result.states) / result.seconds) : 0
      lines.append(
        "  [\(label)]".padding(30) + "states \(Terminal.grouped(result.states))".padding(18)
          + "transitions \(Terminal.grouped(result.transitions))".padding(24)
          + "depth \(result.depth)\(result.isComplete ? " (complete)" : "")".padding(20)
          + "\(Terminal.grouped(rate)) states/s")
      guard let failure = result.failure, var trace = result.counterexample else {
        junit.cases.append(.init(name: label, seconds: result.seconds))
        continue
      }
      Terminal.endProgress()
      if let variant = options.variant { trace.title = "a shortest trace breaking \(failure.check) in the \(variant.rawValue) variant" }
      lines += [
        "", "FAIL: \(failure)", "", "--- shortest counterexample (\(trace.steps.count) events; save it under Specs/Traces/) ---",
        TraceFormat.print(trace),
      ]
      junit.cases.append(
        .init(
          name: label, seconds: result.seconds,
          failure: ("\(failure.check) at step \(failure.step)", "replay: \(commandLine(options))\n\n" + TraceFormat.print(trace))))
      if options.itf != nil {
        lines += TraceFile.export(TraceFile.record(trace, variant: options.variant), svg: nil, itf: options.itf)
      }
      if let line = junit.write(to: options.junit) { lines.append(line) }
      return (lines.joined(separator: "\n"), 1)
    }
    Terminal.endProgress()
    let seconds = (clock.now - start).inSeconds
    let rate = seconds > 0 ? Int(Double(states) / seconds) : 0
    let threads = max(1, options.jobs)
    lines += [
      "",
      Terminal.row("distinct states", Terminal.grouped(states)),
      Terminal.row("transitions", Terminal.grouped(transitions)),
      Terminal.row("events replayed from the root", Terminal.grouped(replayed)),
      Terminal.row("maximum depth", "\(deepest)" + (complete ? " (every state space exhausted)" : " (depth bound reached)")),
      Terminal.row("bytes per stored state", "~\(states > 0 ? bytes / states : 0)"),
      Terminal.row(
        "time", "\(Int(seconds * 1000)) ms on \(threads) thread\(threads == 1 ? "" : "s"), \(Terminal.grouped(rate)) states/s"),
      "",
      options.variant.map { "PASS: the \($0.rawValue) variant violated no invariant" }
        ?? "PASS: no invariant violated and the implementation agreed on every transition",
    ]
    if let line = junit.write(to: options.junit) { lines += ["", line] }
    return (lines.joined(separator: "\n"), 0)
  }

  /// The command line that runs this exploration again.
  static func commandLine(_ options: ExploreOptions) -> String {
    let defaults = ExploreOptions()
    var words = ["swift run allserved explore"]
    func add(_ flag: String, _ value: String, _ standard: String) { if value != standard { words.append("\(flag) \(value)") } }
    add("--servers", "\(options.servers)", "\(defaults.servers)")
    let range = options.maximumConnections
    add("--maxconn", range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)..\(range.upperBound)", "1..2")
    add("--maxqueue", "\(options.maximumQueueLength)", "\(defaults.maximumQueueLength)")
    add("--sessions", "\(options.sessions)", "\(defaults.sessions)")
    add("--depth", "\(options.depth)", "\(defaults.depth)")
    add("--algorithm", options.algorithm.rawValue, defaults.algorithm.rawValue)
    add("--semantics", options.semantics.rawValue, defaults.semantics.rawValue)
    add("--retries", "\(options.retries)", "\(defaults.retries)")
    add("--timeout", "\(options.queueTimeout)", "\(defaults.queueTimeout)")
    if options.redispatch { words.append("--redispatch") }
    if options.persist { words.append("--persist") }
    if options.limitChanges { words.append("--admin") }
    if !options.stateChanges { words.append("--no-state-changes") }
    if let fault = options.fault { words.append("--fault \(fault.rawValue)") }
    if let variant = options.variant { words.append("--variant \(variant.rawValue)") }
    return words.joined(separator: " ")
  }

  /// Explores one configuration of the scope.
  static func explore(
    _ configuration: Configuration, _ options: ExploreOptions, progress: (Int, Int) -> Void
  ) -> ExplorationResult {
    var scope = ExplorationScope(configuration: configuration, sessions: options.sessions, depth: options.depth)
    if options.limitChanges { scope.includeLimitChanges() }
    if !options.stateChanges { scope.excludeStateChanges() }
    func run<Candidate, Key>(_ explorer: Explorer<ReferenceBalancer, Candidate, Key>) -> ExplorationResult {
      var explorer = explorer
      explorer.workers = max(1, options.jobs)
      return explorer.run { depth, found, _ in progress(depth, found) }
    }
    // A historical variant has rules of its own, so the model's canonical
    // form is not known to be sound for it: its whole state is the key.
    switch options.variant {
    case .prePatch:
      return run(Explorer<ReferenceBalancer, PrePatchBalancer, PrePatchBalancer>(scope: scope, mode: .invariantsOnly) { $0.candidate })
    case .asPatched2008:
      return run(
        Explorer<ReferenceBalancer, AsPatched2008Balancer, AsPatched2008Balancer>(scope: scope, mode: .invariantsOnly) {
          $0.candidate
        })
    case nil:
      // States are stored as 64-bit fingerprints of their canonical form, as TLC does.
      let renamings = (try? ReferenceBalancer(configuration: configuration))?.serverRenamings ?? []
      return run(
        Explorer<ReferenceBalancer, ProductionBalancer, UInt64>(scope: scope) {
          $0.reference.canonicalFingerprint(renamings: renamings)
        })
    }
  }
}
