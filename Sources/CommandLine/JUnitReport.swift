import AllServedPictures
import Foundation

/// A JUnit XML report, as GitHub Actions, GitLab and Jenkins read it: one
/// `<testsuite>` per command run, one `<testcase>` per trace, bug, mutant or
/// configuration. A failure carries the shrunk trace and the replay command.
struct JUnitReport {
  /// One test case.
  struct TestCase {
    /// What was tested: `seed 2026`, a bug's id, a mutant's name, a trace file.
    var name: String
    /// Wall time, in seconds.
    var seconds: Double
    /// Why it failed (one line) and the details (the shrunk trace, the replay
    /// command); nil when it passed.
    var failure: (message: String, details: String)?
    /// What a passing case found worth keeping (a shrunk trace), as `<system-out>`.
    var output: String?
  }

  /// The suite's name: `allserved check` and so on.
  var name: String
  /// The run's settings, as `<property>` elements, in this order.
  var properties: [(name: String, value: String)] = []
  /// The test cases, in the order they ran.
  var cases: [TestCase] = []

  /// The report as XML.
  var xml: String {
    let failures = cases.filter { $0.failure != nil }.count
    let seconds = cases.reduce(0) { $0 + $1.seconds }
    let counts = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\""
    var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    text += "<testsuites name=\"\(XMLText.escape(name))\" \(counts) time=\"\(Self.format(seconds))\">\n"
    text += "  <testsuite name=\"\(XMLText.escape(name))\" \(counts) skipped=\"0\" time=\"\(Self.format(seconds))\">\n"
    if !properties.isEmpty {
      text += "    <properties>\n"
      for property in properties {
        text += "      <property name=\"\(XMLText.escape(property.name))\" value=\"\(XMLText.escape(property.value))\"/>\n"
      }
      text += "    </properties>\n"
    }
    let className = XMLText.escape(name.replacingOccurrences(of: " ", with: "."))
    for testCase in cases {
      let opening = "    <testcase classname=\"\(className)\" name=\"\(XMLText.escape(testCase.name))\" time=\"\(Self.format(testCase.seconds))\""
      guard testCase.failure != nil || testCase.output != nil else {
        text += opening + "/>\n"
        continue
      }
      text += opening + ">\n"
      if let failure = testCase.failure {
        text += "      <failure message=\"\(XMLText.escape(failure.message))\" type=\"allserved\">"
        text += XMLText.escape(failure.details) + "</failure>\n"
      }
      if let output = testCase.output { text += "      <system-out>\(XMLText.escape(output))</system-out>\n" }
      text += "    </testcase>\n"
    }
    text += "  </testsuite>\n</testsuites>\n"
    return text
  }

  /// Writes the report to `path`, if one was asked for; the line to print.
  func write(to path: String?) -> String? {
    guard let path else { return nil }
    return TraceFile.write(text: xml, to: path).map { "could not write the JUnit report: \($0)" }
      ?? "JUnit report: \(path) (\(cases.count) test case\(cases.count == 1 ? "" : "s"))"
  }

  private static func format(_ seconds: Double) -> String { String(format: "%.3f", max(seconds, 0)) }
}
