import AllServedCore
import AllServedHarness

extension TimelinePicture.Layout {
  typealias Palette = TimelinePicture.Palette
  typealias Ending = TimelinePicture.Ending

  // MARK: Bands

  mutating func drawBands() {
    for band in 0...serverCount {
      let top = bandTops[band]
      let height = bandHeight(band)
      line(16, top, x(columns), top, stroke: "#95a5a6", width: "1")
      if band == 0 {
        drawBackendBand(top: top, height: height)
      } else {
        drawServerBand(band - 1, top: top, height: height)
      }
    }
    line(16, bandsBottom, x(columns), bandsBottom, stroke: "#95a5a6", width: "1")
  }

  mutating func drawBackendBand(top: Int, height: Int) {
    writer.element("text", ["x": "16", "y": "\(top + 16)", "font-size": "12", "font-weight": "bold", "fill": "#1b2631"], text: "backend")
    writer.element("text", ["x": "16", "y": "\(top + 30)", "font-size": "10", "fill": "#566573"], text: "queue (no limit)")
    let lengths = (0..<columns).map { recording.snapshot(after: $0).backend.queueLength }
    drawQueueGauge(lengths, limit: 0, top: top + 8, subject: "backend")
  }

  mutating func drawServerBand(_ server: Int, top: Int, height: Int) {
    let snapshots = (0..<columns).map { recording.snapshot(after: $0).servers[server] }
    // The state, as the background of each column.
    var column = 0
    while column < columns {
      let color = Self.stateColor(snapshots[column].state)
      let warming = snapshots[column].isWarmingUp
      var end = column + 1
      while end < columns && Self.stateColor(snapshots[end].state) == color && snapshots[end].isWarmingUp == warming {
        end += 1
      }
      box(x(column), top + 1, x(end) - x(column), height - 1, fill: color)
      if warming { box(x(column), top + 1, x(end) - x(column), 6, fill: "url(#warming)") }
      column = end
    }
    let configuration = recording.trace.configuration.servers[server]
    let first = snapshots[0]
    writer.element(
      "text", ["x": "16", "y": "\(top + 16)", "font-size": "12", "font-weight": "bold", "fill": "#1b2631"],
      text: "s\(server)")
    var details = "w\(first.weight) · maxconn \(first.maximumConnections == 0 ? "∞" : "\(first.maximumConnections)")"
    if first.minimumConnections != first.maximumConnections { details += " · minconn \(first.minimumConnections)" }
    writer.element("text", ["x": "40", "y": "\(top + 16)", "font-size": "10", "fill": "#34495e"], text: details)
    var more: [String] = []
    if configuration.maximumQueueLength > 0 { more.append("maxqueue \(configuration.maximumQueueLength)") }
    if configuration.slowStart > 0 { more.append("slowstart \(configuration.slowStart)") }
    if first.state != .running { more.append("starts \(first.state)") }
    if !more.isEmpty {
      writer.element("text", ["x": "16", "y": "\(top + 30)", "font-size": "10", "fill": "#566573"], text: more.joined(separator: " · "))
    }
    writer.element(
      "text", ["x": "16", "y": "\(top + 44)", "font-size": "9", "fill": "#7f8c8d"], text: "slots; queue below")
    drawSlotGauge(server, snapshots, top: top + 8)
    drawQueueGauge(
      snapshots.map(\.queueLength), limit: configuration.maximumQueueLength, top: top + 8 + Self.slotGaugeHeight,
      subject: "s\(server)")
  }

  static func stateColor(_ state: ServerState) -> String {
    switch state {
    case .running: Palette.running
    case .drain: Palette.drain
    case .down: Palette.down
    case .maint: Palette.maint
    }
  }

  /// Slots in use as bars, the dynamic limit as an orange step line, the static `maxconn` dashed.
  mutating func drawSlotGauge(_ server: Int, _ snapshots: [ServerSnapshot], top: Int) {
    let height = Self.slotGaugeHeight - 4
    let base = top + Self.slotGaugeHeight - 2
    let scale = max(1, snapshots.map { max($0.served, $0.maximumConnections, $0.limit) }.max() ?? 1)
    func y(_ value: Int) -> Int { base - value * height / scale }
    for column in 0..<columns {
      let snapshot = snapshots[column]
      let limit = snapshot.maximumConnections == 0 ? "no limit" : "limit \(snapshot.limit) (maxconn \(snapshot.maximumConnections))"
      box(
        x(column) + 1, y(snapshot.served), columnWidth - 2, base - y(snapshot.served), fill: Palette.served,
        tooltip: "s\(server) after step \(column): \(snapshot.state)\(snapshot.isWarmingUp ? ", warming up" : ""), "
          + "\(snapshot.served) slots in use, \(limit), \(snapshot.connections) connections, queue \(snapshot.queueLength)")
    }
    var limitPath = ""
    var maximumPath = ""
    for column in 0..<columns {
      let snapshot = snapshots[column]
      guard snapshot.maximumConnections > 0 else { continue }
      limitPath += "M\(x(column)) \(y(snapshot.limit))H\(x(column + 1))"
      maximumPath += "M\(x(column)) \(y(snapshot.maximumConnections))H\(x(column + 1))"
    }
    if !maximumPath.isEmpty {
      writer.element(
        "path", ["d": maximumPath, "stroke": Palette.maximum, "stroke-width": "1", "stroke-dasharray": "3 2", "fill": "none"])
      writer.element("path", ["d": limitPath, "stroke": Palette.limit, "stroke-width": "2", "fill": "none"])
    }
    line(left, base, x(columns), base, stroke: "#bdc3c7", width: "0.5")
  }

  /// Queue length as bars, `maxqueue` dashed.
  mutating func drawQueueGauge(_ lengths: [Int], limit: Int, top: Int, subject: String) {
    let height = Self.queueGaugeHeight - 3
    let base = top + Self.queueGaugeHeight - 1
    let scale = max(1, lengths.max() ?? 1, limit)
    for column in 0..<columns where lengths[column] > 0 {
      let bar = max(1, lengths[column] * height / scale)
      box(
        x(column) + 1, base - bar, columnWidth - 2, bar, fill: Palette.queueBar,
        tooltip: "\(subject) queue after step \(column): \(lengths[column])")
    }
    if limit > 0 {
      line(left, base - limit * height / scale, x(columns), base - limit * height / scale, stroke: Palette.maximumQueue, width: "1", dash: "2 2")
    }
    line(left, base, x(columns), base, stroke: "#bdc3c7", width: "0.5")
  }

  // MARK: Lifelines

  static func style(_ phase: SessionPhase) -> (stroke: String, width: String, dash: String?) {
    switch phase {
    case .queued: (Palette.queued, "2", "5 3")
    case .redistributed: (Palette.redistributed, "2", "1 3")
    case .dequeued: (Palette.dequeued, "3", "7 3")
    case .connecting: (Palette.connecting, "2", nil)
    case .turnaround: (Palette.turnaround, "2", "2 2")
    case .established: (Palette.established, "4", nil)
    }
  }

  mutating func drawLifelines() {
    for (index, track) in tracks.enumerated() {
      for (position, segment) in track.segments.enumerated() {
        let y = laneY(segment.band, lanes[index][position])
        let style = Self.style(segment.phase)
        let range = segment.first == segment.last ? "after step \(segment.first)" : "after steps \(segment.first)–\(segment.last)"
        line(
          x(segment.first), y, x(segment.last + 1), y, stroke: style.stroke, width: style.width, dash: style.dash,
          tooltip: "\(segment.session) \(segment.phase), \(range)")
        if position == 0 {
          // The arrival: a tick and the session's name.
          line(x(segment.first), y - 3, x(segment.first), y + 3, stroke: "#1b2631", width: "1.5")
          writer.element(
            "text", ["x": "\(x(segment.first) + 2)", "y": "\(y - 2)", "font-size": "7", "fill": "#1b2631"],
            text: segment.session.description)
        } else {
          let previous = track.segments[position - 1]
          let previousY = laneY(previous.band, lanes[index][position - 1])
          if previousY != y {
            line(x(segment.first), previousY, x(segment.first), y, stroke: "#95a5a6", width: "1", dash: "1 1")
          }
        }
      }
      if let ending = track.ending, let last = track.segments.last {
        let y = laneY(last.band, lanes[index][track.segments.count - 1])
        drawEnding(ending.kind, x: x(ending.step), y: y, tooltip: "\(track.session): \(ending.kind.rawValue) at step \(ending.step)")
      }
    }
    for instant in instants {
      let y = laneY(instant.band, 0)
      drawEnding(.refused, x: x(instant.step), y: y, tooltip: "\(instant.session): 503 at arrival, step \(instant.step)")
    }
    drawDifferenceMarks()
  }

  mutating func drawEnding(_ ending: Ending, x: Int, y: Int, tooltip: String?) {
    switch ending {
    case .close:
      writer.element("circle", ["cx": "\(x)", "cy": "\(y)", "r": "3", "fill": Palette.established], tooltip: tooltip)
    case .abort:
      line(x - 3, y - 3, x + 3, y + 3, stroke: "#566573", width: "1.5", tooltip: tooltip)
      line(x - 3, y + 3, x + 3, y - 3, stroke: "#566573", width: "1.5")
    case .refused:
      writer.element("rect", ["x": "\(x - 3)", "y": "\(y - 3)", "width": "7", "height": "7", "fill": Palette.failure], tooltip: tooltip)
    case .timeout:
      writer.element(
        "path", ["d": "M\(x) \(y - 4)L\(x + 4) \(y)L\(x) \(y + 4)L\(x - 4) \(y)Z", "fill": "#ffffff", "stroke": Palette.failure, "stroke-width": "1.5"],
        tooltip: tooltip)
    case .killed:
      line(x - 4, y - 4, x + 4, y + 4, stroke: "#000000", width: "2.5", tooltip: tooltip)
      line(x - 4, y + 4, x + 4, y - 4, stroke: "#000000", width: "2.5")
    }
  }

  /// At the failing step, a `≠` beside each subject whose fields differ between the systems.
  mutating func drawDifferenceMarks() {
    guard let failing = recording.failure?.step, failing > 0 else { return }
    var marked: [String] = []
    for field in recording.differences where !marked.contains(field.subject) {
      marked.append(field.subject)
      var y: Int?
      if field.subject == "backend" {
        y = bandTops[0] + 14
      } else if field.subject.hasPrefix("s"), let server = Int(field.subject.dropFirst()), server < serverCount {
        y = bandTops[server + 1] + 14
      } else if field.subject.hasPrefix("#"), let number = Int(field.subject.dropFirst()) {
        for (index, track) in tracks.enumerated() where track.session.number == number {
          if let position = track.segments.lastIndex(where: { $0.first <= failing }) {
            y = laneY(track.segments[position].band, lanes[index][position])
          }
        }
      }
      guard let y else { continue }
      writer.element(
        "text",
        ["x": "\(x(failing) + columnWidth / 2)", "y": "\(y + 4)", "font-size": "12", "font-weight": "bold", "fill": Palette.failure, "text-anchor": "middle"],
        text: "≠", tooltip: "\(field.subject).\(field.field): \(recording.names.reference) \(field.reference), \(recording.names.candidate) \(field.candidate)")
    }
  }
}
