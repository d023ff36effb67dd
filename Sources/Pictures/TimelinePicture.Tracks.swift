import AllServedCore
import AllServedHarness

extension TimelinePicture {
  /// Where the picture draws a session: the backend band (0) or a server's (1 + index).
  typealias Band = Int

  /// How a session's life ended, as the picture marks it.
  enum Ending: String, CaseIterable {
    case close, abort, refused = "503", timeout, killed = "502"
  }

  /// A run of columns one session spends in one band and one phase.
  struct Segment {
    var session: SessionID
    var band: Band
    var phase: SessionPhase
    /// The first and last columns (states after that many events).
    var first: Int
    var last: Int
  }

  /// One session's life in the picture.
  struct Track {
    var session: SessionID
    var segments: [Segment] = []
    /// The event that ended it, counted from 1, and how; nil while live at the end.
    var ending: (step: Int, kind: Ending)?
  }

  /// A request that ended in the event that brought it (a 503 at arrival).
  struct Instant {
    var session: SessionID
    var step: Int
    var band: Band
  }

  /// Every session's segments, in order of first appearance, and the
  /// requests refused at once.
  static func tracks(of recording: TraceRecording) -> (tracks: [Track], instants: [Instant]) {
    var tracks: [Track] = []
    var position: [SessionID: Int] = [:]
    let columns = recording.steps.count
    for column in 0...columns {
      for session in recording.snapshot(after: column).sessions {
        let band = band(of: session)
        if position[session.id] == nil {
          position[session.id] = tracks.count
          tracks.append(Track(session: session.id))
        }
        let index = position[session.id]!
        if var last = tracks[index].segments.last, last.band == band, last.phase.kind == session.phase.kind,
          last.last == column - 1
        {
          last.last = column
          last.phase = session.phase
          tracks[index].segments[tracks[index].segments.count - 1] = last
        } else {
          tracks[index].segments.append(
            Segment(session: session.id, band: band, phase: session.phase, first: column, last: column))
        }
      }
    }
    for index in tracks.indices {
      guard let last = tracks[index].segments.last?.last, last < columns else { continue }
      let step = recording.steps[last]
      tracks[index].ending = (last + 1, ending(of: tracks[index].session, in: step))
    }
    var instants: [Instant] = []
    for (offset, step) in recording.steps.enumerated() {
      guard case .arrive(let id, _, _) = step.event, position[id] == nil,
        case .placed(let placement) = step.outcome.effect, let refusal = placement.refusal
      else { continue }
      let band: Band =
        switch refusal {
        case .serverQueueFull(let server): server.index + 1
        case .noServer: 0
        }
      instants.append(Instant(session: id, step: offset + 1, band: band))
    }
    return (tracks, instants)
  }

  /// The band a live session is drawn in: the queue it waits in, or the server it owns a slot on.
  static func band(of session: SessionSnapshot) -> Band {
    switch session.phase {
    case .queued(.server(let server), _): server.index + 1
    case .queued(.backend, _), .redistributed: 0
    case .dequeued, .connecting, .turnaround, .established: (session.slot ?? session.assigned).map { $0.index + 1 } ?? 0
    }
  }

  /// How the event `step` ended `session`.
  static func ending(of session: SessionID, in step: TraceRecording.Step) -> Ending {
    switch step.outcome.effect {
    case .killed: return .killed
    case .ended(.completed): return .close
    case .ended(.aborted): return .abort
    case .ended(.connectionFailed): return .refused
    case .ended(.queueTimedOut): return .timeout
    case .placed(let placement), .rebalanced(_, let placement):
      return placement.refusal != nil ? .refused : .close
    default:
      // A session ends only through its own event or a kill; anything else is drawn as a completion.
      return .close
    }
  }

  /// Lanes within each band: a segment run keeps its lane while it stays in
  /// the band; runs never share a lane at the same column.
  ///
  /// - Returns: The lane of each segment (indexed like `tracks`), and the
  ///   number of lanes of each band.
  static func lanes(of tracks: [Track], bands: Int) -> (lanes: [[Int]], counts: [Int]) {
    // A stay is consecutive segments of one track in one band: one lane for the whole stay.
    struct Stay {
      var track: Int
      var segments: Range<Int>
      var band: Band
      var first: Int
      var last: Int
    }
    var stays: [Stay] = []
    for (index, track) in tracks.enumerated() {
      var start = 0
      for position in track.segments.indices {
        let next = position + 1
        let breaks =
          next == track.segments.count || track.segments[next].band != track.segments[position].band
          || track.segments[next].first != track.segments[position].last + 1
        guard breaks else { continue }
        stays.append(
          Stay(
            track: index, segments: start..<next, band: track.segments[position].band,
            first: track.segments[start].first, last: track.segments[position].last))
        start = next
      }
    }
    stays.sort { ($0.band, $0.first, $0.track) < ($1.band, $1.first, $1.track) }
    var lanes = tracks.map { Array(repeating: 0, count: $0.segments.count) }
    var counts = Array(repeating: 1, count: bands)
    var busyUntil: [[Int]] = Array(repeating: [], count: bands)
    for stay in stays {
      let lane = busyUntil[stay.band].firstIndex { $0 < stay.first } ?? busyUntil[stay.band].count
      if lane == busyUntil[stay.band].count {
        busyUntil[stay.band].append(stay.last)
      } else {
        busyUntil[stay.band][lane] = stay.last
      }
      counts[stay.band] = max(counts[stay.band], lane + 1)
      for segment in stay.segments { lanes[stay.track][segment] = lane }
    }
    return (lanes, counts)
  }
}

extension SessionPhase {
  /// The phase without its details: segments merge while this stays the same.
  var kind: String {
    switch self {
    case .queued(let queue, _): "queued \(queue)"
    case .dequeued: "dequeued"
    case .redistributed: "redistributed"
    case .connecting: "connecting"
    case .turnaround: "turnaround"
    case .established: "established"
    }
  }
}

extension Placement {
  /// The refusal this placement ends in, if it ends in one.
  var refusal: Refusal? {
    switch self {
    case .refused(let refusal): refusal
    case .redispatched(_, let inner): inner.refusal
    case .granted, .queued: nil
    }
  }
}
