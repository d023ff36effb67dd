import Glibc

/// HAProxy's admin socket (`stats socket … level admin`): one command per connection.
struct StatisticsSocket {
  /// The socket's path, in the run's own temporary directory.
  var path: String

  /// Sends `command` and reads the answer until HAProxy closes, at most `timeoutMilliseconds` in all.
  func send(_ command: String, timeoutMilliseconds: Int = 2000) throws(SocketError) -> String {
    let socket = try LoopbackSocket.connect(unixPath: path)
    defer { socket.close() }
    try socket.write(Array((command + "\n").utf8))
    var bytes: [UInt8] = []
    var waited = 0
    while waited < timeoutMilliseconds {
      switch socket.readAvailable() {
      case .data(let more): bytes += more
      case .closed: return String(decoding: bytes, as: UTF8.self)
      case .wouldBlock:
        socket.waitReadable(timeoutMilliseconds: 5)
        waited += 5
      }
    }
    throw SocketError("no complete answer to '\(command)' within \(timeoutMilliseconds) ms", code: ETIMEDOUT)
  }

  /// `show stat`, parsed.
  func statistics() throws(SocketError) -> StatisticsTable {
    StatisticsTable(csv: try send("show stat"))
  }
}

/// The CSV of `show stat`: one row per proxy and server, columns by name.
package struct StatisticsTable {
  private var rows: [String: [String: String]] = [:]

  /// Parses the CSV whose first line names the columns (`# pxname,svname,…`).
  package init(csv: String) {
    let lines = csv.split(separator: "\n")
    guard let header = lines.first, header.hasPrefix("# ") else { return }
    let names = header.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    for line in lines.dropFirst() {
      let values = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard values.count >= 2 else { continue }
      var row: [String: String] = [:]
      for (name, value) in zip(names, values) { row[name] = value }
      rows[values[0] + "/" + values[1]] = row
    }
  }

  /// Whether the table has any row (HAProxy answered with a real table).
  package var isEmpty: Bool { rows.isEmpty }

  /// The integer in column `column` of row `proxy/name`; 0 for an empty cell.
  package func value(_ column: String, proxy: String, name: String) -> Int? {
    guard let row = rows[proxy + "/" + name], let cell = row[column] else { return nil }
    return cell.isEmpty ? 0 : Int(cell)
  }

  /// The text in column `column` of row `proxy/name`.
  package func text(_ column: String, proxy: String, name: String) -> String? { rows[proxy + "/" + name]?[column] }
}
