import AllServedCore
import Foundation
import Testing

/// Keeps Specs/Reservation.md, the model and the tests in step: every rule ID
/// has an implementation site (a comment naming it) in Sources/Model and a test
/// naming it; every invariant ID has a check and a test; no code names an ID the
/// specification does not define.
@Suite("Specification coverage")
struct RuleCoverageTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func read(_ relative: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
  }

  /// The Swift files under a folder, by path, in sorted order.
  static func swiftFiles(under relative: String) throws -> [String: String] {
    let folder = root.appendingPathComponent(relative)
    guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [:] }
    var files: [String: String] = [:]
    for case let path as String in walker where path.hasSuffix(".swift") {
      files[relative + "/" + path] = try String(
        contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }
    return files
  }

  static func identifiers(in text: some StringProtocol) -> [String] {
    String(text).matches(of: /\b(?:R|I\d+)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b/).map { String($0.output) }
  }

  /// The IDs the specification defines: its `#### ID` headings.
  static func definedIDs() throws -> [String] {
    try read("Specs/Reservation.md").split(separator: "\n")
      .filter { $0.hasPrefix("#### ") }
      .flatMap { identifiers(in: $0) }
  }

  /// IDs named in `//` comments of the given files.
  static func commentedIDs(_ files: [String: String]) -> Set<String> {
    Set(
      files.values.flatMap { text in
        text.split(separator: "\n").compactMap { line in line.range(of: "//").map { line[$0.lowerBound...] } }
          .flatMap { identifiers(in: $0) }
      })
  }

  /// IDs named in the display names of `@Test(...)` declarations.
  static func testedIDs() throws -> Set<String> {
    let declaration = /@Test\(\s*"([^"]*)"/
    return Set(
      try swiftFiles(under: "Tests").values.flatMap { text in
        text.matches(of: declaration).flatMap { identifiers(in: $0.output.1) }
      })
  }

  @Test("The specification defines each ID once, rules and invariants I1–I12")
  func definitions() throws {
    let defined = try Self.definedIDs()
    #expect(defined.count == Set(defined).count, "duplicate headings")
    #expect(defined.filter { $0.hasPrefix("R-") }.count >= 40)
    #expect(
      defined.filter { $0.hasPrefix("I") } == Invariant.allCases.map(\.rawValue),
      "the Invariant enum and the specification list the same invariants in the same order")
  }

  @Test("Every rule has an implementation site in the model and in the implementation", arguments: ["Sources/Model", "Sources/Impl"])
  func everyRuleIsImplemented(folder: String) throws {
    let sites = Self.commentedIDs(try Self.swiftFiles(under: folder))
    for rule in try Self.definedIDs() where rule.hasPrefix("R-") {
      #expect(sites.contains(rule), "\(rule) has no comment naming it in \(folder)")
    }
  }

  @Test("Model and implementation files line up concern by concern")
  func concernsLineUp() throws {
    func concerns(_ folder: String, _ type: String) throws -> [String] {
      try Self.swiftFiles(under: folder).keys.compactMap { path in
        let name = String(path.split(separator: "/").last ?? "")
        guard name.hasPrefix(type + "+") else { return nil }
        return String(name.dropFirst(type.count + 1))
      }.sorted()
    }
    // The canonical form is a tool hook for exhaustive exploration, which
    // deduplicates model states only; it implements no rule.
    let model = try concerns("Sources/Model", "ReferenceBalancer").filter { $0 != "Canonical.swift" }
    #expect(model.count >= 10)
    #expect(model == (try concerns("Sources/Impl", "ProductionBalancer")))
  }

  @Test("Every rule and every invariant is named by a test")
  func everyIDIsTested() throws {
    let tested = try Self.testedIDs()
    for id in try Self.definedIDs() {
      #expect(tested.contains(id), "no @Test display name mentions \(id)")
    }
  }

  @Test("Every invariant has a check site in Sources/Core/Invariants.swift")
  func everyInvariantIsChecked() throws {
    let sites = Self.commentedIDs(["Invariants.swift": try Self.read("Sources/Core/Invariants.swift")])
    for invariant in Invariant.allCases {
      #expect(sites.contains(invariant.rawValue), "\(invariant) has no check comment")
    }
  }

  @Test("Code and tests name no ID the specification does not define")
  func noStaleIDs() throws {
    let defined = Set(try Self.definedIDs())
    let sources = try Self.swiftFiles(under: "Sources").merging(try Self.swiftFiles(under: "Tests")) { $1 }
    for (path, text) in sources.sorted(by: { $0.key < $1.key }) {
      // A family reference such as `R-RETRY-*` must match at least one defined rule.
      var rest = text
      for family in Set(text.matches(of: /\b(R-[A-Z0-9]+(?:-[A-Z0-9]+)*)-\*/).map { String($0.output.1) }) {
        if !defined.contains(where: { $0.hasPrefix(family + "-") }) {
          Issue.record("\(path) names the family \(family)-*, which matches no rule")
        }
        rest = rest.replacingOccurrences(of: family + "-*", with: "")
      }
      for id in Set(Self.identifiers(in: rest)) where !defined.contains(id) {
        Issue.record("\(path) names \(id), which Specs/Reservation.md does not define")
      }
    }
  }
}
