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
      let certified = BugsCommand.certification(of: bug, from: trace)
      #expect(certified.isSettled, "\(bug.id): the search of its scope fits the budget")
      #expect(certified.shorter == nil, "\(bug.id): a shorter trace exists: \(certified.shorter.map(TraceFormat.print) ?? "")")
      let page = RuleCoverageTests.root.appendingPathComponent("Specs/Bugs/\(bug.id).md")
      #expect(FileManager.default.fileExists(atPath: page.path), "\(bug.id) has a page")
    }
  }

  @Test("The harness finds each bug on its own from fresh seeds, shrinks it, and hands back the certified minimum")
  func hunts() throws {
    for bug in BugCatalogue.bugs {
      // The committed trace is the shortest there is (the test above certifies it).
      let minimum = try TraceFormat.parse(try RuleCoverageTests.read(bug.tracePath)).steps.count
      for seed in [UInt64(11), 12, 13] {
        let hunt = BugsCommand.hunt(bug, seed: seed, budget: Certification.defaultBudget)
        #expect(hunt.events != nil, "\(bug.id) not found from seed \(seed)")
        #expect((hunt.shrinkerTrace?.steps.count ?? 99) <= 31, "\(bug.id) from seed \(seed): the shrinker alone")
        #expect(hunt.isCertified, "\(bug.id) from seed \(seed): the search fits the budget")
        #expect(
          hunt.shrunk?.steps.count == minimum,
          "\(bug.id) from seed \(seed) ended at \(hunt.shrunk.map(TraceFormat.print) ?? "nothing"), not \(minimum) events")
        if let shrunk = hunt.shrunk {
          #expect(BugsCommand.certification(of: bug, from: shrunk).failure == nil, "\(bug.id): nothing shorter remains")
        }
      }
    }
  }

  @Test("Certification searches every simpler configuration, simplest first, the trace's own last among its equals")
  func simplerConfigurations() {
    let own = Configuration(
      retries: 1,
      servers: [ServerConfiguration(maximumConnections: 2), ServerConfiguration(maximumConnections: 1, initialState: .drain)])
    let all = Certification.simplerConfigurations(of: own)
    // {s0}: maxconn 1 or 2; {s1}: running (the same as s0 at maxconn 1) or drain; both: 2 × 2;
    // each with retries 0 or 1.
    #expect(all.count == (2 + 1 + 4) * 2)
    #expect(Set(all).count == all.count)
    #expect(all.last == own)
    #expect(all.first?.servers.map(\.maximumConnections) == [1] && all.first?.retries == 0)
    #expect(all.allSatisfy { $0.servers.count <= 2 && $0.retries <= 1 && $0.algorithm == own.algorithm })
    #expect(all.filter { $0.servers.count == 2 }.allSatisfy { $0.servers[0].maximumConnections <= 2 && $0.servers[1].maximumConnections == 1 })
    #expect(Certification.simplerConfigurations(of: own, limit: 5).count == 5)
    #expect(Certification.simplerConfigurations(of: own, limit: 5).last == own)
    // Eight servers of maxconn 8: the limit holds, the simplest come first.
    let large = Configuration(retries: 3, servers: (0..<8).map { _ in ServerConfiguration(maximumConnections: 8, initialState: .drain) })
    let simpler = Certification.simplerConfigurations(of: large)
    #expect(simpler.count == 48 && simpler.last == large)
    #expect(simpler.first?.servers.count == 1 && simpler.first?.servers.first?.maximumConnections == 1)
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
