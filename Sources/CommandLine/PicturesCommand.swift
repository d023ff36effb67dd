import AllServedHarness
import Foundation

/// `allserved pictures`: the SVG timeline beside every trace of Specs/Bugs
/// (on the historical variant that has the bug) and Specs/Traces (model and
/// implementation in lockstep), as the specification's pages embed them.
public enum PicturesCommand {
  /// The folders whose traces have pictures, relative to the package root.
  static let directories = ["Specs/Bugs", "Specs/Traces"]

  /// One picture: the trace file, where its picture goes, and the picture.
  package struct Picture {
    /// The trace file.
    package var tracePath: String
    /// `tracePath` + `.svg`.
    package var picturePath: String { tracePath + ".svg" }
    /// The SVG document.
    package var svg: String
  }

  /// Draws every picture from the traces under `root`, in file name order.
  ///
  /// - Throws: The first trace file that cannot be read.
  package static func pictures(root: String = ".") throws(TraceFile.Problem) -> [Picture] {
    var pictures: [Picture] = []
    for directory in directories {
      let names = ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(directory)")) ?? [])
        .filter { $0.hasSuffix(".trace") }.sorted()
      for name in names {
        let path = "\(directory)/\(name)"
        let trace = try TraceFile.load("\(root)/\(path)")
        let id = String(name.dropLast(".trace".count))
        let variant = BugCatalogue.bugs.first { $0.id == id }?.variant
        pictures.append(Picture(tracePath: path, svg: TraceFile.picture(of: trace, variant: variant)))
      }
    }
    return pictures
  }

  /// Writes the pictures that changed (or, with `check`, only lists them);
  /// returns the report and the status: 0 when every picture is current
  /// (or was brought up to date), 1 when `check` finds one out of date, 2 when
  /// a file cannot be read or written.
  public static func run(check: Bool) -> (output: String, status: Int32) {
    let pictures: [Picture]
    do { pictures = try self.pictures() } catch { return (error.message, 2) }
    var stale: [String] = []
    var lines: [String] = []
    for picture in pictures {
      let current = try? String(contentsOfFile: picture.picturePath, encoding: .utf8)
      guard current != picture.svg else { continue }
      stale.append(picture.picturePath)
      if check { continue }
      if let problem = TraceFile.write(text: picture.svg, to: picture.picturePath) { return (problem, 2) }
      lines.append("drew: \(picture.picturePath) (\(picture.svg.utf8.count) bytes)")
    }
    let largest = pictures.max { $0.svg.utf8.count < $1.svg.utf8.count }
    lines.append(
      "\(pictures.count) pictures of \(directories.joined(separator: " and ")); "
        + (stale.isEmpty ? "all current" : check ? "\(stale.count) out of date: \(stale.joined(separator: ", "))" : "\(stale.count) redrawn")
        + (largest.map { "; largest \($0.picturePath), \($0.svg.utf8.count) bytes" } ?? ""))
    if check && !stale.isEmpty { lines.append("run `swift run allserved pictures` to redraw them") }
    return (lines.joined(separator: "\n"), check && !stale.isEmpty ? 1 : 0)
  }
}
