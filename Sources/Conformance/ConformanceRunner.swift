public import AllServedCore
import AllServedModel
import Foundation
import Glibc
import Synchronization

/// Replays a trace against a real HAProxy 2.6 and the reference model side by
/// side, and compares what HAProxy shows with what the model predicts after
/// every step (Specs/Conformance.md).
///
/// A conformance trace holds the events a client, a server or an operator
/// causes: arrivals, closes, aborts, admin commands and the passing of time.
/// What HAProxy does by itself at once (a woken request runs, a connect
/// succeeds, a queue timer fires) the runner adds to the model's trace.
public struct ConformanceRunner: Sendable {
  /// The HAProxy to run.
  public var installation: HAProxyInstallation
  /// How long a step may take to show in `show stat` before it counts as a difference.
  public var settleMilliseconds = 500
  /// The least real time between two steps, so no two requests share a millisecond.
  public var minimumGapMilliseconds = 5

  /// A runner of `installation`.
  public init(installation: HAProxyInstallation) { self.installation = installation }

  /// Why a trace could not be run.
  public enum RunError: Error, CustomStringConvertible, Sendable {
    /// The trace uses something the runner cannot drive or observe.
    case notObservable(String)
    /// HAProxy or a socket failed.
    case haproxy(HAProxyError)

    public var description: String {
      switch self {
      case .notObservable(let reason): "not observable on HAProxy: \(reason)"
      case .haproxy(let error): "\(error)"
      }
    }
  }

  /// The first step at which HAProxy and the model disagree.
  public struct Difference: Sendable {
    /// The index of the step in the trace's own steps.
    public var step: Int
    /// The step's event.
    public var event: Event
    /// What the model predicted.
    public var predicted: ConformanceObservation
    /// What HAProxy showed when the wait ran out.
    public var observed: ConformanceObservation
  }

  /// The result of one trace.
  public struct Result: Sendable {
    /// The trace as the model ran it, with the events HAProxy does by itself added.
    public var modelTrace: [Event]
    /// The first difference, or nil when every step agreed.
    public var difference: Difference?
    /// How many steps were compared and agreed.
    public var agreedSteps: Int
    /// The latest an action ran after its model time, in milliseconds.
    public var maximumLateness: Int
  }

  /// Runs `configuration` and `events` against a fresh HAProxy.
  /// Events HAProxy causes by itself (`run`, `connected`, `queue-timeout`) are
  /// left out of `events` and added again where the model says they happen, so
  /// the model trace of a result runs again unchanged.
  public func run(configuration: Configuration, events: [Event]) throws(RunError) -> Result {
    let events = events.filter(Self.isExternal)
    if let reason = HAProxyConfiguration.unsupported(configuration) { throw .notObservable(reason) }
    for event in events {
      if let reason = Self.unsupported(event) { throw .notObservable(reason) }
    }
    let model: ReferenceBalancer
    do { model = try ReferenceBalancer(configuration: configuration) } catch {
      throw .notObservable("invalid configuration: \(error)")
    }
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("allserved-conformance-\(getpid())-\(Self.nextRunNumber())")
    do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
      throw .haproxy(.failedToStart("cannot create \(directory.path): \(error)"))
    }
    defer { try? FileManager.default.removeItem(at: directory) }
    let backend: HeldBackend
    let frontendPort: UInt16
    do {
      backend = try HeldBackend(servers: configuration.servers.count)
      frontendPort = try LoopbackSocket.freePort()
    } catch { throw .haproxy(.socket(error)) }
    defer { backend.shutDown() }
    let text = HAProxyConfiguration.text(
      for: configuration, socketPath: directory.appendingPathComponent("admin.sock").path,
      frontendPort: frontendPort, serverPorts: backend.ports)
    let haproxy: HAProxyProcess
    do { haproxy = try HAProxyProcess(installation: installation, directory: directory, configuration: text) } catch {
      throw .haproxy(error)
    }
    defer { haproxy.stop() }
    let clients = ClientRequests(frontendPort: frontendPort)
    defer { clients.shutDown() }
    var session = Session(
      runner: self, model: model, haproxy: haproxy, backend: backend, clients: clients)
    for (index, server) in configuration.servers.enumerated() where server.initialState == .drain {
      _ = try? haproxy.statistics.send("set server be/\(ServerID(index)) state drain")
    }
    var agreed = 0
    var difference: Difference?
    session.startClock()
    for (index, event) in events.enumerated() {
      let predicted = try session.perform(event)
      if let observed = session.waitForAgreement(with: predicted) {
        difference = Difference(step: index, event: event, predicted: predicted, observed: observed)
        break
      }
      agreed += 1
    }
    return Result(
      modelTrace: session.driver.trace, difference: difference, agreedSteps: agreed,
      maximumLateness: session.maximumLateness)
  }

  /// Whether a client, a server, an operator or the clock causes `event`.
  public static func isExternal(_ event: Event) -> Bool {
    switch event {
    case .arrive, .close, .abort, .setState, .setWeight, .setMaximumConnections, .shutdownSessions, .tick,
      .connectFailed, .queueTask:
      true
    case .run, .connectSucceeded, .queueTimeout: false
    }
  }

  /// Why `event` cannot be part of a conformance trace; nil when it can.
  public static func unsupported(_ event: Event) -> String? {
    switch event {
    case .arrive(_, _, let hashKey) where hashKey != nil: "hash keys are not driven"
    case .connectFailed: "connect failures are not driven: the held backend always accepts"
    case .setState(_, .down): "state down needs health checks"
    case .queueTask: "queue-task is a pre-patch event"
    default: nil
    }
  }

  private static let runNumber = Atomic<Int>(0)
  private static func nextRunNumber() -> Int { runNumber.add(1, ordering: .relaxed).newValue }
}

/// Monotonic milliseconds.
public enum MonotonicClock {
  /// Milliseconds since an arbitrary start, never going back.
  public static var now: Int { milliseconds() }

  static func milliseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
  }
}
