/// The `--help` texts.
public enum Help {
  static let overview = """
    allserved: checks HAProxy-style connection-slot reservation against its specification.

    USAGE: allserved [check] [options]
           allserved replay FILE [--json] [--svg OUT] [--itf OUT]
           allserved shrink FILE [-o OUTPUT]
           allserved mutants [--seed S] [--traces N] [--length L] [--shard K/N] [--junit FILE]
           allserved bugs [--seed S] [--seeds N] [--shard K/N] [--junit FILE]
           allserved explore [--servers N] [--maxconn A..B] [--sessions N] [--depth D] …
           allserved conformance [FILE…] [--traces N] [--seed S] [--haproxy PATH] [--shard K/N]
           allserved pictures [--check]

    COMMANDS:
      check     Run seeded random traces on the reference model and the implementation
                in lockstep; on a failure, shrink it and report (the default command).
      replay    Replay a trace file step by step on both systems.
      shrink    Shrink a failing trace file to a 1-minimal one that fails the same check.
      mutants   Plant each fault of the mutation catalogue alone and check that the
                harness kills it (debug builds).
      bugs      Hunt each historical HAProxy bug of Specs/Bugs from fresh seeds.
      explore   Explore every behaviour of a small scope, breadth first.
      conformance
                Check the model's predictions against a real HAProxy 2.6 on loopback.
      pictures  Redraw the SVG timeline beside every trace of Specs/Bugs and Specs/Traces.
      help      Show this text, or `allserved help COMMAND`.

    Run `allserved COMMAND --help` for the options of a command.

    FOR CI: --junit FILE (check, bugs, mutants, explore, conformance) writes a JUnit XML
    report, one test case per trace, bug, mutant or configuration; a failure holds the
    shrunk trace and the replay command. --shard K/N (check, bugs, mutants, conformance)
    runs share K of N: item i when i mod N = K-1, with the seed it has in the whole run,
    so N machines together run exactly the unsharded set.
    """

  static let check = """
    allserved check: seeded random traces, model and implementation in lockstep.

    USAGE: allserved check [--seed S] [--traces N] [--length L] [--fault NAME]
                           [--save FILE [--title T] [--bug B]] [--certify-budget N]
                           [--shard K/N] [--junit FILE]

    OPTIONS:
      --seed S      The seed of the first trace (default 2026). Trace i uses seed S+i,
                    so `--seed S+i --traces 1` replays trace i alone.
      --traces N    How many traces to run (default 300).
      --length L    How many events per trace (default 200).
      --fault NAME  Plant a fault in the implementation (debug builds), to watch the
                    harness find and shrink it; the 33 faults are in Specs/Mutants.md.
      --save FILE   Save the shrunk trace of a failure, e.g. under Specs/Traces/, where
                    `swift test` replays it, and its SVG timeline as FILE.svg; --title
                    and --bug describe it in the file.
      --certify-budget N
                    After shrinking a failure, search its scope and every simpler
                    configuration exhaustively for a shorter one, within N distinct
                    states (default 500000; 0: no search). The result says "certified
                    minimal in its scope", or "1-minimal, not certified".
      --shard K/N   Run share K of N: trace i when i mod N = K-1, still seed S+i.
      --junit FILE  Write a JUnit XML report: a test case per trace ("seed S+i"); a
                    failure holds the shrunk trace and the replay command.
      -h, --help    Show this text.

    After every event the outcomes and the complete snapshots of both systems must be
    equal and the invariants I1–I12 must hold; about 5% of the events are impossible
    and must be rejected unchanged. The run prints the event kinds and the named
    situations reached, and fails when a situation stays below its minimum share.
    Exit status: 0 when every check held, 1 after reporting a failure, 2 on bad usage.
    """

  static let replay = """
    allserved replay: replay a trace file on the model and the implementation.

    USAGE: allserved replay FILE [--json] [--svg OUT] [--itf OUT] [--fault NAME | --variant V]

    OPTIONS:
      --json        One JSON object per step (event, both outcomes, every snapshot field).
      --svg OUT     Write the trace's SVG timeline: servers as bands, sessions as
                    lifelines, the failing step outlined with both systems' values.
      --itf OUT     Write the trace in the Informal Trace Format (JSON) of Apalache and
                    Quint: #meta, vars, and one state per step.
      --fault NAME  Plant a fault in the implementation (debug builds).
      --variant V   Replay a historical variant instead (pre-patch or as-patched-2008),
                    judged by the invariants alone.
      -h, --help    Show this text.

    Prints each event, its outcome and the snapshot after it. Expected outcomes
    (`EVENT => OUTCOME`) and `expect` lines in the file are checked too.
    Exit status: 0 when everything held, 1 at the first failure, 2 for a bad file.
    """

  static let shrink = """
    allserved shrink: shrink a failing trace file.

    USAGE: allserved shrink FILE [-o OUTPUT] [--certify-budget N | --certify] [--fault NAME]

    OPTIONS:
      -o, --output OUTPUT  Write the shrunk trace there, and its SVG timeline as OUTPUT.svg.
      --certify-budget N   Then search the shrunk trace's own scope (its configuration and
                           the values its events use, cookies too) and the same scope under
                           each simpler configuration (fewer servers, lower maxconn, running
                           servers, fewer retries), breadth first, within N distinct states
                           (default 500000; 0: no search): the shortest failing trace found
                           is the result, "certified minimal in its scope" when the search
                           fits the budget, else "1-minimal, not certified".
      --certify            The same search with no budget.
      --fault NAME         Plant a fault in the implementation (debug builds).
      -h, --help           Show this text.

    Deletes events, servers and options and simplifies fields while the trace fails
    the same check, then renumbers sessions: the result is 1-minimal. Prints the
    shrunk trace, a per-step table of both systems and a Swift Testing test.
    Exit status: 0 when the trace failed and was shrunk, 1 when it passes, 2 for a bad file.
    """

  static let mutants = """
    allserved mutants: the mutation catalogue against the harness.

    USAGE: allserved mutants [--seed S] [--traces N] [--length L] [--shard K/N] [--junit FILE]

    OPTIONS:
      --seed S      The seed of the first trace (default 2026).
      --traces N    Traces per mutant at most (default 300).
      --length L    Events per trace (default 200).
      --shard K/N   Run share K of N of the catalogue: mutant i when i mod N = K-1.
      --junit FILE  Write a JUnit XML report, a test case per mutant; a survivor fails.
      -h, --help    Show this text.

    Plants each fault of Specs/Mutants.md alone in the implementation, runs the
    lockstep check until the first failure, and shrinks it. Prints, per mutant,
    killed or survived, the events to failure, the shrunk length and the check.
    Exit status: 0 when every mutant was killed, 1 otherwise, 2 in a release build.
    """

  static let bugs = """
    allserved bugs: the harness rediscovers historical HAProxy bugs on its own.

    USAGE: allserved bugs [--seed S] [--seeds N] [--certify-budget N] [--shard K/N] [--junit FILE]

    OPTIONS:
      --seed S      The first seed (default 2026).
      --seeds N     Fresh seeds per bug (default 20).
      --certify-budget N
                    Distinct states the search after each shrink may explore
                    (default 500000; 0: the shrinker alone).
      --shard K/N   Run share K of N of the seeds: seed index i when i mod N = K-1.
      --junit FILE  Write a JUnit XML report, a test case per bug (with the shortest
                    find); a bug some seed missed fails.
      -h, --help    Show this text.

    For each bug of Specs/Bugs, runs the historical variant that has it under the
    invariants I1–I11 from N seeds until the bug shows, shrinks each find, then
    searches the find's scope and its simpler configurations for a shorter one
    (as `shrink` does). Prints, per bug, the seeds that found it, the events and
    time to the first failure, the shrinker's length and time, the result's
    length, the finds certified minimal, the search's time and the total, as
    median/maximum.
    Exit status: 0 when every bug was found from every seed, 1 otherwise.
    """

  static let conformance = """
    allserved conformance: the model's predictions against a real HAProxy 2.6 on 127.0.0.1.

    USAGE: allserved conformance [FILE…] [--traces N] [--seed S] [--length L] [--haproxy PATH]
                                 [--shard K/N] [--junit FILE]

    ARGUMENTS:
      FILE…            Trace files to run instead of the scripted scenarios of
                       Specs/Conformance (and its known differences).

    OPTIONS:
      --traces N       Random traces to draw (default 100; 0 for none).
      --seed S         The seed of the first random trace (default 2026); trace i uses S+i.
      --length L       External events per random trace (default 16).
      --haproxy PATH   The haproxy executable (default: PATH, then /usr/sbin).
      --shard K/N      Run share K of N of the traces (scenarios, known differences, then
                       random traces, in that order): trace i when i mod N = K-1.
      --junit FILE     Write a JUnit XML report, a test case per trace.
      -h, --help       Show this text.

    Each trace runs on a fresh `haproxy -db` (nbthread 1, no health checks, httpclose,
    abortonclose) whose servers are held in this process until the trace closes them.
    After every step the runner polls `show stat`, the held requests and the clients
    until they show the model's prediction (at most 500 ms, and never past the next
    queue timer). A difference is run twice, then shrunk and printed as a trace.
    Every haproxy is stopped by its pid; all traffic stays on 127.0.0.1.
    Exit status: 0 when everything agrees and each known difference still shows,
    1 otherwise, 2 when haproxy is missing or a file cannot be used.
    """

  static let explore = """
    allserved explore: bounded exhaustive exploration, model and implementation in lockstep.

    USAGE: allserved explore [--servers N] [--maxconn A..B] [--maxqueue Q] [--sessions N]
                             [--depth D] [--algorithm A] [--semantics S] [--retries R]
                             [--timeout MS] [--redispatch] [--persist] [--admin]
                             [--no-state-changes] [--fault NAME | --variant V] [--jobs N]
                             [--junit FILE] [--itf OUT]

    OPTIONS:
      --servers N          Servers (default 2, at most 4).
      --maxconn A..B       Every combination of these maxconn values (default 1..2).
      --maxqueue Q         maxqueue of every server (default 0).
      --sessions N         Arrivals at most (default 4).
      --depth D            Events at most (default 12).
      --algorithm A        roundrobin, leastconn or hash (default roundrobin).
      --semantics S        The rules: 2008 (default) or haproxy-2.6.
      --retries R          retries (default 1).
      --timeout MS         timeout queue (default 0, none).
      --redispatch, --persist   The options.
      --admin              Also explore set weight (0, 1) and set maxconn (0, 1, 2).
      --no-state-changes   Leave out server state changes and shutdown sessions.
      --fault NAME         Plant a fault in the implementation (debug builds).
      --variant V          Explore a historical variant instead, pre-patch or
                           as-patched-2008, judged by I1–I11 alone and its states
                           kept whole (the model's canonical form is not its own).
      --jobs N             Threads sharing each level (default: one per processor).
      --junit FILE         Write a JUnit XML report, a test case per maxconn combination.
      --itf OUT            Write the shortest counterexample in the Informal Trace Format.
      -h, --help           Show this text.

    Explores every event sequence breadth first, deduplicating states by a canonical
    form (sessions as a multiset, and under leastconn servers with equal settings
    too; fields no rule reads again forgotten, time shifted to now, queue keys as
    ranks, counters dropped). Every transition checks I1–I12 and the
    implementation's agreement. Shows depth, states and states/s on a terminal;
    ends with distinct states, transitions, maximum depth and bytes per stored
    state. Only the tree of first visits is stored; each level is rebuilt by
    replaying it from the root. Each maxconn combination is explored in turn, its levels shared by --jobs threads; the report is the same for any N but
    for the time and the events replayed. Exit status: 0 when nothing failed, 1 with
    the shortest counterexample (in the trace format), 2 on bad usage.
    """

  static let pictures = """
    allserved pictures: the SVG timeline beside every trace of the specification.

    USAGE: allserved pictures [--check]

    OPTIONS:
      --check       Only report the pictures that are out of date (exit status 1).
      -h, --help    Show this text.

    Replays each trace of Specs/Bugs on the historical variant that has the bug, and
    each trace of Specs/Traces on the model and the implementation in lockstep, and
    writes FILE.trace.svg beside it where the picture changed. The bug pages and
    Specs/Traces/README.md embed them; `swift test` fails when one is out of date.
    Run it from the package root. Scripts/screenshot FILE.svg shows one in headless
    Chromium. Exit status: 0 when every picture is current, 1 (--check) when one is
    not, 2 when a file cannot be read or written.
    """

  /// The help for `topic`, or the overview for `nil`; `nil` for an unknown topic.
  public static func text(for topic: String?) -> String? {
    switch topic {
    case nil: overview
    case "check": check
    case "replay": replay
    case "shrink": shrink
    case "mutants": mutants
    case "bugs": bugs
    case "explore": explore
    case "conformance": conformance
    case "pictures": pictures
    default: nil
    }
  }
}
