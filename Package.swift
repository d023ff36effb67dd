// swift-tools-version: 6.2
import PackageDescription

// One settings array for every target, tests included (swift-nio / swift-collections style).
// Warnings become errors in CI (`.ci/run`), not here, so local edit-and-build is never blocked.
// `-D ALLSERVED_INTERNAL_CHECKS` (one CI pass) compiles in the `_checkInvariants()` hooks.
let settings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "AllServed",
  products: [
    .library(name: "AllServedCore", targets: ["AllServedCore"]),
    .library(name: "AllServedModel", targets: ["AllServedModel"]),
    .library(name: "AllServedEngine", targets: ["AllServedEngine"]),
    .library(name: "AllServedHarness", targets: ["AllServedHarness"]),
    .library(name: "AllServedHistory", targets: ["AllServedHistory"]),
    .executable(name: "allserved", targets: ["allserved"]),
  ],
  targets: [
    // The shared vocabulary: configuration, events, outcomes, snapshots and the
    // invariants I1–I11 over snapshots. No transition code lives here.
    .target(name: "AllServedCore", path: "Sources/Core", swiftSettings: settings),
    // The reference model of Specs/Reservation.md: small, pure, value-typed.
    .target(
      name: "AllServedModel", dependencies: ["AllServedCore"], path: "Sources/Model",
      swiftSettings: settings),
    // The shipping implementation of the same semantics, HAProxy-grade
    // structures. It shares AllServedCore with the model and nothing else.
    // Debug builds carry the fault sites of mutation testing (Fault.swift);
    // release builds compile them away.
    .target(
      name: "AllServedEngine", dependencies: ["AllServedCore"], path: "Sources/Impl",
      swiftSettings: settings + [.define("ALLSERVED_MUTANTS", .when(configuration: .debug))]),
    // HAProxy as it was: the historical variants the harness must catch.
    .target(
      name: "AllServedHistory", dependencies: ["AllServedCore"], path: "Sources/History",
      swiftSettings: settings),
    // Seeded PRNG and the valid-by-construction event generator.
    .target(
      name: "AllServedHarness", dependencies: ["AllServedCore"], path: "Sources/Harness",
      swiftSettings: settings),
    // Pictures of traces: an SVG timeline built as text, no graphics library.
    .target(
      name: "AllServedPictures", dependencies: ["AllServedCore", "AllServedHarness"], path: "Sources/Pictures",
      swiftSettings: settings),
    // The conformance runner: the model's predictions against a real HAProxy 2.6
    // on loopback (Specs/Conformance.md). Foundation's Process, Glibc sockets.
    .target(
      name: "AllServedConformance",
      dependencies: ["AllServedCore", "AllServedModel", "AllServedHarness"],
      path: "Sources/Conformance", swiftSettings: settings),
    // The commands of `allserved`, a library so that tests can drive them.
    .target(
      name: "AllServedCommandLine",
      dependencies: [
        "AllServedCore", "AllServedModel", "AllServedEngine", "AllServedHarness", "AllServedHistory",
        "AllServedConformance", "AllServedPictures",
      ],
      path: "Sources/CommandLine", swiftSettings: settings),
    .executableTarget(
      name: "allserved", dependencies: ["AllServedCommandLine"], path: "Sources/allserved",
      swiftSettings: settings),
    // The release benchmark of Benchmarks/README.md: model against implementation.
    // The linker exports its counting allocator as glibc's (AllocationCounter.swift).
    .executableTarget(
      name: "allserved-benchmark",
      dependencies: ["AllServedCore", "AllServedModel", "AllServedEngine", "AllServedHarness"],
      path: "Benchmarks/AllServedBenchmark", swiftSettings: settings,
      linkerSettings: [
        .unsafeFlags(
          ["-Xlinker", "--export-dynamic"]
            + ["malloc", "calloc", "realloc", "free", "memalign", "posix_memalign"].flatMap {
              ["-Xlinker", "--defsym=\($0)=allserved_\($0)"]
            } + ["-Xlinker", "--defsym=aligned_alloc=allserved_memalign"],
          .when(platforms: [.linux]))
      ]),
    .testTarget(
      name: "AllServedTests",
      dependencies: [
        "AllServedCore", "AllServedModel", "AllServedEngine", "AllServedHarness", "AllServedHistory",
        "AllServedCommandLine", "AllServedConformance", "AllServedPictures",
      ],
      path: "Tests/AllServedTests", swiftSettings: settings),
  ],
  swiftLanguageModes: [.v6]
)
