public import AllServedHarness
import AllServedCore

/// A trace drawn as an SVG timeline, from a replay's ``TraceRecording``.
///
/// The x axis is the event index, each column labelled with its event and,
/// below, the model time when it moved. The backend queue and each server are
/// bands: a server's band shows its state as a background colour, its slots
/// in use against its dynamic limit and its static `maxconn`, and its queue
/// length. Each session is a thin lifeline across the band of the queue it
/// waits in or the server it owns a slot on, styled by phase, from its arrival
/// to its end, which is marked (close, abort, 503, timeout, 502). Rejected
/// events are marked; a failing step is outlined, with the check that failed
/// and, in lockstep, both systems' values of each differing field.
///
/// The document is plain SVG 1.1: no script, no external resource, integer
/// coordinates, the same bytes for the same recording. Tooltips (`<title>`)
/// give each segment's details on hover.
public struct TimelinePicture: Sendable {
  /// What is drawn.
  public var recording: TraceRecording

  /// A picture of `recording`.
  public init(_ recording: TraceRecording) { self.recording = recording }

  /// The SVG document.
  ///
  /// - Complexity: O(*e* · (*n* + *s*)) for *e* events, *n* servers and *s* sessions.
  public var svg: String {
    var layout = Layout(recording: recording)
    return layout.draw()
  }
}
