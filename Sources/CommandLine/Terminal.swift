#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Output helpers: a single updating progress line on a terminal, nothing when piped.
public enum Terminal {
  /// Whether standard error is a terminal, so a progress line can be redrawn.
  static let showsProgress = isatty(STDERR_FILENO) != 0

  /// The processors online, at least 1: the default number of workers.
  static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// Writes `text` to standard error, unbuffered (no shared `FILE *`).
  static func writeError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { buffer in
        write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
      }
      guard written > 0 else { return }
      offset += written
    }
  }

  /// Writes one line to standard error.
  public static func error(_ text: String) {
    writeError(text + "\n")
  }

  /// Redraws the progress line in place.
  static func progress(_ text: String) {
    guard showsProgress else { return }
    writeError("\r\u{1B}[2K" + text)
  }

  /// Erases the progress line before the summary.
  static func endProgress() {
    guard showsProgress else { return }
    writeError("\r\u{1B}[2K")
  }

  /// `1234567` as `1,234,567`.
  static func grouped(_ number: Int) -> String {
    let digits = String(number.magnitude)
    var result = ""
    for (offset, digit) in digits.enumerated() {
      if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return (number < 0 ? "-" : "") + result
  }

  /// `value` right-aligned in `width` columns.
  static func column(_ value: String, _ width: Int) -> String {
    String(repeating: " ", count: max(1, width - value.count)) + value
  }

  /// A left-aligned label and a right-aligned number in fixed columns.
  static func row(_ label: String, _ value: String, width: Int = 44) -> String {
    let padding = max(1, width - label.count - value.count)
    return "  " + label + String(repeating: " ", count: padding) + value
  }
}
