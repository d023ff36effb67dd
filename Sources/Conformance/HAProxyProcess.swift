import Foundation
import Glibc

/// Why HAProxy could not be used.
public enum HAProxyError: Error, CustomStringConvertible, Sendable {
  /// No `haproxy` executable was found.
  case notInstalled(searched: [String])
  /// `haproxy -v` printed no version this runner supports.
  case unsupportedVersion(String)
  /// HAProxy exited at start-up or never opened its admin socket.
  case failedToStart(String)
  /// A socket call failed.
  case socket(SocketError)

  public var description: String {
    switch self {
    case .notInstalled(let searched):
      "haproxy is not installed (searched \(searched.joined(separator: ", "))); "
        + "install it with `apt-get install -y haproxy`, or name it with ALLSERVED_HAPROXY"
    case .unsupportedVersion(let text): "haproxy 2.6 is required; `haproxy -v` says: \(text)"
    case .failedToStart(let text): "haproxy did not start: \(text)"
    case .socket(let error): "socket: \(error)"
    }
  }
}

/// The installed HAProxy: its path and version.
public struct HAProxyInstallation: Sendable {
  /// The executable.
  public var path: String
  /// The first line of `haproxy -v`.
  public var version: String

  /// Finds `haproxy` (the path in ALLSERVED_HAPROXY if set, else PATH, then
  /// /usr/sbin) and checks it is 2.6.
  public static func locate(environment: [String: String]? = nil) throws(HAProxyError) -> HAProxyInstallation {
    let environment = environment ?? ProcessInfo.processInfo.environment
    var candidates: [String]
    var searched: [String]
    if let named = environment["ALLSERVED_HAPROXY"] {
      // Named: that one or none, so a test can make haproxy missing.
      candidates = [named]
      searched = ["ALLSERVED_HAPROXY=\(named)"]
    } else {
      candidates = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/haproxy" }
      candidates += ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"]
      searched = ["PATH", "/usr/sbin", "/usr/local/sbin"]
    }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw .notInstalled(searched: searched)
    }
    let output = try run(found, ["-v"])
    let first = output.split(separator: "\n").first.map(String.init) ?? output
    guard first.hasPrefix("HAProxy version 2.6.") || first.hasPrefix("HA-Proxy version 2.6.") else {
      throw .unsupportedVersion(first)
    }
    return HAProxyInstallation(path: found, version: first)
  }

  /// Runs a short command to its end (bounded: 5 s) and returns what it printed.
  private static func run(_ path: String, _ arguments: [String]) throws(HAProxyError) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { throw .failedToStart("\(path): \(error)") }
    let exited = HAProxyProcess.waitForExit(process, milliseconds: 5000)
    if !exited { _ = HAProxyProcess.stop(process, after: 1000) }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    let text = String(decoding: data, as: UTF8.self)
    guard exited else { throw .failedToStart("\(path) -v did not exit in 5 s") }
    return text
  }
}

/// One HAProxy in the foreground (`-db`), with its config and admin socket in
/// a fresh temporary directory; stopped by its pid, whatever happens.
final class HAProxyProcess {
  /// The admin socket.
  let statistics: StatisticsSocket
  /// The pid, for the record.
  let pid: Int32
  private let process: Process
  private let directory: URL

  /// Writes `configuration` (whose admin socket must be `<directory>/admin.sock`), starts
  /// HAProxy and waits, at most 3 s, until its admin socket answers.
  init(installation: HAProxyInstallation, directory: URL, configuration: String) throws(HAProxyError) {
    self.directory = directory
    let file = directory.appendingPathComponent("haproxy.cfg")
    let log = directory.appendingPathComponent("haproxy.log")
    do {
      try configuration.write(to: file, atomically: true, encoding: .utf8)
      _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    } catch { throw .failedToStart("cannot write \(file.path): \(error)") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: installation.path)
    process.arguments = ["-db", "-f", file.path]
    let output = FileHandle(forWritingAtPath: log.path)
    process.standardOutput = output
    process.standardError = output
    do { try process.run() } catch { throw .failedToStart("\(error)") }
    self.process = process
    self.pid = process.processIdentifier
    self.statistics = StatisticsSocket(path: directory.appendingPathComponent("admin.sock").path)
    // Ready once the admin socket answers; HAProxy takes about 40 ms.
    for _ in 0..<300 {
      if !process.isRunning { break }
      if let answer = try? statistics.send("show info", timeoutMilliseconds: 200), answer.contains("Name:") {
        return
      }
      usleep(10_000)
    }
    _ = Self.stop(process, after: 1000)
    let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    throw .failedToStart(printed.isEmpty ? "no admin socket after 3 s" : printed)
  }

  /// Stops HAProxy: SIGTERM to its pid, then SIGKILL after 2 s.
  func stop() { _ = Self.stop(process, after: 2000) }

  deinit { stop() }

  /// Waits at most `milliseconds` for `process` to exit by itself.
  static func waitForExit(_ process: Process, milliseconds: Int) -> Bool {
    for _ in 0..<(milliseconds / 5) {
      if !process.isRunning { return true }
      usleep(5000)
    }
    return !process.isRunning
  }

  /// SIGTERM to `process`'s pid, then SIGKILL when it has not exited after `milliseconds`.
  /// - Returns: whether it exited before the SIGKILL.
  static func stop(_ process: Process, after milliseconds: Int) -> Bool {
    let pid = process.processIdentifier
    guard process.isRunning else { return true }
    kill(pid, SIGTERM)
    if waitForExit(process, milliseconds: milliseconds) { return true }
    kill(pid, SIGKILL)
    for _ in 0..<200 where process.isRunning { usleep(5000) }
    return false
  }
}
