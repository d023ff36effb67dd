import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Foundation

/// `allserved replay FILE`: the trace step by step, on both systems.
public enum ReplayCommand {
  /// Replays the trace and returns the output and the exit status: 0 when
  /// every check and expectation held, 1 at the first failure, 2 when the
  /// file cannot be used.
  public static func run(_ options: ReplayOptions) -> (output: String, status: Int32) {
    let trace: Trace
    do {
      trace = try TraceFile.load(options.path)
    } catch {
      return (error.message, 2)
    }
    return Fault.$active.withValue(options.fault) { replay(trace, options) }
  }

  static func replay(_ trace: Trace, _ options: ReplayOptions) -> (output: String, status: Int32) {
    var lines: [String] = []
    var lockstep: Lockstep<ReferenceBalancer, ProductionBalancer>
    switch Lockstep<ReferenceBalancer, ProductionBalancer>.start(trace.configuration) {
    case .failure(let failure): return ("FAIL: \(failure)", 1)
    case .success(let started): lockstep = started
    }
    if !options.json {
      if let title = trace.title { lines.append("# \(title)") }
      lines += trace.configuration.description.split(separator: "\n").map(String.init)
      lines.append("step 0  (initial)")
      lines += describe(lockstep.snapshot)
    }
    for (index, step) in trace.steps.enumerated() {
      let failure = lockstep.step(step.event) ?? lockstep.checkExpectations(of: step)
      let outcome = lockstep.lastOutcome.map(\.description) ?? "-"
      let candidate = lockstep.lastCandidateOutcome.map(\.description) ?? "-"
      if options.json {
        lines.append(json(step: index + 1, event: step.event, outcome: outcome, candidate: candidate, lockstep.snapshot, failure))
      } else {
        lines.append("step \(index + 1)  \(step.event)  =>  \(outcome)")
        if candidate != outcome { lines.append("        implementation: \(candidate)   ≠") }
        lines += describe(lockstep.snapshot)
        if let failure { lines.append("FAIL: \(failure)") }
      }
      if let failure { return (lines.joined(separator: "\n"), failure.step > 0 ? 1 : 1) }
    }
    if !options.json {
      lines.append(
        "PASS: \(trace.steps.count) events; model and implementation agreed, invariants held"
          + (trace.steps.contains { $0.expectedOutcome != nil || !$0.assertions.isEmpty } ? ", expectations met" : ""))
    }
    return (lines.joined(separator: "\n"), 0)
  }

  /// The snapshot in a few lines: the backend, each server, each session.
  static func describe(_ snapshot: Snapshot) -> [String] {
    let backend = snapshot.backend
    var lines = [
      "        backend now=\(snapshot.now) sessions=\(backend.sessionCount) queue=\(list(backend.queue))"
    ]
    for (index, server) in snapshot.servers.enumerated() {
      lines.append(
        "        s\(index) \(server.state) served=\(server.served)/\(server.maximumConnections == 0 ? "∞" : "\(server.limit)")"
          + " connections=\(server.connections) queue=\(list(server.queue))")
    }
    if !snapshot.sessions.isEmpty {
      lines.append(
        "        "
          + snapshot.sessions.map { "\($0.id) \(SnapshotFields.phaseText($0.phase))" + ($0.slot.map { "@\($0)" } ?? "") }
          .joined(separator: "  "))
    }
    return lines
  }

  static func list(_ ids: [SessionID]) -> String {
    ids.isEmpty ? "-" : ids.map(\.description).joined(separator: ",")
  }

  /// One JSON object per step, keys sorted.
  static func json(
    step: Int, event: Event, outcome: String, candidate: String, _ snapshot: Snapshot, _ failure: LockstepFailure?
  ) -> String {
    var subjects: [String: [String: String]] = [:]
    for entry in SnapshotFields.all(snapshot) { subjects[entry.subject, default: [:]][entry.field] = entry.value }
    var object: [String: Any] = [
      "step": step, "event": event.description, "outcome": outcome, "implementation_outcome": candidate,
      "snapshot": subjects,
    ]
    if let failure {
      object["failure"] = ["check": failure.check, "model": failure.reference, "implementation": failure.candidate]
    }
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
