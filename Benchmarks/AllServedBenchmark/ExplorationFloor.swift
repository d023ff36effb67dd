import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedModel
import Foundation

/// Where a checked transition of `allserved explore` spends its time, layer
/// by layer, over the same (state, event) pairs: each system's `apply` alone
/// (a copy of the state, the event, the copy freed), both, the model's
/// snapshot, the whole lockstep step, and the explorer itself. The first
/// layers are the floor of any exploration that drives both systems on every
/// transition: no harness can be cheaper than them.
struct ExplorationFloor {
  typealias Pair = Lockstep<ReferenceBalancer, ProductionBalancer>

  /// One stored state and the events enabled in it.
  struct State {
    var pair: Pair
    var events: [Event]
  }

  /// One measured layer.
  struct Layer {
    var name: String
    var nanoseconds: Double
    var allocations: Double
  }

  let scope: ExplorationScope
  let states: [State]
  var transitions: Int { states.reduce(0) { $0 + $1.events.count } }

  /// The first `limit` distinct states of `scope`, breadth first, each with its enabled events.
  init(scope: ExplorationScope, limit: Int) {
    self.scope = scope
    guard case .success(var root) = Pair.start(scope.configuration) else {
      states = []
      return
    }
    root.checksStateInvariants = false
    var found: [State] = []
    var seen: Set<UInt64> = [root.reference.canonicalFingerprint]
    var level = [(pair: root, arrivals: 0, highest: 0)]
    for _ in 0..<scope.depth where found.count < limit {
      var next: [(pair: Pair, arrivals: Int, highest: Int)] = []
      for (pair, arrivals, highest) in level where found.count < limit {
        let events = EventGenerator.enabledEvents(
          for: pair.observedSnapshot, scope: scope, nextSession: SessionID(highest + 1), arrivals: arrivals)
        found.append(State(pair: pair, events: events))
        for event in events {
          var successor = pair
          guard successor.step(event) == nil, successor.lastOutcome?.isRejected == false,
            seen.insert(successor.reference.canonicalFingerprint).inserted
          else { continue }
          let (count, top) = event.counting(arrivals: arrivals, highest: highest)
          next.append((successor, count, top))
        }
      }
      level = next
    }
    states = found
  }

  /// Runs `body` on every (state, event) pair, in rounds until `minimumSeconds`
  /// have passed; nanoseconds and heap allocations per pair.
  func measure(_ name: String, minimumSeconds: Double, _ body: (Pair, Event) -> Void) -> Layer {
    var rounds = 0
    var elapsed = 0.0
    var allocations = 0
    while elapsed < minimumSeconds {
      let before = AllocationCounter.allocations
      elapsed += seconds {
        for state in states {
          for event in state.events { body(state.pair, event) }
        }
      }
      allocations += AllocationCounter.allocations - before
      rounds += 1
    }
    let count = Double(rounds * transitions)
    return Layer(name: name, nanoseconds: elapsed * 1e9 / count, allocations: Double(allocations) / count)
  }

  /// Every layer, cheapest first, and the explorer's own cost per transition
  /// with the states and transitions of its run. The layers are measured in
  /// turn, `passes` times over, and each keeps its fastest pass: on a shared
  /// host a slow pass is noise, never the code.
  func layers(minimumSeconds: Double, passes: Int) -> (layers: [Layer], states: Int, transitions: Int) {
    var layers = measureLayers(minimumSeconds: minimumSeconds)
    for _ in 1..<max(1, passes) {
      for (index, again) in measureLayers(minimumSeconds: minimumSeconds).enumerated()
      where again.nanoseconds < layers[index].nanoseconds {
        layers[index] = again
      }
    }
    // The explorer over the whole scope, one thread: its cost per transition.
    var explorer = Explorer<ReferenceBalancer, ProductionBalancer, UInt64>(scope: scope) {
      $0.reference.canonicalFingerprint(renamings: [])
    }
    explorer.workers = 1
    let before = AllocationCounter.allocations
    let result = explorer.run()
    let allocations = AllocationCounter.allocations - before
    layers.append(
      Layer(
        name: "explorer: all of the above, the visited set, the state invariants",
        nanoseconds: result.seconds * 1e9 / Double(max(1, result.transitions)),
        allocations: Double(allocations) / Double(max(1, result.transitions))))
    return (layers, result.states, result.transitions)
  }

  /// One pass over the layers.
  func measureLayers(minimumSeconds: Double) -> [Layer] {
    var sink = 0
    let layers = [
      measure("model: copy, apply, free", minimumSeconds: minimumSeconds) { pair, event in
        var model = pair.reference
        sink &+= model.apply(event).handovers.count
      },
      measure("implementation: copy, apply, free", minimumSeconds: minimumSeconds) { pair, event in
        var implementation = pair.candidate
        sink &+= implementation.apply(event).handovers.count
      },
      measure("both (the floor)", minimumSeconds: minimumSeconds) { pair, event in
        var model = pair.reference
        var implementation = pair.candidate
        sink &+= model.apply(event).handovers.count + implementation.apply(event).handovers.count
      },
      measure("both, and the model's snapshot", minimumSeconds: minimumSeconds) { pair, event in
        var model = pair.reference
        var implementation = pair.candidate
        sink &+= model.apply(event).handovers.count + implementation.apply(event).handovers.count
        sink &+= model.snapshot.sessions.count
      },
      measure("lockstep step: outcomes, snapshots, step invariants", minimumSeconds: minimumSeconds) { pair, event in
        var next = pair
        sink &+= next.step(event) == nil ? 1 : 0
      },
      measure("lockstep step and canonical fingerprint", minimumSeconds: minimumSeconds) { pair, event in
        var next = pair
        sink &+= next.step(event) == nil ? 1 : 0
        sink &+= Int(truncatingIfNeeded: next.reference.canonicalFingerprint(renamings: []))
      },
    ]
    if sink == Int.min { print("") }
    return layers
  }
}

/// Prints the layers of an exploration transition as a Markdown table, and the
/// rate in distinct states per second that each layer alone would allow.
func runExplorationFloor(quick: Bool) {
  let configuration = Configuration(
    retries: 1, servers: [ServerConfiguration(maximumConnections: 1), ServerConfiguration(maximumConnections: 2)])
  let scope = ExplorationScope(configuration: configuration, sessions: 4, depth: quick ? 8 : 10)
  progress("exploration floor: collecting states")
  let floor = ExplorationFloor(scope: scope, limit: quick ? 5_000 : 20_000)
  progress("exploration floor: measuring")
  let (layers, states, transitions) = floor.layers(minimumSeconds: quick ? 0.5 : 1, passes: 3)
  progress("")
  let perState = Double(transitions) / Double(max(1, states))
  print("Scope: roundrobin, maxconn 1 and 2, retries 1, 4 sessions, depth \(scope.depth), every event kind;")
  print("\(floor.states.count) states and \(floor.transitions) transitions measured per layer, in release, one thread, best of 3 passes.")
  print("The explorer's own run: \(states) distinct states, \(transitions) transitions, \(format(perState, 1)) transitions per state.")
  print("")
  print("| layer | ns/transition | allocations/transition | share of the explorer | states/s it alone allows (1 thread) |")
  print("|---|---:|---:|---:|---:|")
  let explorer = layers.last?.nanoseconds ?? 1
  for layer in layers {
    let ceiling = 1e9 / (layer.nanoseconds * perState)
    print(
      "| \(layer.name) | \(format(layer.nanoseconds)) | \(format(layer.allocations, 1)) | \(format(100 * layer.nanoseconds / explorer))% | \(rate(ceiling)) |"
    )
  }
}
