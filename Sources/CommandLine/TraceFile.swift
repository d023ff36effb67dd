import AllServedHarness
import Foundation

/// Reading and writing trace files, with errors a person can act on.
package enum TraceFile {
  /// A file that cannot be used; `allserved` prints it and exits with status 2.
  package struct Problem: Error {
    /// `path:line:column: what is wrong`, or why the file cannot be read.
    package var message: String
  }

  /// Reads and parses `path`.
  static func load(_ path: String) throws(Problem) -> Trace {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw Problem(message: "\(path): cannot read the file (\(error.localizedDescription))")
    }
    do {
      return try TraceFormat.parse(text)
    } catch {
      throw Problem(message: "\(path):\(error)")
    }
  }

  /// Writes `trace` to `path`, creating the folder if needed; the problem, if any.
  static func write(_ trace: Trace, to path: String) -> String? {
    write(text: TraceFormat.print(trace), to: path)
  }
}
