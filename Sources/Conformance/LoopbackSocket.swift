import Glibc

/// A failed socket call, with the call's name and `errno`'s text.
public struct SocketError: Error, CustomStringConvertible, Sendable {
  /// The call that failed, with its argument where that helps.
  public var operation: String
  /// `errno` at the failure.
  public var code: Int32

  init(_ operation: String, code: Int32 = errno) {
    self.operation = operation
    self.code = code
  }

  public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// One owned socket descriptor on 127.0.0.1 or a unix path, closed exactly once.
///
/// Every socket of the conformance runner is non-blocking after set-up and is
/// read through `poll` with a bounded timeout, so no call here can hang.
final class LoopbackSocket {
  /// The descriptor; -1 once closed.
  private(set) var descriptor: Int32

  private init(descriptor: Int32) { self.descriptor = descriptor }

  deinit { close() }

  /// Closes the descriptor; later calls do nothing.
  func close() {
    if descriptor >= 0 {
      _ = Glibc.close(descriptor)
      descriptor = -1
    }
  }

  /// Closes with a reset (`SO_LINGER` 0), the way a client abort looks to HAProxy.
  func reset() {
    guard descriptor >= 0 else { return }
    var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
    _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    close()
  }

  // MARK: Creating

  /// A listening TCP socket on 127.0.0.1 at a port the kernel picks.
  static func listen() throws(SocketError) -> (socket: LoopbackSocket, port: UInt16) {
    let socket = try make(domain: AF_INET)
    var one: Int32 = 1
    _ = setsockopt(socket.descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = loopbackAddress(port: 0)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw SocketError("bind 127.0.0.1:0") }
    guard Glibc.listen(socket.descriptor, 128) == 0 else { throw SocketError("listen") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket.descriptor, $0, &length) }
    }
    guard named == 0 else { throw SocketError("getsockname") }
    try socket.makeNonBlocking()
    return (socket, UInt16(bigEndian: address.sin_port))
  }

  /// A free TCP port on 127.0.0.1: bound, read and released. Another process
  /// could take it before HAProxy binds it; HAProxy then fails to start and says so.
  static func freePort() throws(SocketError) -> UInt16 {
    let (socket, port) = try listen()
    socket.close()
    return port
  }

  /// A connection to 127.0.0.1:`port`, non-blocking once established.
  static func connect(port: UInt16) throws(SocketError) -> LoopbackSocket {
    let socket = try make(domain: AF_INET)
    var address = loopbackAddress(port: port)
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { throw SocketError("connect 127.0.0.1:\(port)") }
    var one: Int32 = 1
    _ = setsockopt(socket.descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    try socket.makeNonBlocking()
    return socket
  }

  /// A connection to the unix socket at `path`, non-blocking once established.
  static func connect(unixPath path: String) throws(SocketError) -> LoopbackSocket {
    let socket = try make(domain: AF_UNIX)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else { throw SocketError("unix path too long: \(path)", code: ENAMETOOLONG) }
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      for (index, byte) in bytes.enumerated() { buffer[index] = byte }
      buffer[bytes.count] = 0
    }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard connected == 0 else { throw SocketError("connect \(path)") }
    try socket.makeNonBlocking()
    return socket
  }

  /// The next pending connection of a listening socket, or nil when none is waiting.
  func accept() -> LoopbackSocket? {
    let accepted = Glibc.accept(descriptor, nil, nil)
    guard accepted >= 0 else { return nil }
    let socket = LoopbackSocket(descriptor: accepted)
    try? socket.makeNonBlocking()
    return socket
  }

  // MARK: Reading and writing

  /// What a non-blocking read found.
  enum ReadResult {
    /// Bytes arrived.
    case data([UInt8])
    /// Nothing now.
    case wouldBlock
    /// The peer closed or reset the connection.
    case closed
  }

  /// Reads what is available now, without waiting.
  func readAvailable() -> ReadResult {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
    if count > 0 { return .data(Array(buffer[0..<count])) }
    if count == 0 { return .closed }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .wouldBlock : .closed
  }

  /// Writes all of `bytes`, waiting at most `timeoutMilliseconds` in all for room.
  func write(_ bytes: [UInt8], timeoutMilliseconds: Int32 = 1000) throws(SocketError) {
    var offset = 0
    var waited: Int32 = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if written > 0 {
        offset += written
      } else if written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR, waited < timeoutMilliseconds {
        _ = waitReadable(events: Int16(POLLOUT), timeoutMilliseconds: 10)
        waited += 10
      } else {
        throw SocketError("send")
      }
    }
  }

  /// Waits at most `timeoutMilliseconds` for the socket to become ready.
  @discardableResult
  func waitReadable(events: Int16 = Int16(POLLIN), timeoutMilliseconds: Int32) -> Bool {
    var entry = pollfd(fd: descriptor, events: events, revents: 0)
    return poll(&entry, 1, timeoutMilliseconds) > 0
  }

  // MARK: Helpers

  private static func make(domain: Int32) throws(SocketError) -> LoopbackSocket {
    let descriptor = socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { throw SocketError("socket") }
    return LoopbackSocket(descriptor: descriptor)
  }

  private func makeNonBlocking() throws(SocketError) {
    let flags = fcntl(descriptor, F_GETFL)
    guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { throw SocketError("fcntl") }
  }

  private static func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
    return address
  }
}
