import AllServedCore
import AllServedHarness

extension TimelinePicture {
  /// The geometry of one picture and the drawing of its parts.
  struct Layout {
    let recording: TraceRecording
    let columns: Int
    let columnWidth: Int
    let left = 176
    let width: Int
    let tracks: [Track]
    let instants: [Instant]
    let lanes: [[Int]]
    let laneCounts: [Int]
    var writer: SVGWriter
    /// The top of each band, and the bottom of the last.
    var bandTops: [Int] = []
    var bandsBottom = 0
    var axisY = 0

    static let laneHeight = 10
    static let slotGaugeHeight = 26
    static let queueGaugeHeight = 14
    static let headerHeight = 176
    static let maximumLabel = 30

    init(recording: TraceRecording) {
      self.recording = recording
      columns = recording.steps.count + 1
      let events = recording.steps.count
      columnWidth = events <= 16 ? 48 : events <= 40 ? 30 : events <= 90 ? 20 : 18
      // Wide enough for the grid and for the title on one line.
      let title = Self.title(of: recording)
      width = max(176 + columns * columnWidth + 24, 860, title.count * 18 * 64 / 100 + 40)
      (tracks, instants) = TimelinePicture.tracks(of: recording)
      let servers = recording.initial.servers.count
      (lanes, laneCounts) = TimelinePicture.lanes(of: tracks, bands: servers + 1)
      writer = SVGWriter(width: 1, height: 1, title: "")
    }

    static func title(of recording: TraceRecording) -> String {
      recording.trace.title ?? recording.trace.seed.map { "trace of seed \($0)" } ?? "trace"
    }

    /// The x of the boundary where event `column` happens (column 0: the start).
    func x(_ column: Int) -> Int { left + column * columnWidth }

    var serverCount: Int { recording.initial.servers.count }

    func bandHeight(_ band: Band) -> Int {
      let gauges = band == 0 ? Self.queueGaugeHeight : Self.slotGaugeHeight + Self.queueGaugeHeight
      return 8 + gauges + 6 + laneCounts[band] * Self.laneHeight + 6
    }

    /// The y of lane `lane` of `band`.
    func laneY(_ band: Band, _ lane: Int) -> Int {
      let gauges = band == 0 ? Self.queueGaugeHeight : Self.slotGaugeHeight + Self.queueGaugeHeight
      return bandTops[band] + 8 + gauges + 6 + lane * Self.laneHeight + Self.laneHeight / 2
    }

    mutating func draw() -> String {
      let title = Self.title(of: recording)
      // Measure first: the legend's rows and the bands fix the height.
      let legend = Self.legendItems(hasFailure: recording.failure != nil)
      let legendRows = Self.legendRows(legend, width: width - 32)
      axisY = 80 + legendRows.count * 18 + Self.headerHeight
      var top = axisY + 6
      for band in 0...serverCount {
        bandTops.append(top)
        top += bandHeight(band)
      }
      bandsBottom = top
      let notes = failureLines()
      let height = bandsBottom + 24 + (notes.isEmpty ? 0 : 16 + notes.count * 15 + 12)
      writer = SVGWriter(width: width, height: height, title: title)
      writer.raw(Self.definitions)
      drawTitle(title)
      drawLegend(legendRows)
      drawBands()
      drawGrid()
      drawHeader()
      drawLifelines()
      drawFailure(notes)
      return writer.finish()
    }

    // MARK: Title and legend

    mutating func drawTitle(_ title: String) {
      writer.element("text", ["x": "16", "y": "28", "font-size": "18", "font-weight": "bold", "fill": "#1b2631"], text: title)
      let configuration = recording.trace.configuration
      var line = configuration.description.split(separator: "\n").first.map(String.init) ?? ""
      if line.hasPrefix("backend ") { line.removeFirst("backend ".count) }
      writer.element("text", ["x": "16", "y": "48", "font-size": "11", "fill": "#34495e"], text: line)
      let how =
        recording.mode == .differential
        ? "\(recording.names.reference) ⇄ \(recording.names.candidate) in lockstep; the lines show the \(recording.names.reference)'s state"
        : "\(recording.names.candidate), judged by the invariants alone"
      let events = "\(recording.steps.count) of \(recording.trace.steps.count) events replayed"
      writer.element("text", ["x": "16", "y": "64", "font-size": "11", "fill": "#566573"], text: "\(how); \(events)")
    }

    enum Swatch {
      case line(stroke: String, dash: String?, width: Int)
      case marker(Ending)
      case fill(String)
      case warming
      case mark(String)
    }

    static func legendItems(hasFailure: Bool) -> [(Swatch, String)] {
      var items: [(Swatch, String)] = [
        (.line(stroke: Palette.queued, dash: "5 3", width: 2), "queued"),
        (.line(stroke: Palette.redistributed, dash: "1 3", width: 2), "redistributed (unbound, to run)"),
        (.line(stroke: Palette.dequeued, dash: "7 3", width: 3), "dequeued: slot reserved, not yet run"),
        (.line(stroke: Palette.connecting, dash: nil, width: 2), "connecting"),
        (.line(stroke: Palette.turnaround, dash: "2 2", width: 2), "turn-around"),
        (.line(stroke: Palette.established, dash: nil, width: 4), "connected"),
        (.marker(.close), "close"), (.marker(.abort), "abort"), (.marker(.refused), "503"),
        (.marker(.timeout), "queue timeout"), (.marker(.killed), "502 (shutdown sessions)"),
        (.fill(Palette.running), "running"), (.fill(Palette.drain), "drain"), (.fill(Palette.down), "down"),
        (.fill(Palette.maint), "maint"), (.warming, "warming up (slowstart)"),
        (.fill(Palette.served), "slots in use"), (.line(stroke: Palette.limit, dash: nil, width: 2), "dynamic limit"),
        (.line(stroke: Palette.maximum, dash: "3 2", width: 1), "maxconn"),
        (.fill(Palette.queueBar), "queue length"), (.line(stroke: Palette.maximumQueue, dash: "2 2", width: 1), "maxqueue"),
        (.mark("⊘"), "rejected event"),
      ]
      if hasFailure { items.append((.mark("!"), "failing step")) }
      return items
    }

    static func textWidth(_ text: String, size: Int) -> Int { text.count * size * 6 / 10 + 2 }

    static func legendRows(_ items: [(Swatch, String)], width: Int) -> [[(Swatch, String)]] {
      var rows: [[(Swatch, String)]] = [[]]
      var used = 0
      for item in items {
        let itemWidth = 30 + textWidth(item.1, size: 11) + 14
        if used + itemWidth > width && !rows[rows.count - 1].isEmpty {
          rows.append([])
          used = 0
        }
        rows[rows.count - 1].append(item)
        used += itemWidth
      }
      return rows
    }

    mutating func drawLegend(_ rows: [[(Swatch, String)]]) {
      for (row, items) in rows.enumerated() {
        var x = 16
        let y = 86 + row * 18
        for (swatch, label) in items {
          switch swatch {
          case .line(let stroke, let dash, let lineWidth):
            line(x, y - 4, x + 24, y - 4, stroke: stroke, width: "\(lineWidth)", dash: dash)
          case .marker(let ending): drawEnding(ending, x: x + 12, y: y - 4, tooltip: nil)
          case .fill(let color):
            writer.element(
              "rect", ["x": "\(x + 2)", "y": "\(y - 11)", "width": "20", "height": "12", "fill": color, "stroke": "#999", "stroke-width": "0.5"])
          case .warming:
            writer.element(
              "rect", ["x": "\(x + 2)", "y": "\(y - 11)", "width": "20", "height": "12", "fill": "url(#warming)", "stroke": "#999", "stroke-width": "0.5"])
          case .mark(let symbol):
            let color = symbol == "!" ? Palette.failure : Palette.rejected
            writer.element(
              "text", ["x": "\(x + 12)", "y": "\(y)", "font-size": "13", "font-weight": "bold", "fill": color, "text-anchor": "middle"],
              text: symbol)
          }
          writer.element("text", ["x": "\(x + 30)", "y": "\(y)", "font-size": "11", "fill": "#2c3e50"], text: label)
          x += 30 + Self.textWidth(label, size: 11) + 14
        }
      }
    }

    // MARK: Shapes

    /// A straight line, solid unless `dash` is given.
    mutating func line(
      _ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int, stroke: String, width: String, dash: String? = nil,
      tooltip: String? = nil
    ) {
      let ends = "x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\""
      let style = "stroke=\"\(stroke)\" stroke-width=\"\(width)\"" + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")
      if let tooltip {
        writer.raw("<line \(ends) \(style)><title>\(XMLText.escape(tooltip))</title></line>")
      } else {
        writer.raw("<line \(ends) \(style)/>")
      }
    }

    /// A filled rectangle.
    mutating func box(_ x: Int, _ y: Int, _ width: Int, _ height: Int, fill: String, tooltip: String? = nil) {
      guard width > 0 && height > 0 else { return }
      writer.element(
        "rect", ["x": "\(x)", "y": "\(y)", "width": "\(width)", "height": "\(height)", "fill": fill], tooltip: tooltip)
    }

    // MARK: Header

    mutating func drawHeader() {
      var lastTime = -1
      for column in 0..<columns {
        let snapshot = recording.snapshot(after: column)
        let anchorX = x(column) + 4
        if column > 0 {
          let step = recording.steps[column - 1]
          let rejected = step.outcome.isRejected
          let failing = recording.failure?.step == column
          var label = "\(column) \(step.event)"
          if label.count > Self.maximumLabel { label = String(label.prefix(Self.maximumLabel - 1)) + "…" }
          if rejected { label = "⊘ " + label }
          let color = failing ? Palette.failure : rejected ? Palette.rejected : "#1b2631"
          writer.element(
            "text",
            [
              "x": "\(anchorX)", "y": "\(axisY - 26)", "font-size": "10", "fill": color,
              "font-weight": failing ? "bold" : "normal", "transform": "rotate(-55 \(anchorX) \(axisY - 26))",
            ], text: label, tooltip: "step \(column): \(step.event) → \(step.outcome)")
        }
        if snapshot.now != lastTime {
          writer.element(
            "text",
            [
              "x": "\(anchorX)", "y": "\(axisY - 4)", "font-size": "9", "fill": "#7f8c8d",
              "transform": "rotate(-55 \(anchorX) \(axisY - 4))",
            ], text: "t=\(snapshot.now)")
          lastTime = snapshot.now
        }
      }
      line(left, axisY + 2, x(columns), axisY + 2, stroke: "#2c3e50", width: "1")
    }

    mutating func drawGrid() {
      for column in 1..<max(1, columns) {
        let step = recording.steps[column - 1]
        let strong = column % 10 == 0
        line(x(column), axisY + 2, x(column), bandsBottom, stroke: strong ? "#c8ced3" : "#e5e8ea", width: "1")
        if step.outcome.isRejected {
          line(x(column), axisY + 2, x(column), bandsBottom, stroke: Palette.rejected, width: "1.5", dash: "2 3")
        }
      }
      if let failing = recording.failure?.step, failing > 0 {
        writer.element(
          "rect",
          [
            "x": "\(x(failing) - 3)", "y": "\(axisY - 150)", "width": "\(columnWidth + 6)",
            "height": "\(bandsBottom - axisY + 154)", "fill": Palette.failure, "fill-opacity": "0.08",
            "stroke": Palette.failure, "stroke-width": "2",
          ])
      }
    }

    /// Lines of the failure note: the step, the check, both sides, and each differing field.
    func failureLines() -> [String] {
      guard let failure = recording.failure else { return [] }
      var lines: [String] = []
      let event = failure.step > 0 && failure.step <= recording.steps.count ? " `\(recording.steps[failure.step - 1].event)`" : ""
      lines.append("FAILS at step \(failure.step)\(event): \(failure.check)")
      lines += Self.wrapped("\(recording.names.reference): \(failure.reference)", 150)
      lines += Self.wrapped("\(recording.names.candidate): \(failure.candidate)", 150)
      for field in recording.differences.prefix(8) {
        lines.append(
          "≠ \(field.subject).\(field.field): \(recording.names.reference) \(field.reference), \(recording.names.candidate) \(field.candidate)")
      }
      if recording.differences.count > 8 { lines.append("… and \(recording.differences.count - 8) more differing fields") }
      return lines
    }

    static func wrapped(_ text: String, _ width: Int) -> [String] {
      var lines: [String] = []
      var rest = Substring(text)
      while rest.count > width {
        let cut = rest.prefix(width).lastIndex(of: " ").map { rest.index(after: $0) } ?? rest.index(rest.startIndex, offsetBy: width)
        lines.append(String(rest[..<cut]))
        rest = "    " + rest[cut...]
      }
      lines.append(String(rest))
      return lines
    }

    mutating func drawFailure(_ lines: [String]) {
      guard !lines.isEmpty else { return }
      let top = bandsBottom + 16
      let boxWidth = min(width - 32, max(400, (lines.map { Self.textWidth($0, size: 11) }.max() ?? 0) + 24))
      writer.element(
        "rect",
        [
          "x": "16", "y": "\(top)", "width": "\(boxWidth)", "height": "\(lines.count * 15 + 10)", "fill": "#fdedec",
          "stroke": Palette.failure, "stroke-width": "1",
        ])
      for (index, line) in lines.enumerated() {
        writer.element(
          "text",
          [
            "x": "26", "y": "\(top + 17 + index * 15)", "font-size": "11", "fill": index == 0 ? Palette.failure : "#1b2631",
            "font-weight": index == 0 ? "bold" : "normal",
          ], text: line)
      }
    }

    static let definitions = """
      <defs><pattern id="warming" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
      <rect width="6" height="6" fill="#e3eefc"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8fb4e8" stroke-width="2"/></pattern></defs>
      """
  }

  /// The picture's colours.
  enum Palette {
    static let queued = "#d68910"
    static let redistributed = "#7f8c8d"
    static let dequeued = "#8e44ad"
    static let connecting = "#2471a3"
    static let turnaround = "#c0392b"
    static let established = "#1e8449"
    static let running = "#f1f9f1"
    static let drain = "#fdf3d3"
    static let down = "#f9dcdc"
    static let maint = "#e2e2e2"
    static let served = "#5d8fd6"
    static let limit = "#e67e22"
    static let maximum = "#566573"
    static let queueBar = "#f0b041"
    static let maximumQueue = "#c0392b"
    static let rejected = "#c0392b"
    static let failure = "#c0392b"
  }
}
