extension Duration {
  /// The duration in seconds, for reports.
  var inSeconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
