public import AllServedCore

/// The fields in which two snapshots differ, in ``SnapshotFields`` order.
public struct SnapshotDifference: Sendable {
  /// One differing field.
  public struct Field: Hashable, Sendable {
    /// `backend`, `s0` or `#3`.
    public var subject: String
    /// The field's name.
    public var field: String
    /// The value in the first snapshot (`-` when the subject is missing).
    public var reference: String
    /// The value in the second snapshot.
    public var candidate: String

    /// The field with its subject generalised (`s*.queue`, `#*.phase`), which
    /// names a check independently of which server or session shows it.
    public var generalField: String {
      let kind = subject == "backend" ? "backend" : subject.hasPrefix("s") ? "s*" : "#*"
      return "\(kind).\(field)"
    }
  }

  /// The differing fields.
  public var fields: [Field]

  /// Compares two snapshots field by field.
  ///
  /// - Complexity: O(*f* log *f*) in the number of fields.
  public init(_ reference: Snapshot, _ candidate: Snapshot) {
    let left = SnapshotFields.all(reference)
    let right = SnapshotFields.all(candidate)
    var rightValues: [String: String] = [:]
    for entry in right { rightValues[entry.subject + " " + entry.field] = entry.value }
    var leftKeys = Set<String>()
    var found: [Field] = []
    for entry in left {
      let key = entry.subject + " " + entry.field
      leftKeys.insert(key)
      let other = rightValues[key] ?? "-"
      if other != entry.value {
        found.append(Field(subject: entry.subject, field: entry.field, reference: entry.value, candidate: other))
      }
    }
    for entry in right where !leftKeys.contains(entry.subject + " " + entry.field) {
      found.append(Field(subject: entry.subject, field: entry.field, reference: "-", candidate: entry.value))
    }
    fields = found
  }

  /// The differing `subject field` keys.
  public var keys: Set<String> { Set(fields.map { $0.subject + " " + $0.field }) }
}
