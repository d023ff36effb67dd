import AllServedCommandLine

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

let command: Command
do {
  command = try Command.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
  Terminal.error("allserved: \(error.message)\nRun 'allserved --help' for usage.")
  exit(2)
}

switch command {
case .help(let topic):
  guard let text = Help.text(for: topic) else {
    Terminal.error("allserved: no help for '\(topic ?? "")'\nRun 'allserved --help' for usage.")
    exit(2)
  }
  print(text)
case .check(let options):
  let result = CheckCommand.run(options)
  print(result.summary)
  exit(result.status)
case .replay(let options):
  let result = ReplayCommand.run(options)
  if result.status == 2 { Terminal.error("allserved replay: \(result.output)") } else { print(result.output) }
  exit(result.status)
case .explore(let options):
  let result = ExploreCommand.run(options)
  print(result.output)
  exit(result.status)
case .conformance(let options):
  let result = ConformanceCommand.run(options)
  if result.status == 2 { Terminal.error("allserved conformance: \(result.output)") } else { print(result.output) }
  exit(result.status)
case .bugs(let options):
  let result = BugsCommand.run(options)
  print(result.output)
  exit(result.status)
case .mutants(let options):
  let result = MutantsCommand.run(options)
  if result.status == 2 { Terminal.error(result.output) } else { print(result.output) }
  exit(result.status)
case .shrink(let options):
  let result = ShrinkCommand.run(options)
  if result.status == 2 { Terminal.error("allserved shrink: \(result.output)") } else { print(result.output) }
  exit(result.status)
case .pictures(let check):
  let result = PicturesCommand.run(check: check)
  if result.status == 2 { Terminal.error("allserved pictures: \(result.output)") } else { print(result.output) }
  exit(result.status)
}
