import AllServedCommandLine
import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import AllServedPictures
import Foundation
import Testing

/// The SVG timelines of traces and their Informal Trace Format export.
@Suite("Pictures and ITF")
struct PictureTests {
  static let root = RuleCoverageTests.root

  @Test("Every trace of Specs/Bugs and Specs/Traces has a current picture beside it, embedded in its page")
  func committedPicturesAreCurrent() throws {
    let pictures = try PicturesCommand.pictures(root: Self.root.path)
    var traces: [String] = []
    for directory in ["Specs/Bugs", "Specs/Traces"] {
      let names = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(directory).path)
      traces += names.filter { $0.hasSuffix(".trace") }.map { "\(directory)/\($0)" }
    }
    #expect(pictures.map(\.tracePath).sorted() == traces.sorted())
    #expect(traces.count >= 13)
    let tracesPage = try RuleCoverageTests.read("Specs/Traces/README.md")
    for picture in pictures {
      let committed = try? RuleCoverageTests.read(picture.picturePath)
      #expect(
        committed == picture.svg,
        "\(picture.picturePath) is out of date (or missing): run `swift run allserved pictures` and commit it")
      _ = try XMLOutline.parse(picture.svg)
      let file = String(picture.picturePath.split(separator: "/").last ?? "")
      if picture.tracePath.hasPrefix("Specs/Bugs/") {
        let page = try RuleCoverageTests.read(String(picture.tracePath.dropLast(".trace".count)) + ".md")
        #expect(page.contains("](\(file))"), "the page of \(picture.tracePath) embeds its picture")
      } else {
        #expect(tracesPage.contains("](\(file))"), "Specs/Traces/README.md embeds \(file)")
      }
    }
  }

  @Test("A bug's picture shows its title, a legend, every event and the failing check on its variant")
  func bugPictureContent() throws {
    let trace = try TraceFormat.parse(try RuleCoverageTests.read("Specs/Bugs/bug1-queue-task-never-scheduled.trace"))
    let svg = try #require(
      try PicturesCommand.pictures(root: Self.root.path).first { $0.tracePath.hasSuffix("bug1-queue-task-never-scheduled.trace") }
    ).svg
    let outline = try XMLOutline.parse(svg)
    let texts = outline.named("text").map(\.text)
    #expect(outline.elements.first?.name == "svg")
    #expect(outline.named("title").first?.text == trace.title)
    #expect(outline.named("script").isEmpty)
    for entry in ["queued", "connecting", "connected", "close", "abort", "503", "slots in use", "maxconn", "rejected event"] {
      #expect(texts.contains(entry), "the legend explains '\(entry)'")
    }
    for (index, step) in trace.steps.enumerated() {
      #expect(texts.contains { $0.hasSuffix("\(index + 1) \(step.event)") }, "column \(index + 1) is labelled `\(step.event)`")
    }
    #expect(texts.contains { $0.contains("FAILS at step \(trace.steps.count)") && $0.contains("I8-WORK-CONSERVATION") })
    #expect(texts.contains { $0.hasPrefix("pre-patch:") })
    #expect(texts.contains("backend") && texts.contains("s0"))
  }

  @Test("In lockstep, the failing step shows both systems' values of the differing field")
  func lockstepFailurePicture() throws {
    try #require(Fault.isCompiledIn)
    let trace = try TraceFormat.parse(try RuleCoverageTests.read("Specs/Traces/maxqueue-boundary.trace"))
    let recording = Fault.$active.withValue(.maximumQueueOffByOne) {
      Lockstep<ReferenceBalancer, ProductionBalancer>.record(trace)
    }
    let failure = try #require(recording.failure)
    let texts = try XMLOutline.parse(TimelinePicture(recording).svg).named("text").map(\.text)
    #expect(texts.contains { $0.contains("FAILS at step \(failure.step)") && $0.contains(failure.check) })
    #expect(texts.contains { $0.hasPrefix("model:") })
    #expect(texts.contains { $0.hasPrefix("implementation:") })
  }

  @Test("200 events on 8 servers draw a readable picture that parses as XML")
  func largePicture() throws {
    let servers = (0..<8).map { ServerConfiguration(maximumConnections: 1 + $0 % 3, maximumQueueLength: $0 % 2 * 3) }
    let configuration = Configuration(retries: 2, redispatch: true, queueTimeout: 5_000, servers: servers)
    var generator = EventGenerator(seed: 88)
    var lockstep = try Lockstep<ReferenceBalancer, ProductionBalancer>.start(configuration, mode: .differential).get()
    var trace = Trace(configuration: configuration, seed: 88)
    trace.title = "200 events on 8 servers"
    for _ in 0..<200 {
      let event = generator.draw(for: lockstep.observedSnapshot, configuration: configuration).event
      trace.steps.append(Trace.Step(event))
      #expect(lockstep.step(event) == nil)
    }
    let svg = TimelinePicture(Lockstep<ReferenceBalancer, ProductionBalancer>.record(trace)).svg
    let outline = try XMLOutline.parse(svg)
    let root = try #require(outline.elements.first)
    let width = try #require(Int(root.attributes["width"] ?? ""))
    let height = try #require(Int(root.attributes["height"] ?? ""))
    let texts = outline.named("text").map(\.text)
    for server in 0..<8 { #expect(texts.contains("s\(server)")) }
    for index in [1, 100, 200] { #expect(texts.contains { $0.hasPrefix("\(index) ") }, "column \(index) is labelled") }
    // Columns of at least 16 px and bands of at least 40 px keep labels apart.
    #expect(width >= 200 * 16)
    #expect(height >= 8 * 40)
    #expect(svg.utf8.count < 2_000_000, "\(svg.utf8.count) bytes")
  }

  @Test("The ITF export has the format's shape, and its states are the replayed snapshots field by field")
  func informalTraceFormat() throws {
    let paths = ["Specs/Traces/tick-waits-for-timers.trace", "Specs/Traces/redispatch-keeps-the-slot.trace"]
    for path in paths {
      let trace = try TraceFormat.parse(try RuleCoverageTests.read(path))
      let json = InformalTrace(Lockstep<ReferenceBalancer, ProductionBalancer>.record(trace)).json
      let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
      let meta = try #require(document["#meta"] as? [String: Any])
      #expect(meta["format"] as? String == "ITF")
      #expect(meta["description"] as? String == trace.title)
      let variables = try #require(document["vars"] as? [String])
      #expect(variables == ["now", "backend", "servers", "sessions", "action", "outcome"])
      let states = try #require(document["states"] as? [[String: Any]])
      #expect(states.count == trace.steps.count + 1)

      // The snapshots of an independent replay, step by step.
      var lockstep = try Lockstep<ReferenceBalancer, ProductionBalancer>.start(trace.configuration, mode: .differential).get()
      var snapshots = [lockstep.observedSnapshot]
      for step in trace.steps {
        #expect(lockstep.step(step.event) == nil)
        snapshots.append(lockstep.observedSnapshot)
      }
      for (index, state) in states.enumerated() {
        #expect((state["#meta"] as? [String: Any])?["index"] as? Int == index)
        #expect(Set(state.keys) == Set(variables + ["#meta"]), "\(path) state \(index) has every variable")
        #expect(state["action"] as? String == (index == 0 ? "init" : trace.steps[index - 1].event.description))
        let fields = try Self.fields(of: state)
        for entry in SnapshotFields.all(snapshots[index]) {
          #expect(
            fields["\(entry.subject).\(entry.field)"] == entry.value,
            "\(path) state \(index): \(entry.subject) \(entry.field)")
        }
      }
    }
  }

  /// The ITF state's values in the trace format's words (`s0.queue-length` → `0`), decoded by hand.
  static func fields(of state: [String: Any]) throws -> [String: String] {
    var fields: [String: String] = [:]
    func kebab(_ camel: String) -> String {
      camel.reduce(into: "") { text, character in
        text += character.isUppercase ? "-" + character.lowercased() : String(character)
      }
    }
    func text(_ value: Any, field: String) throws -> String {
      if let number = (value as? [String: Any])?["#bigint"] as? String { return number }
      if let flag = value as? Bool { return field == "queue-task" ? (flag ? "scheduled" : "-") : (flag ? "yes" : "no") }
      if let string = value as? String { return string }
      if let list = value as? [Any] {
        let ids = try list.map { "#" + (try text($0, field: field)) }
        return ids.isEmpty ? "-" : ids.joined(separator: ",")
      }
      if let sum = value as? [String: Any], let tag = sum["tag"] as? String {
        switch tag {
        case "Some": return "s" + (try text(sum["value"] as Any, field: field))
        case "None": return "-"
        default: return try phase(sum)
        }
      }
      throw ITFProblem(message: "\(field): an unexpected value \(value)")
    }
    func phase(_ sum: [String: Any]) throws -> String {
      let tag = sum["tag"] as? String ?? "?"
      let value = sum["value"] as? [String: Any] ?? [:]
      switch tag {
      case "Queued":
        let queue = value["queue"] as? [String: Any] ?? [:]
        let place = queue["tag"] as? String == "Backend" ? "backend" : "s" + (try text(queue["value"] as Any, field: "queue"))
        let deadline = value["deadline"] as? [String: Any] ?? [:]
        let at = deadline["tag"] as? String == "Some" ? "@" + (try text(deadline["value"] as Any, field: "deadline")) : ""
        return "queued:\(place)\(at)"
      case "Turnaround": return "turnaround@" + (try text(value["until"] as Any, field: "until"))
      default: return tag.lowercased()
      }
    }
    fields["backend.now"] = try text(state["now"] as Any, field: "now")
    for (key, value) in state["backend"] as? [String: Any] ?? [:] {
      fields["backend.\(kebab(key))"] = try text(value, field: kebab(key))
    }
    for (index, server) in (state["servers"] as? [[String: Any]] ?? []).enumerated() {
      for (key, value) in server { fields["s\(index).\(kebab(key))"] = try text(value, field: kebab(key)) }
    }
    let sessions = (state["sessions"] as? [String: Any])?["#map"] as? [[Any]] ?? []
    for pair in sessions {
      let number = try text(pair.first as Any, field: "session")
      for (key, value) in pair.last as? [String: Any] ?? [:] {
        fields["#\(number).\(kebab(key))"] = try text(value, field: kebab(key))
      }
    }
    return fields
  }

  struct ITFProblem: Error { var message: String }
}
