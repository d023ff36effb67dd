import AllServedCore
import AllServedEngine
import AllServedHarness
import AllServedHistory
import AllServedModel
import AllServedPictures
import Foundation

extension TraceFile {
  /// Replays `trace` and records every step: on the model and the
  /// implementation in lockstep, or, for a historical variant, on the variant
  /// judged by the invariants alone.
  static func record(_ trace: Trace, variant: HistoricalVariant? = nil) -> TraceRecording {
    switch variant {
    case nil:
      Lockstep<ReferenceBalancer, ProductionBalancer>.record(trace)
    case .prePatch:
      Lockstep<ReferenceBalancer, PrePatchBalancer>.record(trace, mode: .invariantsOnly, names: ("model", "pre-patch"))
    case .asPatched2008:
      Lockstep<ReferenceBalancer, AsPatched2008Balancer>.record(
        trace, mode: .invariantsOnly, names: ("model", "as-patched-2008"))
    }
  }

  /// The SVG timeline of `trace`.
  static func picture(of trace: Trace, variant: HistoricalVariant? = nil) -> String {
    TimelinePicture(record(trace, variant: variant)).svg
  }

  /// Writes `text` to `path`, creating the folder if needed; the problem, if any.
  static func write(text: String, to path: String) -> String? {
    let url = URL(fileURLWithPath: path)
    do {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
      return nil
    } catch {
      return "\(path): cannot write the file (\(error.localizedDescription))"
    }
  }

  /// Writes `trace` to `path` and its picture to `path.svg`; a line for each file.
  static func save(_ trace: Trace, to path: String, variant: HistoricalVariant? = nil) -> [String] {
    if let problem = write(trace, to: path) { return ["could not save: \(problem)"] }
    let picture = path + ".svg"
    if let problem = write(text: self.picture(of: trace, variant: variant), to: picture) {
      return ["saved: \(path)", "could not draw: \(problem)"]
    }
    return ["saved: \(path) and its picture \(picture)"]
  }

  /// Writes the picture of `recording` to `svg` and its ITF form to `itf`,
  /// each if asked for; a line for each file.
  static func export(_ recording: TraceRecording, svg: String?, itf: String?) -> [String] {
    var lines: [String] = []
    if let path = svg {
      lines.append(write(text: TimelinePicture(recording).svg, to: path).map { "could not draw: \($0)" } ?? "picture: \(path)")
    }
    if let path = itf {
      lines.append(write(text: InformalTrace(recording).json, to: path).map { "could not export: \($0)" } ?? "ITF trace: \(path)")
    }
    return lines
  }
}
