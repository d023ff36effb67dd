import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Foundation
import Glibc

// allserved-benchmark: the model against the implementation on the same
// generated workloads. Run it in release:
//
//     swift run -c release allserved-benchmark [--quick] [--model-seconds S]
//
// It prints a Markdown table: events/s for each side and their ratio, the
// implementation's cost per event relative to 16 servers, bytes per live
// session and heap allocations per steady-state event.

struct Options {
  var quick = false
  var modelSeconds = 20.0
  var steadyEvents = 2_000_000
  /// Leaves the model out: its fill phase alone takes minutes at 100,000 sessions.
  var withModel = true
  /// Measures the layers of an exploration transition instead.
  var exploration = false
}

func parseOptions() -> Options {
  var options = Options()
  var arguments = CommandLine.arguments.dropFirst()
  while let argument = arguments.popFirst() {
    switch argument {
    case "--quick":
      options.quick = true
      options.steadyEvents = 200_000
      options.modelSeconds = 3
    case "--model-seconds":
      guard let value = arguments.popFirst().flatMap(Double.init), value > 0 else { usage("--model-seconds needs a positive number") }
      options.modelSeconds = value
    case "--steady":
      guard let value = arguments.popFirst().flatMap(Int.init), value > 0 else { usage("--steady needs a positive count") }
      options.steadyEvents = value
    case "--no-model":
      options.withModel = false
    case "--exploration":
      options.exploration = true
    case "--profile-allocations":
      break
    case "--help", "-h":
      print("usage: allserved-benchmark [--quick] [--model-seconds S] [--steady N] [--no-model] [--exploration]")
      exit(0)
    default:
      usage("unknown argument '\(argument)'")
    }
  }
  return options
}

func usage(_ message: String) -> Never {
  FileHandle.standardError.write(Data("allserved-benchmark: \(message)\nusage: allserved-benchmark [--quick] [--model-seconds S] [--steady N] [--no-model] [--exploration]\n".utf8))
  exit(2)
}

let isTerminal = isatty(STDERR_FILENO) == 1
func progress(_ text: String) {
  guard isTerminal else { return }
  FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
}

func seconds(_ body: () -> Void) -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

struct Row {
  var algorithm: Algorithm
  var servers: Int
  var sessions: Int
  var queuedShare: Double
  var implementationRate: Double
  var implementationNanoseconds: Double
  var bytesPerSession: Double
  var grownBytesPerSession: Double
  var allocationsPerEvent: Double
  var modelRate: Double?
  var modelEvents = 0
  var modelNote = ""
}

func measure(_ algorithm: Algorithm, servers: Int, sessions: Int, options: Options, withModel: Bool) -> Row {
  let label = "\(algorithm) \(servers) servers × \(sessions) sessions"
  progress("\(label): generating")
  let workload = Workload.make(
    algorithm: algorithm, servers: servers, sessions: sessions, steadyEvents: options.steadyEvents, seed: 42)

  progress("\(label): implementation")
  // Session memory as the store grows by doubling, slack included…
  var grown: ProductionBalancer? = try! ProductionBalancer(configuration: workload.configuration)
  let grownBefore = AllocationCounter.bytesInUse
  for event in workload.fill { _ = grown!.apply(event) }
  let grownBytes = AllocationCounter.bytesInUse - grownBefore
  grown = nil
  // …and sized up front, as a balancer sizes its pools from maxconn; this one is timed.
  var implementation = try! ProductionBalancer(configuration: workload.configuration)
  let bytesBefore = AllocationCounter.bytesInUse
  implementation.reserveCapacity(sessions: sessions)
  for event in workload.fill { _ = implementation.apply(event) }
  let bytesAfter = AllocationCounter.bytesInUse
  let queued = implementation.snapshotCounts()
  let allocationsBefore = AllocationCounter.allocations
  let elapsed = seconds {
    for event in workload.steady { _ = implementation.apply(event) }
  }
  let allocations = AllocationCounter.allocations - allocationsBefore
  var row = Row(
    algorithm: algorithm, servers: servers, sessions: sessions,
    queuedShare: Double(queued.queued) / Double(max(1, queued.live)),
    implementationRate: Double(workload.steady.count) / elapsed,
    implementationNanoseconds: elapsed * 1e9 / Double(workload.steady.count),
    bytesPerSession: Double(bytesAfter - bytesBefore) / Double(sessions),
    grownBytesPerSession: Double(grownBytes) / Double(sessions),
    allocationsPerEvent: Double(allocations) / Double(workload.steady.count))

  guard withModel else {
    row.modelNote = "model not run at this size"
    return row
  }
  progress("\(label): model (fill)")
  var model = try! ReferenceBalancer(configuration: workload.configuration)
  for event in workload.fill { _ = model.apply(event) }
  progress("\(label): model (steady, up to \(Int(options.modelSeconds)) s)")
  var applied = 0
  let budget = options.modelSeconds
  let modelElapsed = seconds {
    let start = DispatchTime.now().uptimeNanoseconds
    for event in workload.steady {
      _ = model.apply(event)
      applied += 1
      if applied % 64 == 0, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 > budget { break }
    }
  }
  row.modelRate = Double(applied) / modelElapsed
  row.modelEvents = applied
  return row
}

extension ProductionBalancer {
  /// Live and queued sessions, from the snapshot's backend counters.
  func snapshotCounts() -> (live: Int, queued: Int) {
    let snapshot = snapshot
    return (snapshot.backend.sessionCount, snapshot.backend.totalPending)
  }
}

let options = parseOptions()
if CommandLine.arguments.contains("--profile-allocations") {
  let workload = Workload.make(algorithm: .roundRobin, servers: 16, sessions: 10_000, steadyEvents: 50_000, seed: 42)
  var implementation = try! ProductionBalancer(configuration: workload.configuration)
  for event in workload.fill { _ = implementation.apply(event) }
  var byKind: [String: Int] = [:]
  for event in workload.steady {
    let before = AllocationCounter.allocations
    let outcome = implementation.apply(event)
    let spent = AllocationCounter.allocations - before
    if spent > 0 { byKind["\(EventKind(event)) \(outcome.handovers.count)", default: 0] += spent }
  }
  print(byKind.sorted { $0.key < $1.key })
  exit(0)
}
guard AllocationCounter.isWorking else {
  usage("the allocation counter is not receiving malloc calls; the build must link with --export-dynamic")
}

if options.exploration {
  runExplorationFloor(quick: options.quick)
  exit(0)
}

let serverCounts = options.quick ? [16, 1_024, 65_536] : [16, 256, 1_024, 16_384, 65_536]
let largeSessions = options.quick ? 100_000 : 1_000_000
var rows: [Row] = []
let started = Date()
for algorithm in [Algorithm.roundRobin, .leastConnections] {
  // The model's ticks and removals are linear in the sessions, so it is
  // compared at 100,000 sessions; the implementation also runs at 1,000,000.
  for servers in [16, 1_024] {
    rows.append(measure(algorithm, servers: servers, sessions: 100_000, options: options, withModel: options.withModel))
  }
  for servers in serverCounts {
    rows.append(measure(algorithm, servers: servers, sessions: largeSessions, options: options, withModel: false))
  }
}
progress("")

func format(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
func rate(_ value: Double) -> String {
  value >= 1e6 ? format(value / 1e6, 2) + " M" : value >= 1e3 ? format(value / 1e3, 1) + " k" : format(value, 0)
}

print("| algorithm | servers | live sessions | queued | impl events/s | impl ns/event | vs 16 servers | model events/s | impl ÷ model | bytes/session reserved (grown) | allocations/event |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for row in rows {
  let base = rows.first { $0.algorithm == row.algorithm && $0.servers == 16 && $0.sessions == row.sessions }
  let growth = base.map { format(row.implementationNanoseconds / $0.implementationNanoseconds, 2) + "×" } ?? "–"
  let model = row.modelRate.map { "\(rate($0)) (\($0 > 0 ? row.modelEvents : 0) ev)" } ?? "–"
  let ratio = row.modelRate.map { format(row.implementationRate / $0, 0) + "×" } ?? "–"
  print(
    "| \(row.algorithm) | \(row.servers) | \(row.sessions) | \(format(row.queuedShare * 100))% | \(rate(row.implementationRate)) | \(format(row.implementationNanoseconds)) | \(growth) | \(model) | \(ratio) | \(format(row.bytesPerSession, 1)) (\(format(row.grownBytesPerSession, 1))) | \(format(row.allocationsPerEvent, 4)) |"
  )
}
print("")
print("Steady events per case: \(options.steadyEvents) (implementation); the model runs the same events for up to \(format(options.modelSeconds)) s.")
print("Workload: about 10% of sessions hold slots, the rest wait in the backend queue; timeout queue 30 s.")
print("Mix: 40% closes (each followed by the run and connect of the woken waiter), 10% aborts of queued sessions, 4% aborts of established ones, 1% admin (weight, drain/running), the rest ticks firing due queue timeouts; an arrival replaces every session gone.")
print("Total time: \(format(Date().timeIntervalSince(started), 1)) s")
