/// A parsed command line.
public enum Command: Equatable, Sendable {
  /// `--help`, or `help TOPIC`.
  case help(topic: String?)
  /// `check` and its options.
  case check(CheckOptions)
}

/// The options of `allserved check`.
public struct CheckOptions: Equatable, Sendable {
  /// The seed of the first trace.
  public var seed: UInt64 = 2026
  /// How many traces.
  public var traces = 300
  /// How many events per trace.
  public var length = 200

  /// The defaults: a check of a few seconds in a debug build.
  public init() {}
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
    switch subcommand {
    case "check":
      var options = CheckOptions()
      while let flag = rest.popFirst() {
        guard let value = rest.popFirst() else {
          throw UsageError(message: "option '\(flag)' needs a value")
        }
        switch flag {
        case "--seed":
          guard let seed = UInt64(value) else {
            throw UsageError(message: "--seed takes a whole number from 0 to \(UInt64.max), not '\(value)'")
          }
          options.seed = seed
        case "--traces": options.traces = try count(flag, value, 1...10_000_000)
        case "--length": options.length = try count(flag, value, 1...1_000_000)
        default: throw UsageError(message: "unknown option '\(flag)' for 'check'")
        }
      }
      return .check(options)
    default:
      throw UsageError(message: "unknown command '\(subcommand)'")
    }
  }

  private static func count(_ flag: String, _ value: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
    guard let number = Int(value), range.contains(number) else {
      throw UsageError(message: "\(flag) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(value)'")
    }
    return number
  }
}
