import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedHistory
import AllServedModel
import AllServedPictures
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
    return Fault.$active.withValue(options.fault) {
      var (output, status): (String, Int32)
      switch options.variant {
      case nil: (output, status) = replay(trace, options, ProductionBalancer.self)
      case .prePatch: (output, status) = replay(trace, options, PrePatchBalancer.self, variant: .prePatch)
      case .asPatched2008: (output, status) = replay(trace, options, AsPatched2008Balancer.self, variant: .asPatched2008)
      }
      let files = write(trace, options)
      if !files.isEmpty, !options.json { output += "\n" + files.joined(separator: "\n") }
      if files.contains(where: { $0.hasPrefix("could not") }) { status = 2 }
      return (output, status)
    }
  }

  /// Writes the picture and the ITF file asked for; a line for each.
  static func write(_ trace: Trace, _ options: ReplayOptions) -> [String] {
    guard options.svg != nil || options.itf != nil else { return [] }
    return TraceFile.export(TraceFile.record(trace, variant: options.variant), svg: options.svg, itf: options.itf)
  }

  static func replay<Candidate: ReservationSystem>(
    _ trace: Trace, _ options: ReplayOptions, _ candidate: Candidate.Type, variant: HistoricalVariant? = nil
  ) -> (output: String, status: Int32) {
    var lines: [String] = []
    let mode: LockstepMode = variant == nil ? .differential : .invariantsOnly
    let name = variant?.rawValue ?? "implementation"
    var lockstep: Lockstep<ReferenceBalancer, Candidate>
    switch Lockstep<ReferenceBalancer, Candidate>.start(trace.configuration, mode: mode) {
    case .failure(let failure): return ("FAIL: \(failure)", 1)
    case .success(let started): lockstep = started
    }
    if !options.json {
      if let title = trace.title { lines.append("# \(title)") }
      lines += trace.configuration.description.split(separator: "\n").map(String.init)
      lines.append("step 0  (initial)")
      lines += describe(lockstep.observedSnapshot)
    }
    for (index, step) in trace.steps.enumerated() {
      let failure = lockstep.step(step.event) ?? lockstep.checkExpectations(of: step)
      let outcome = lockstep.observedOutcome.map(\.description) ?? "-"
      let candidate = variant == nil ? lockstep.lastCandidateOutcome.map(\.description) ?? "-" : outcome
      if options.json {
        lines.append(
          json(step: index + 1, event: step.event, outcome: outcome, candidate: candidate, lockstep.observedSnapshot, failure))
      } else {
        lines.append("step \(index + 1)  \(step.event)  =>  \(outcome)")
        if candidate != outcome { lines.append("        \(name): \(candidate)   ≠") }
        lines += describe(lockstep.observedSnapshot)
        if let failure { lines.append("FAIL: \(failure)") }
      }
      if failure != nil { return (lines.joined(separator: "\n"), 1) }
    }
    if !options.json {
      lines.append(
        "PASS: \(trace.steps.count) events; "
          + (variant.map { "the \($0.rawValue) variant held every invariant" } ?? "model and implementation agreed, invariants held")
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
