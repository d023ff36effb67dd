import Foundation
import Testing

@Suite("Seeded randomness")
struct SeededRandomnessTests {
  @Test("No source file draws randomness outside SplitMix64")
  func noUnseededRandomness() throws {
    let sources = RuleCoverageTests.root.appendingPathComponent("Sources")
    let walker = try #require(FileManager.default.enumerator(atPath: sources.path))
    let forbidden = [
      "SystemRandomNumberGenerator", ".random(", "random(in:", ".shuffled(", ".shuffle(",
      "randomElement(", "arc4random", "drand48", "getrandom",
    ]
    var files = 0
    for case let path as String in walker where path.hasSuffix(".swift") {
      files += 1
      let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
      for name in forbidden where text.contains(name) {
        Issue.record("Sources/\(path) uses \(name)")
      }
    }
    #expect(files > 30, "the scan found the sources")
  }
}
