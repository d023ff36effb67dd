import Foundation
package import AllServedCore

/// The clients in front of HAProxy: one connection per request, each named by
/// its session, read without blocking while the runner waits.
package final class ClientRequests {
  /// How a request ended, as the client saw it.
  package struct Response: Equatable {
    /// The HTTP status, or 0 when the connection closed without a status line.
    package var status: Int
    /// The server named in a 200's body.
    package var server: ServerID?
  }

  private struct Open {
    var socket: LoopbackSocket
    var bytes: [UInt8] = []
  }

  private let port: UInt16
  private var open: [SessionID: Open] = [:]
  /// The answered requests, by session.
  private(set) var responses: [SessionID: Response] = [:]

  /// Clients of the frontend at 127.0.0.1:`port`.
  init(frontendPort port: UInt16) { self.port = port }

  /// Sends `GET /r/<id>`, with `Cookie: SRV=<server>` when a cookie is given.
  func send(_ session: SessionID, cookie: ServerID?) throws(SocketError) {
    let socket = try LoopbackSocket.connect(port: port)
    var request = "GET /r/\(session.number) HTTP/1.1\r\nHost: allserved\r\n"
    if let cookie { request += "Cookie: SRV=\(cookie)\r\n" }
    request += "Connection: close\r\n\r\n"
    try socket.write(Array(request.utf8))
    open[session] = Open(socket: socket)
  }

  /// Resets the connection of `session`, as a client abort.
  /// - Returns: false when the request is not open.
  @discardableResult
  func abort(_ session: SessionID) -> Bool {
    guard let entry = open.removeValue(forKey: session) else { return false }
    entry.socket.reset()
    return true
  }

  /// Whether `session`'s connection is still open and unanswered.
  func isOpen(_ session: SessionID) -> Bool { open[session] != nil }

  /// Reads whatever has arrived, without waiting; a closed connection is an answer.
  func pump() {
    // Sorted: the order of a dictionary's keys varies from process to process.
    for session in open.keys.sorted() {
      guard var entry = open[session] else { continue }
      var finished = false
      // Bounded: one answer is small; a pass reads what is there now.
      reading: for _ in 0..<64 {
        switch entry.socket.readAvailable() {
        case .data(let bytes): entry.bytes += bytes
        case .wouldBlock: break reading
        case .closed:
          finished = true
          break reading
        }
      }
      if finished {
        entry.socket.close()
        open[session] = nil
        responses[session] = Self.parse(entry.bytes)
      } else {
        open[session] = entry
      }
    }
  }

  /// Closes every connection.
  func shutDown() {
    for entry in open.values { entry.socket.close() }
    open.removeAll()
  }

  /// The status and body of a complete answer.
  package static func parse(_ bytes: [UInt8]) -> Response {
    let text = String(decoding: bytes, as: UTF8.self)
    let parts = text.split(separator: " ", maxSplits: 2)
    let status = parts.count >= 2 && parts[0].hasPrefix("HTTP/") ? Int(parts[1]) ?? 0 : 0
    var server: ServerID?
    if status == 200, let range = text.range(of: "\r\n\r\n") {
      let body = text[range.upperBound...]
      if body.hasPrefix("s"), let index = Int(body.dropFirst()) { server = ServerID(index) }
    }
    return Response(status: status, server: server)
  }
}
