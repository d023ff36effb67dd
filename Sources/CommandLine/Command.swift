public import AllServedEngine
public import AllServedHarness
import AllServedCore

/// A parsed command line.
public enum Command: Equatable, Sendable {
  /// `--help`, or `help TOPIC`.
  case help(topic: String?)
  /// `check` and its options.
  case check(CheckOptions)
  /// `replay FILE` and its options.
  case replay(ReplayOptions)
  /// `shrink FILE` and its options.
  case shrink(ShrinkOptions)
  /// `mutants`, with the budget of each mutant.
  case mutants(CheckOptions)
  /// `bugs`: the first seed and how many seeds per bug.
  case bugs(BugsOptions)
  /// `explore` and its scope.
  case explore(ExploreOptions)
  /// `conformance`: scripted scenarios and random traces against a real HAProxy 2.6.
  case conformance(ConformanceOptions)
  /// `pictures`: redraw the SVG beside every trace of the specification, or with `check`, only verify them.
  case pictures(check: Bool)
}

/// The options of `allserved conformance`.
public struct ConformanceOptions: Equatable, Sendable {
  /// Trace files to run instead of the scripted scenarios of Specs/Conformance.
  public var paths: [String] = []
  /// How many random traces to draw.
  public var traces = 100
  /// The seed of the first random trace.
  public var seed: UInt64 = 2026
  /// External events per random trace.
  public var length = 16
  /// The haproxy executable, instead of searching PATH and /usr/sbin.
  public var haproxy: String?
  /// This machine's share of the traces (scripted, known differences, then random).
  public var shard = Shard.whole
  /// Where to write a JUnit XML report.
  public var junit: String?

  /// The defaults: every scripted scenario and 100 random traces.
  public init() {}
}

/// The options of `allserved check`.
public struct CheckOptions: Equatable, Sendable {
  /// The seed of the first trace.
  public var seed: UInt64 = 2026
  /// How many traces.
  public var traces = 300
  /// How many events per trace.
  public var length = 200
  /// A fault planted in the implementation, to watch the harness find it.
  public var fault: Fault?
  /// Where to save the shrunk trace of a failure.
  public var save: String?
  /// The saved trace's title.
  public var title: String?
  /// The saved trace's line on the bug.
  public var bug: String?
  /// Distinct states the certification of a shrunk failure may explore; 0 for none.
  public var certifyBudget = Certification.defaultBudget
  /// This machine's share of the traces (of `check`) or of the mutants (of `mutants`).
  public var shard = Shard.whole
  /// Where to write a JUnit XML report.
  public var junit: String?

  /// The defaults: a check of a few seconds in a debug build.
  public init() {}
}

/// The options of `allserved bugs`.
public struct BugsOptions: Equatable, Sendable {
  /// The first seed.
  public var seed: UInt64 = 2026
  /// Fresh seeds per bug.
  public var seeds = 20
  /// This machine's share of the seeds: seed index i of every bug runs on shard i mod N.
  public var shard = Shard.whole
  /// Where to write a JUnit XML report.
  public var junit: String?
  /// Distinct states the certification of each find may explore; 0 for none.
  public var certifyBudget = Certification.defaultBudget

  /// The defaults: 20 seeds per bug from 2026.
  public init() {}
}

/// The options of `allserved replay`.
public struct ReplayOptions: Equatable, Sendable {
  /// The trace file.
  public var path: String
  /// JSON lines instead of text.
  public var json = false
  /// A fault planted in the implementation.
  public var fault: Fault?
  /// A historical variant replayed instead of the implementation, judged by the invariants alone.
  public var variant: HistoricalVariant?
  /// Where to write the trace's SVG timeline.
  public var svg: String?
  /// Where to write the trace in the Informal Trace Format (JSON).
  public var itf: String?

  /// Options for `path`.
  public init(path: String) { self.path = path }
}

/// The options of `allserved shrink`.
public struct ShrinkOptions: Equatable, Sendable {
  /// The failing trace file.
  public var path: String
  /// Where to write the shrunk trace.
  public var output: String?
  /// A fault planted in the implementation.
  public var fault: Fault?
  /// Distinct states the search for a shorter failing trace in the shrunk
  /// trace's own scope may explore; 0 for no search.
  public var certifyBudget = Certification.defaultBudget

  /// Options for `path`.
  public init(path: String) { self.path = path }
}

/// A command line that cannot be obeyed; `allserved` prints it and exits with status 2.
public struct UsageError: Error, Equatable, Sendable {
  /// What is wrong, in one line.
  public var message: String

  /// Creates a usage error.
  public init(message: String) { self.message = message }
}

extension Command {
  /// Parses the arguments after the program name, by hand (no packages).
  ///
  /// - Throws: ``UsageError`` for an unknown command or option, or a bad value.
  public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
    var rest = arguments[...]
    var subcommand = "check"
    if let first = rest.first, !first.hasPrefix("-") {
      subcommand = first
      rest = rest.dropFirst()
    }
    if rest.contains("--help") || rest.contains("-h") || subcommand == "help" {
      let topic = subcommand == "help" ? rest.first : (arguments.first == subcommand ? subcommand : nil)
      return .help(topic: topic)
    }
    var arguments = Arguments(command: subcommand, rest: rest)
    switch subcommand {
    case "check", "mutants":
      var options = CheckOptions()
      while let flag = try arguments.nextFlag() {
        switch flag {
        case "--seed": options.seed = try seed(try arguments.value(for: flag))
        case "--traces": options.traces = try count(flag, try arguments.value(for: flag), 1...10_000_000)
        case "--length": options.length = try count(flag, try arguments.value(for: flag), 1...1_000_000)
        case "--fault" where subcommand == "check": options.fault = try fault(try arguments.value(for: flag))
        case "--save" where subcommand == "check": options.save = try arguments.value(for: flag)
        case "--title" where subcommand == "check": options.title = try arguments.value(for: flag)
        case "--bug" where subcommand == "check": options.bug = try arguments.value(for: flag)
        case "--certify-budget" where subcommand == "check": options.certifyBudget = try budget(try arguments.value(for: flag))
        case "--shard": options.shard = try shard(try arguments.value(for: flag))
        case "--junit": options.junit = try arguments.value(for: flag)
        default: throw arguments.unknown(flag)
        }
      }
      return subcommand == "check" ? .check(options) : .mutants(options)
    case "bugs":
      var options = BugsOptions()
      while let flag = try arguments.nextFlag() {
        switch flag {
        case "--seed": options.seed = try seed(try arguments.value(for: flag))
        case "--seeds": options.seeds = try count(flag, try arguments.value(for: flag), 1...1_000)
        case "--certify-budget": options.certifyBudget = try budget(try arguments.value(for: flag))
        case "--shard": options.shard = try shard(try arguments.value(for: flag))
        case "--junit": options.junit = try arguments.value(for: flag)
        default: throw arguments.unknown(flag)
        }
      }
      return .bugs(options)
    case "explore":
      var options = ExploreOptions()
      while let flag = try arguments.nextFlag() {
        switch flag {
        case "--servers": options.servers = try count(flag, try arguments.value(for: flag), 1...4)
        case "--maxconn":
          let value = try arguments.value(for: flag)
          let parts = value.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
            .filter { !$0.isEmpty }
          let bounds = parts.compactMap { Int($0) }
          let shaped = parts.count == 1 ? !value.contains(".") : value.contains("..") && !value.contains("...")
          guard shaped, (1...2).contains(parts.count), bounds.count == parts.count, let low = bounds.first,
            let high = bounds.last, 0 <= low, low <= high, high <= 8
          else {
            throw UsageError(message: "--maxconn takes a value or a range such as 1..2, within 0...8, not '\(value)'")
          }
          options.maximumConnections = low...high
        case "--maxqueue": options.maximumQueueLength = try count(flag, try arguments.value(for: flag), 0...8)
        case "--sessions": options.sessions = try count(flag, try arguments.value(for: flag), 1...16)
        case "--depth": options.depth = try count(flag, try arguments.value(for: flag), 1...64)
        case "--retries": options.retries = try count(flag, try arguments.value(for: flag), 0...8)
        case "--timeout": options.queueTimeout = try count(flag, try arguments.value(for: flag), 0...1_000_000)
        case "--algorithm":
          let value = try arguments.value(for: flag)
          guard let algorithm = Algorithm(rawValue: value) else {
            throw UsageError(message: "--algorithm takes roundrobin, leastconn or hash, not '\(value)'")
          }
          options.algorithm = algorithm
        case "--semantics":
          let value = try arguments.value(for: flag)
          guard let semantics = Semantics(rawValue: value) else {
            throw UsageError(message: "--semantics takes 2008 or haproxy-2.6, not '\(value)'")
          }
          options.semantics = semantics
        case "--redispatch": options.redispatch = true
        case "--persist": options.persist = true
        case "--admin": options.limitChanges = true
        case "--no-state-changes": options.stateChanges = false
        case "--fault": options.fault = try fault(try arguments.value(for: flag))
        case "--jobs": options.jobs = try count(flag, try arguments.value(for: flag), 1...64)
        case "--variant": options.variant = try variant(try arguments.value(for: flag))
        case "--junit": options.junit = try arguments.value(for: flag)
        case "--itf": options.itf = try arguments.value(for: flag)
        default: throw arguments.unknown(flag)
        }
      }
      if options.variant != nil && options.fault != nil {
        throw UsageError(message: "--fault plants a fault in the implementation, which --variant replaces; give one of them")
      }
      return .explore(options)
    case "conformance":
      var options = ConformanceOptions()
      while !arguments.rest.isEmpty {
        if let path = arguments.rest.first, !path.hasPrefix("-") {
          options.paths.append(path)
          arguments.rest = arguments.rest.dropFirst()
          continue
        }
        guard let flag = try arguments.nextFlag() else { break }
        switch flag {
        case "--seed": options.seed = try seed(try arguments.value(for: flag))
        case "--traces": options.traces = try count(flag, try arguments.value(for: flag), 0...100_000)
        case "--length": options.length = try count(flag, try arguments.value(for: flag), 1...200)
        case "--haproxy": options.haproxy = try arguments.value(for: flag)
        case "--shard": options.shard = try shard(try arguments.value(for: flag))
        case "--junit": options.junit = try arguments.value(for: flag)
        default: throw arguments.unknown(flag)
        }
      }
      return .conformance(options)
    case "replay":
      var options = ReplayOptions(path: try arguments.file())
      while let flag = try arguments.nextFlag() {
        switch flag {
        case "--json": options.json = true
        case "--fault": options.fault = try fault(try arguments.value(for: flag))
        case "--variant": options.variant = try variant(try arguments.value(for: flag))
        case "--svg": options.svg = try arguments.value(for: flag)
        case "--itf": options.itf = try arguments.value(for: flag)
        default: throw arguments.unknown(flag)
        }
      }
      if options.variant != nil && options.fault != nil {
        throw UsageError(message: "--fault plants a fault in the implementation, which --variant replaces; give one of them")
      }
      return .replay(options)
    case "pictures":
      var check = false
      while let flag = try arguments.nextFlag() {
        switch flag {
        case "--check": check = true
        default: throw arguments.unknown(flag)
        }
      }
      return .pictures(check: check)
    case "shrink":
      var options = ShrinkOptions(path: try arguments.file())
      while let flag = try arguments.nextFlag() {
        switch flag {
        case "--output", "-o": options.output = try arguments.value(for: flag)
        case "--certify": options.certifyBudget = Int.max
        case "--certify-budget": options.certifyBudget = try budget(try arguments.value(for: flag))
        case "--fault": options.fault = try fault(try arguments.value(for: flag))
        default: throw arguments.unknown(flag)
        }
      }
      return .shrink(options)
    default:
      throw UsageError(message: "unknown command '\(subcommand)'; expected check, replay, shrink, explore, conformance, mutants, bugs, pictures or help")
    }
  }

  private static func seed(_ value: String) throws(UsageError) -> UInt64 {
    guard let seed = UInt64(value) else {
      throw UsageError(message: "--seed takes a whole number from 0 to \(UInt64.max), not '\(value)'")
    }
    return seed
  }

  private static func budget(_ value: String) throws(UsageError) -> Int {
    try count("--certify-budget", value, 0...1_000_000_000)
  }

  private static func shard(_ value: String) throws(UsageError) -> Shard {
    guard let shard = Shard(value) else {
      throw UsageError(message: "--shard takes K/N, this machine's share K of N (1 ≤ K ≤ N), not '\(value)'")
    }
    return shard
  }

  private static func variant(_ value: String) throws(UsageError) -> HistoricalVariant {
    guard let variant = HistoricalVariant(rawValue: value) else {
      let names = HistoricalVariant.allCases.map(\.rawValue).joined(separator: " or ")
      throw UsageError(message: "--variant takes \(names), not '\(value)'")
    }
    return variant
  }

  private static func count(_ flag: String, _ value: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
    guard let number = Int(value), range.contains(number) else {
      throw UsageError(message: "\(flag) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(value)'")
    }
    return number
  }

  private static func fault(_ name: String) throws(UsageError) -> Fault {
    guard let fault = Fault(rawValue: name) else {
      throw UsageError(message: "unknown fault '\(name)'; the catalogue is in Specs/Mutants.md (e.g. maxqueue-off-by-one)")
    }
    guard Fault.isCompiledIn else {
      throw UsageError(message: "--fault needs a debug build (release builds compile the fault sites away)")
    }
    return fault
  }
}

/// The words after the subcommand.
private struct Arguments {
  var command: String
  var rest: ArraySlice<String>

  mutating func nextFlag() throws(UsageError) -> String? {
    guard let word = rest.popFirst() else { return nil }
    guard word.hasPrefix("-") else {
      throw UsageError(message: "unexpected argument '\(word)' for '\(command)'")
    }
    return word
  }

  mutating func value(for flag: String) throws(UsageError) -> String {
    guard let value = rest.popFirst() else { throw UsageError(message: "option '\(flag)' needs a value") }
    return value
  }

  mutating func file() throws(UsageError) -> String {
    guard let path = rest.first, !path.hasPrefix("-") else {
      throw UsageError(message: "'\(command)' needs a trace file: allserved \(command) FILE")
    }
    rest = rest.dropFirst()
    return path
  }

  func unknown(_ flag: String) -> UsageError {
    UsageError(message: "unknown option '\(flag)' for '\(command)'")
  }
}
