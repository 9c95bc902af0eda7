// swift-tools-version:6.1
import PackageDescription

// The project's own targets build without warnings: a new one fails the build (and CI).
// Concrete generic types (`KeyedDecodingContainer<CodingKeys>`, `[Key: Int]`) are made by
// calling their metadata accessors rather than by demangling their names at run time, which
// checked each one's generic requirements through a scan of every protocol conformance in
// the binary: 3 M of the ~40 M instructions of a `plan` or `fit` start (issue 17).
let strict: [SwiftSetting] = [
  .unsafeFlags([
    "-warnings-as-errors",
    "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors",
  ])
]

let package = Package(
  name: "trainplan",
  products: [
    .executable(name: "trainplan", targets: ["trainplan"]),
    .library(name: "Planner", targets: ["Planner"]),
    .library(name: "Storage", targets: ["Storage"]),
  ],
  // `--traits Postgres` builds a trainplan that also opens a PostgreSQL server's database
  // (issue 18). Off by default: postgres-nio brings NIO and BoringSSL, minutes of build and
  // megabytes of binary, which a default build must not pay for.
  traits: [
    .trait(
      name: "Postgres",
      description:
        "Open a PostgreSQL server's database (--db postgresql://...) through postgres-nio.")
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
  ],
  targets: [
    // 1. The planner: pure value types and the accounting of SPEC.md. No I/O.
    .target(name: "Planner", swiftSettings: strict),

    // 2. Storage: SQLite through the system library, migrations, presets, records.
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    // The trait is on the product itself: a condition only on an edge to a target of ours
    // would still build all of NIO in every default build (458 s instead of 37 s, issue 18).
    .target(
      name: "Storage",
      dependencies: [
        "CSQLite", "Planner", "Migrations", "Fixtures", "Checksum",
        .product(
          name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
      ],
      swiftSettings: strict),

    // The top-level migrations/ and fixtures/ folders, embedded as Swift string constants at
    // build time so the binary runs from any folder (Bundle.module is not found on Linux once
    // the binary is copied away from .build).
    .target(name: "Migrations", path: "migrations", plugins: ["EmbedFiles"]),
    .target(name: "Fixtures", path: "fixtures", plugins: ["EmbedFiles"]),
    // SHA-256 of the embedded migrations, computed by EmbedFilesTool at build time.
    .target(name: "Checksum", swiftSettings: strict),
    .executableTarget(name: "EmbedFilesTool", dependencies: ["Checksum"]),
    .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["EmbedFilesTool"]),

    // How figures are written for a person, shared by the CLI and the report.
    .target(name: "Formatting", swiftSettings: strict),

    // The report: charts as hand-written SVG in one self-contained HTML page. Pure rendering
    // of what the caller gathered; no I/O.
    .target(
      name: "Report", dependencies: ["Planner", "Storage", "Formatting"], swiftSettings: strict),

    // Importing model configs (Hugging Face config.json) into the planner's ModelConfig: file
    // parsing with its own errors naming the JSON keys, no database, no command line.
    .target(name: "ConfigImport", dependencies: ["Planner"], swiftSettings: strict),

    // 3. The CLI: commands on swift-argument-parser, and a one-file executable that runs them.
    .target(
      name: "CLI",
      dependencies: [
        "Planner", "Storage", "Report", "Formatting", "ConfigImport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    // Release builds (issue 17's size and start-up targets; figures in BENCHMARKS.md): no
    // DWARF (7 of 33 MB), though symbol names stay so a crash backtrace still names its
    // functions; identical functions folded into one (0.25 MB); and a position-dependent
    // executable, whose ~43,000 relative relocations the loader no longer applies at each
    // start (1 MB, ~0.6 ms of every call; the executable's own image is then not randomised).
    .executableTarget(
      name: "trainplan", dependencies: ["CLI"], swiftSettings: strict,
      linkerSettings: [
        .unsafeFlags(
          ["-Xlinker", "--strip-debug", "-Xlinker", "--icf=all", "-Xclang-linker", "-no-pie"],
          .when(platforms: [.linux], configuration: .release))
      ]),

    .target(
      name: "TestSupport", dependencies: ["Storage"], path: "Tests/TestSupport",
      swiftSettings: strict),
    .testTarget(name: "PlannerTests", dependencies: ["Planner"], swiftSettings: strict),
    .testTarget(
      name: "ConfigImportTests", dependencies: ["ConfigImport", "Planner"], swiftSettings: strict),
    // A helper the storage tests run as separate processes (concurrent writers, SIGKILL).
    .executableTarget(name: "StorageLoadTool", dependencies: ["Storage", "Planner"]),
    .testTarget(
      name: "StorageTests",
      dependencies: [
        "Storage", "Planner", "Migrations", "Fixtures", "Checksum", "TestSupport",
        "StorageLoadTool",
      ], swiftSettings: strict),
    .testTarget(
      name: "CLITests",
      dependencies: ["CLI", "Planner", "Storage", "Report", "TestSupport", "trainplan"],
      swiftSettings: strict),
    .testTarget(
      name: "ReliabilityTests", dependencies: ["TestSupport", "trainplan", "StorageLoadTool"],
      swiftSettings: strict),
  ]
)
