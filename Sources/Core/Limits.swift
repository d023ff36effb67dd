/// The bounds on every number a configuration or an event may carry.
///
/// The bounds keep all arithmetic of the specification far from overflow, so
/// no input can make a model or an implementation trap.
public enum Limits {
  /// The largest number of servers in a backend.
  public static let maximumServers = 1 << 20
  /// The largest server weight, as in HAProxy.
  public static let maximumWeight = 256
  /// The largest `maxconn`, `minconn`, `maxqueue`, `fullconn` and `retries`.
  public static let maximumCount = (1 << 31) - 1
  /// The largest `slowstart` and `timeout queue`, about 24.8 days.
  public static let maximumDuration: Milliseconds = (1 << 31) - 1
  /// The latest instant the clock may reach, about 142,000 years.
  public static let maximumTime: Milliseconds = 1 << 52
  /// The turn-around wait after an immediate connection error (`R-RETRY-TURNAROUND`).
  public static let turnaround: Milliseconds = 1000
}
