/// The `--help` texts.
public enum Help {
  static let overview = """
    allserved: checks HAProxy-style connection-slot reservation against its specification.

    USAGE: allserved [check] [options]

    COMMANDS:
      check     Run seeded random traces against the reference model and check the
                invariants I1–I12 after every event (the default command).
      help      Show this text, or `allserved help check` for one command.

    Run `allserved check --help` for the options of a command.
    """

  static let check = """
    allserved check: run seeded random traces and check every invariant after every event.

    USAGE: allserved check [--seed S] [--traces N] [--length L]

    OPTIONS:
      --seed S      The seed of the first trace (default 2026). Trace i uses seed S+i,
                    so `--seed S+i --traces 1` replays trace i alone.
      --traces N    How many traces to run (default 300).
      --length L    How many events per trace (default 200).
      -h, --help    Show this text.

    Each trace draws a small configuration and events valid by construction, plus
    about 5% impossible events that must be rejected with the state unchanged.
    Exit status: 0 when every check held, 1 after reporting a failure, 2 on bad usage.
    """

  /// The help for `topic`, or the overview for `nil`; `nil` for an unknown topic.
  public static func text(for topic: String?) -> String? {
    switch topic {
    case nil: overview
    case "check": check
    default: nil
    }
  }
}
