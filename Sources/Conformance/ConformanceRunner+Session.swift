import AllServedCore
import AllServedModel
import Foundation
import Glibc

extension ConformanceRunner {
  /// One run: the model, HAProxy, the held backend and the clients, stepped together.
  struct Session {
    let runner: ConformanceRunner
    var driver: ConformanceModelDriver
    let haproxy: HAProxyProcess
    let backend: HeldBackend
    let clients: ClientRequests
    private var clockStart = 0
    private var lastAction = 0
    private(set) var maximumLateness = 0

    init(
      runner: ConformanceRunner, model: ReferenceBalancer, haproxy: HAProxyProcess,
      backend: HeldBackend, clients: ClientRequests
    ) {
      self.runner = runner
      self.driver = ConformanceModelDriver(model: model)
      self.haproxy = haproxy
      self.backend = backend
      self.clients = clients
    }

    /// Model time 0 is now.
    mutating func startClock() {
      clockStart = MonotonicClock.milliseconds()
      lastAction = clockStart - runner.minimumGapMilliseconds
    }

    /// Runs `event` on the model and on HAProxy, and returns the model's prediction.
    mutating func perform(_ event: Event) throws(RunError) -> ConformanceObservation {
      try driver.perform(event)
      waitForModelTime()
      try act(event)
      return driver.prediction
    }

    /// Polls HAProxy until it shows `predicted`, at most `settleMilliseconds`.
    /// - Returns: nil on agreement, otherwise the last observation.
    /// The wait ends 10 ms before the model's next queue timer, so HAProxy's timer cannot fire in it.
    func waitForAgreement(with predicted: ConformanceObservation) -> ConformanceObservation? {
      var deadline = MonotonicClock.milliseconds() + runner.settleMilliseconds
      if let timer = driver.nextTimer { deadline = min(deadline, clockStart + timer - 10) }
      var last: ConformanceObservation?
      while true {
        if let observed = observe() {
          if observed == predicted { return nil }
          last = observed
        }
        if MonotonicClock.milliseconds() >= deadline { break }
        usleep(1000)
      }
      return last ?? ConformanceObservation(
        servers: [], backendQueued: -1, backendSessions: -1, backendRedispatches: -1, backendFailed: -1,
        placements: [:], answers: [:])
    }

    // MARK: HAProxy

    /// Waits until real time reaches the model's time (and the least gap after the last action).
    private mutating func waitForModelTime() {
      let modelTime = clockStart + driver.model.snapshot.now
      let target = max(modelTime, lastAction + runner.minimumGapMilliseconds)
      var now = MonotonicClock.milliseconds()
      maximumLateness = max(maximumLateness, now - modelTime)
      // Bounded by the trace's own time.
      while now < target {
        backend.pump()
        clients.pump()
        usleep(UInt32(min(1000, (target - now) * 1000)))
        now = MonotonicClock.milliseconds()
      }
      lastAction = now
    }

    private func act(_ event: Event) throws(RunError) {
      switch event {
      case .arrive(let id, let cookie, _):
        do { try clients.send(id, cookie: cookie) } catch { throw .haproxy(.socket(error)) }
      case .close(let id):
        backend.pump()
        backend.release(id)
      case .abort(let id):
        clients.abort(id)
      case .setState(let server, let state):
        let word = state == .running ? "ready" : state.rawValue
        try admin("set server be/\(server) state \(word)")
      case .setWeight(let server, let weight):
        try admin("set weight be/\(server) \(weight)")
      case .setMaximumConnections(let server, let limit):
        try admin("set maxconn server be/\(server) \(limit)")
      case .shutdownSessions(let server):
        try admin("shutdown sessions server be/\(server)")
      case .run, .connectSucceeded, .connectFailed, .queueTimeout, .tick, .queueTask:
        break
      }
    }

    private func admin(_ command: String) throws(RunError) {
      let answer: String
      do { answer = try haproxy.statistics.send(command) } catch { throw .haproxy(.socket(error)) }
      // Every command driven here answers nothing when it succeeds.
      let trimmed = answer.trimmingCharacters(in: .whitespacesAndNewlines)
      if !trimmed.isEmpty { throw .notObservable("`\(command)` answered: \(trimmed)") }
    }

    /// What HAProxy, the held backend and the clients show now; nil when `show stat` failed.
    private func observe() -> ConformanceObservation? {
      backend.pump()
      clients.pump()
      guard let table = try? haproxy.statistics.statistics(), !table.isEmpty else { return nil }
      var servers: [ConformanceObservation.Server] = []
      for index in driver.model.snapshot.servers.indices {
        let name = "\(ServerID(index))"
        func value(_ column: String) -> Int { table.value(column, proxy: "be", name: name) ?? -1 }
        servers.append(
          .init(served: value("scur"), queued: value("qcur"), redispatches: value("wredis"), failed: value("econ")))
      }
      func backendValue(_ column: String) -> Int { table.value(column, proxy: "be", name: "BACKEND") ?? -1 }
      var placements: [SessionID: ServerID] = [:]
      for request in backend.held { placements[request.session] = request.server }
      return ConformanceObservation(
        servers: servers, backendQueued: backendValue("qcur"), backendSessions: backendValue("scur"),
        backendRedispatches: backendValue("wredis"), backendFailed: backendValue("econ"),
        placements: placements, answers: clients.responses.mapValues(\.status))
    }
  }
}
