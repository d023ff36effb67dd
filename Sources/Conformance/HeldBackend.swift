package import AllServedCore

/// The servers behind HAProxy, in the runner's own process: each holds every
/// request it receives, without answering, until the runner releases it.
///
/// There is no thread: the runner calls `pump()` while it waits, so what the
/// backend has seen is always consistent with the runner's own step.
package final class HeldBackend {
  /// A request a server holds.
  struct HeldRequest {
    /// The session, from the request path `/r/<id>`.
    var session: SessionID
    /// The server holding it.
    var server: ServerID
    fileprivate var socket: LoopbackSocket
  }

  /// The TCP port of each server, by index.
  let ports: [UInt16]
  /// The held requests, in arrival order.
  private(set) var held: [HeldRequest] = []

  private let listeners: [LoopbackSocket]
  /// Connections whose request line has not fully arrived yet.
  private var incoming: [(server: ServerID, socket: LoopbackSocket, bytes: [UInt8])] = []

  /// Listens for `count` servers on fresh loopback ports.
  init(servers count: Int) throws(SocketError) {
    var listeners: [LoopbackSocket] = []
    var ports: [UInt16] = []
    for _ in 0..<count {
      let (socket, port) = try LoopbackSocket.listen()
      listeners.append(socket)
      ports.append(port)
    }
    self.listeners = listeners
    self.ports = ports
  }

  /// Closes every socket.
  func shutDown() {
    for request in held { request.socket.close() }
    for entry in incoming { entry.socket.close() }
    for listener in listeners { listener.close() }
    held.removeAll()
    incoming.removeAll()
  }

  /// Accepts, reads and notices closes, without waiting.
  func pump() {
    for (index, listener) in listeners.enumerated() {
      // Bounded: the backlog is finite, and each pass takes what is there now.
      for _ in 0..<256 {
        guard let socket = listener.accept() else { break }
        incoming.append((ServerID(index), socket, []))
      }
    }
    var stillIncoming: [(server: ServerID, socket: LoopbackSocket, bytes: [UInt8])] = []
    for var entry in incoming {
      switch entry.socket.readAvailable() {
      case .data(let bytes):
        entry.bytes += bytes
        if let session = Self.session(inRequest: entry.bytes) {
          held.append(HeldRequest(session: session, server: entry.server, socket: entry.socket))
        } else {
          stillIncoming.append(entry)
        }
      case .wouldBlock: stillIncoming.append(entry)
      case .closed: entry.socket.close()
      }
    }
    incoming = stillIncoming
    held.removeAll { request in
      // A held request sends nothing more: any readable event is a close.
      guard request.socket.waitReadable(timeoutMilliseconds: 0) else { return false }
      if case .data = request.socket.readAvailable() { return false }
      request.socket.close()
      return true
    }
  }

  /// Answers the held request of `session` with a 200 naming its server, and closes it.
  /// - Returns: false when no such request is held.
  @discardableResult
  func release(_ session: SessionID) -> Bool {
    guard let index = held.firstIndex(where: { $0.session == session }) else { return false }
    let request = held.remove(at: index)
    let body = "\(request.server)"
    let response =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n"
      + "Connection: close\r\n\r\n\(body)"
    try? request.socket.write(Array(response.utf8))
    request.socket.close()
    return true
  }

  /// The session named by a complete request head `GET /r/<id> …\r\n\r\n`.
  package static func session(inRequest bytes: [UInt8]) -> SessionID? {
    guard bytes.count >= 4, let text = String(validating: bytes, as: UTF8.self), text.contains("\r\n\r\n")
    else { return nil }
    guard let line = text.split(separator: "\r\n").first else { return nil }
    let parts = line.split(separator: " ")
    guard parts.count >= 2, parts[1].hasPrefix("/r/"), let number = Int(parts[1].dropFirst(3)) else { return nil }
    return SessionID(number)
  }
}
