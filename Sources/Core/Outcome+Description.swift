extension Outcome: CustomStringConvertible {
  /// The outcome on one line, for example
  /// `completed s0; handover #2→s0 from backend`.
  public var description: String {
    outcomeText(effect.description, handovers)
  }
}

private func outcomeText(_ effect: String, _ handovers: Handovers) -> String {
  guard !handovers.isEmpty else { return effect }
  return effect + "; handover " + handovers.map(\.description).joined(separator: ", ")
}

private func list(_ sessions: [SessionID]) -> String {
  sessions.map(\.description).joined(separator: " ")
}

extension Effect: CustomStringConvertible {
  /// The effect in the words of Specs/Reservation.md.
  public var description: String {
    switch self {
    case .rejected(let reason): "rejected: \(reason)"
    case .placed(let placement): "placed: \(placement)"
    case .connecting(let server): "connecting \(server)"
    case .established(let server): "established \(server)"
    case .turnaround(let server, let until): "turnaround \(server) until \(until)"
    case .retrying(let server): "retrying \(server)"
    case .rebalanced(let from, let placement): "rebalanced from \(from): \(placement)"
    case .ended(let ending): ending.description
    case .stateChanged(let server, let from, let to, let redistributed):
      "\(server) \(from)→\(to)" + (redistributed.isEmpty ? "" : ", redistributed \(list(redistributed))")
    case .weightChanged(let server, let from, let to): "\(server) weight \(from)→\(to)"
    case .maximumConnectionsChanged(let server, let from, let to): "\(server) maxconn \(from)→\(to)"
    case .unchanged(let server): "\(server) unchanged"
    case .killed(let server, let sessions):
      sessions.isEmpty ? "killed none on \(server)" : "killed \(list(sessions)) on \(server)"
    case .advanced(let now): "now \(now)"
    case .queueTaskRan(let server, let woken):
      woken.isEmpty ? "queue task of \(server) woke nobody" : "queue task of \(server) woke \(list(woken))"
    }
  }
}

extension Placement: CustomStringConvertible {
  /// `granted s0`, `queued on backend`, `503 s0 queue full`, `redispatched from s0: …`.
  public var description: String {
    switch self {
    case .granted(let server): "granted \(server)"
    case .queued(let queue): "queued on \(queue)"
    case .refused(.serverQueueFull(let server)): "503 \(server) queue full"
    case .refused(.noServer): "503 no server"
    case .redispatched(let from, let placement): "redispatched from \(from): \(placement)"
    }
  }
}

extension Ending: CustomStringConvertible {
  /// `completed s0`, `aborted while queued on backend`, `503 connection failed on s0`, …
  public var description: String {
    switch self {
    case .completed(let server): "completed \(server)"
    case .aborted(let phase): "aborted while \(phase)"
    case .connectionFailed(let server): "503 connection failed on \(server)"
    case .queueTimedOut(let queue): "503 queue timeout on \(queue)"
    }
  }
}
