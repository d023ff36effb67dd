import AllServedCommandLine
import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedHistory
import AllServedModel
import Foundation
import Testing

/// Specs/Bugs: each catalogued bug's trace fails its historical variant with
/// the named invariant, and passes on the model and the implementation; and
/// the harness finds each bug on its own from fresh seeds.
@Suite("Bug catalogue")
struct BugCatalogueTests {
  static func trace(_ bug: HistoricalBug) throws -> Trace {
    let url = RuleCoverageTests.root.appendingPathComponent(bug.tracePath)
    return try TraceFormat.parse(try String(contentsOf: url, encoding: .utf8))
  }

  @Test("Each bug's trace fails its variant with the named invariant, is certified minimal, and passes on the model and the implementation")
  func traces() throws {
    #expect(BugCatalogue.bugs.count >= 5)
    for bug in BugCatalogue.bugs {
      let trace = try Self.trace(bug)
      let failure: LockstepFailure?
      switch bug.variant {
      case .prePatch:
        failure = Lockstep<ReferenceBalancer, PrePatchBalancer>.replay(trace, mode: .invariantsOnly)
      case .asPatched2008:
        failure = Lockstep<ReferenceBalancer, AsPatched2008Balancer>.replay(trace, mode: .invariantsOnly)
      }
      #expect(failure.map(bug.matches) == true, "\(bug.id): \(String(describing: failure))")
      #expect(failure?.step == trace.steps.count, "\(bug.id): the last event shows the bug")
      #expect(trace.check == "invariant \(bug.invariant.rawValue)", "\(bug.id): the file names its check")
      #expect(Lockstep<ReferenceBalancer, ProductionBalancer>.replay(trace) == nil, "\(bug.id): the model passes")
      #expect(trace.steps.count <= bug.handDerivedLength, "\(bug.id): the kept trace is no longer than the hand-derived one")
      let certified = BugsCommand.certifiedLength(of: bug, from: trace)
      #expect(certified.shorter == nil, "\(bug.id): a shorter trace exists: \(certified.shorter.map(TraceFormat.print) ?? "")")
      let page = RuleCoverageTests.root.appendingPathComponent("Specs/Bugs/\(bug.id).md")
      #expect(FileManager.default.fileExists(atPath: page.path), "\(bug.id) has a page")
    }
  }

  @Test("The harness finds each bug on its own from fresh seeds and shrinks it")
  func hunts() {
    for bug in BugCatalogue.bugs {
      for seed in [UInt64(11), 12, 13] {
        let hunt = BugsCommand.hunt(bug, seed: seed)
        #expect(hunt.events != nil, "\(bug.id) not found from seed \(seed)")
        #expect((hunt.shrunk?.steps.count ?? 99) <= 12, "\(bug.id) from seed \(seed) shrank to \(hunt.shrunk?.steps.count ?? -1)")
      }
    }
  }

  @Test("The 2008 variant refuses the events 1.3.15 did not have")
  func unsupportedEvents() throws {
    var variant = try AsPatched2008Balancer(configuration: Configuration(servers: [ServerConfiguration()]))
    let before = variant.snapshot
    for event: Event in [.setWeight(ServerID(0), 2), .setMaximumConnections(ServerID(0), 3), .shutdownSessions(ServerID(0)), .setState(ServerID(0), .maint)] {
      let outcome = variant.apply(event)
      guard case .rejected(.unsupported) = outcome.effect else {
        Issue.record("\(event) → \(outcome)")
        continue
      }
    }
    #expect(variant.snapshot == before)
  }
}
