public import AllServedCore

/// The report of a failure: what to run to see it again, the shrunk trace, a
/// per-step table of both systems with the differing fields marked, and a
/// Swift Testing test ready to paste.
public struct FailureReport<Reference: ReservationSystem, Candidate: ReservationSystem> {
  /// The shrunk trace.
  public var trace: Trace
  /// How it fails.
  public var failure: LockstepFailure
  /// The names of the two systems in the table.
  public var names: (reference: String, candidate: String)
  /// What the lockstep compared.
  public var mode: LockstepMode

  /// Creates a report of `trace`, which fails with `failure`.
  public init(
    trace: Trace, failure: LockstepFailure, names: (reference: String, candidate: String),
    mode: LockstepMode = .differential
  ) {
    self.trace = trace
    self.failure = failure
    self.names = names
    self.mode = mode
  }

  /// The per-step table: each event, both outcomes, and the fields that
  /// changed at that step or differ between the systems (marked `≠`).
  public var table: String {
    var lines: [String] = []
    guard case .success(var lockstep) = Lockstep<Reference, Candidate>.start(trace.configuration, mode: mode) else {
      return "(the configuration itself fails: \(failure))"
    }
    let width = max(names.reference.count, names.candidate.count, 9) + 2
    func pad(_ text: String, _ size: Int) -> String { text + String(repeating: " ", count: max(1, size - text.count)) }
    var previous = SnapshotFields.all(lockstep.snapshot).map { $0.subject + " " + $0.field + "=" + $0.value }
    for (index, step) in trace.steps.enumerated() {
      let found = lockstep.step(step.event)
      let number = index + 1
      lines.append("step \(number)  \(step.event)" + (found.map { "   ← FAILS: \($0.check)" } ?? ""))
      let expected = lockstep.lastOutcome.map(\.description) ?? "-"
      let actual = lockstep.lastCandidateOutcome.map(\.description) ?? "-"
      lines.append("  " + pad(names.reference, width) + expected)
      lines.append("  " + pad(names.candidate, width) + actual + (expected != actual ? "   ≠" : ""))
      let left = SnapshotFields.all(lockstep.snapshot)
      let right = SnapshotFields.all(lockstep.candidateSnapshot)
      let differing = SnapshotDifference(lockstep.snapshot, lockstep.candidateSnapshot).keys
      let before = Set(previous)
      var rightValues: [String: String] = [:]
      for entry in right { rightValues[entry.subject + " " + entry.field] = entry.value }
      var rows: [(String, String, String, Bool)] = []
      for entry in left {
        let key = entry.subject + " " + entry.field
        let changed = !before.contains(key + "=" + entry.value)
        let differs = differing.contains(key)
        if changed || differs {
          rows.append(("\(entry.subject).\(entry.field)", entry.value, rightValues[key] ?? "-", differs))
        }
      }
      for entry in right where !left.contains(where: { $0.subject == entry.subject && $0.field == entry.field }) {
        rows.append(("\(entry.subject).\(entry.field)", "-", entry.value, true))
      }
      if !rows.isEmpty {
        let fieldWidth = max(24, (rows.map(\.0.count).max() ?? 0) + 2)
        let valueWidth = max(names.reference.count + 2, (rows.map(\.1.count).max() ?? 0) + 2, 8)
        lines.append("    " + pad("field", fieldWidth) + pad(names.reference, valueWidth) + names.candidate)
        for row in rows {
          lines.append("    " + pad(row.0, fieldWidth) + pad(row.1, valueWidth) + row.2 + (row.3 ? "   ≠" : ""))
        }
      }
      previous = left.map { $0.subject + " " + $0.field + "=" + $0.value }
      if found != nil { break }
    }
    return lines.joined(separator: "\n")
  }

  /// A Swift Testing test that replays the trace; paste it into Tests/.
  public var swiftTest: String {
    let name = "regression" + (trace.seed.map { "Seed\($0)" } ?? "Trace")
    let text = TraceFormat.print(trace).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    return """
      @Test("Regression: \(String(failure.check.map { $0 == "\"" ? "'" : $0 }))\(trace.seed.map { " (seed \($0))" } ?? "")")
      func \(name)() throws {
        let trace = try TraceFormat.parse(\"\"\"
      \(text)
          \"\"\")
        let failure = Lockstep<\(Reference.self), \(Candidate.self)>.replay(trace)
        #expect(failure == nil, "\\(failure.map(String.init(describing:)) ?? "")")
      }
      """
  }
}
