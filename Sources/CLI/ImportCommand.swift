import ArgumentParser
import ConfigImport
import Storage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `trainplan import FILE`: merges another trainplan history into this database.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract:
      "Merge another trainplan history (an `export --format sqlite` or `--format json` file, or a database).",
    discussion: """
      Everything is added in one transaction: an error or Ctrl-C leaves this database as it \
      was. Rows are matched by UUID: records and plans already here are skipped, so importing \
      the same file twice changes nothing. Creation times, UUIDs and origins are kept; local \
      ids are given anew (imported sweeps get new sweep ids, and their plans follow). A model, \
      GPU or cluster whose name is here with other figures is reported and ours is kept, \
      unless --prefer theirs; the same name with the same figures is the same record. A \
      database of an older trainplan is read as it is (upgraded in memory, never changed).

      A JSON export (`export --format json`) holds plans only, each with the model, GPU, \
      cluster and setup it was made with: its plans are added (by UUID, as above) and no \
      records; the plans of each sweep it names are gathered into a new sweep here.
      """)

  enum Side: String, EnumArgument { case ours, theirs }

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  @Argument(help: ArgumentHelp("The database or export to import.", valueName: "file"))
  var file: String

  @Option(
    name: .customLong("prefer"),
    help: "Which record wins when a name has other figures: ours or theirs.")
  var prefer: Side = .ours

  func run() throws {
    let local = try store.open()
    let result: HistoryImport
    switch try Self.openSource(file, into: local) {
    case .database(let source):
      Interrupt.install()
      result = try local.importHistory(
        from: source, preferTheirs: prefer == .theirs, each: { try stopIfInterrupted(local) })
    case .json(let fd):
      defer { close(fd) }
      result = try importJSON(fd, into: local)
    }
    if output.json {
      print(Self.json(result, file: file).text(pretty: true))
    } else {
      print("imported \(file) into \(local.path):")
      for (kind, tally) in Self.tallies(result) {
        print("  " + kind + ":" + String(repeating: " ", count: 10 - kind.count) + Self.line(tally))
      }
    }
    try flushSaying(into: local.path)
  }

  /// Thrown inside the import's transaction when a signal asked: it rolls back, and the
  /// database is as it was.
  func stopIfInterrupted(_ local: Store) throws {
    guard Interrupt.requested else { return }
    StandardStreams.writeError(
      "Error: import stopped by \(Interrupt.signalName); \(local.path) was left as it was\n")
    throw ExitCode(Interrupt.exitCode)
  }

  /// Adds the plans of a JSON export, oldest first (an export lists them newest first), so
  /// their ids here keep their order of creation. A JSON export holds plans only: no models,
  /// GPUs or clusters (each plan carries the figures it was made with), and no sweep records.
  func importJSON(_ fd: Int32, into local: Store) throws -> HistoryImport {
    let elements: JSONArrayElements
    do {
      elements = try JSONArrayElements(fd)
    } catch let problem as JSONArrayElements.Problem {
      throw CLIError("import \(file): \(problem.message)")
    }
    Interrupt.install()
    let arguments = { (sweep: Int) in
      JSONValue.object([("imported_from", .string(file)), ("sweep_id", .int(sweep))]).text()
    }
    return try local.importPlans(sweepArguments: arguments) { body in
      for index in elements.ranges.indices.reversed() {
        try stopIfInterrupted(local)
        try body(try plan(index, of: elements))
      }
    }
  }

  /// Element `index` of the export, read back into a stored plan; any fault is one line
  /// naming the plan (1 for the file's first) and the key.
  func plan(_ index: Int, of elements: JSONArrayElements) throws -> StoredPlan {
    let place = "import \(file): plan \(index + 1)"
    do {
      let value: ConfigValue
      do {
        value = try ConfigValueParser.parse(try elements.read(index))
      } catch let problem as ConfigValueParser.Problem {
        throw CLIError("\(place) is not valid JSON: \(problem.message)")
      }
      return try ExportedPlan.stored(value)
    } catch let problem as JSONFields.Problem {
      // Keys this version added to the export, so that it reads back exactly (issue 18).
      let older = problem.message.hasSuffix("is missing: it must be present")
      throw CLIError(
        "\(place): \(problem.message)"
          + (older ? " (an export from an older trainplan? export it again with this one)" : ""))
    } catch let problem as JSONArrayElements.Problem {
      throw CLIError("\(place): \(problem.message)")
    }
  }

  /// The import is committed before its summary is printed: when printing fails, stderr still
  /// says the history was merged.
  func flushSaying(into path: String) throws {
    do {
      try StandardStreams.flushOutput()
    } catch let error as StandardStreams.BrokenPipe {
      StandardStreams.writeError(
        "trainplan: standard output is a broken pipe; \(file) was imported into \(path)\n")
      throw error
    } catch {
      throw CLIError("\(CLIError(error).description); \(file) was imported into \(path)")
    }
  }

  /// What a file to import holds: another history, or the plans of a JSON export (its open
  /// descriptor).
  enum Source {
    case database(Store)
    case json(Int32)
  }

  /// The file to import, opened for reading only; refused in one line when it is this
  /// database, is missing, or is neither a trainplan database nor a JSON export.
  static func openSource(_ file: String, into local: Store) throws -> Source {
    var info = stat()
    guard stat(file, &info) == 0 else {
      throw CLIError("import \(file): \(PathText.reason(errno))")
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      throw CLIError("import \(file): not a regular file; name a trainplan database or JSON export")
    }
    for companion in local.databaseFiles {
      var other = stat()
      if stat(companion, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino
      {
        throw CLIError("import \(file): this is the database in use; nothing to import")
      }
    }
    let head = Self.firstBytes(of: file, count: 16)
    guard head == Array("SQLite format 3\0".utf8) else {
      let first = head.first { !" \t\r\n".utf8.contains($0) }
      if first == UInt8(ascii: "[") {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("import \(file): \(PathText.reason(errno))") }
        return .json(fd)
      }
      throw CLIError(
        "import \(file): neither a trainplan database nor a JSON export (export one with --format sqlite or json)"
      )
    }
    // A file this user cannot write (a snapshot on a share) is opened immutable, as `--db`
    // opens one; any other is read beside its writers.
    let reason: Store.ReadOnlyReason = access(file, W_OK) == 0 ? .requested : .permissions
    return .database(try Store(readingOnly: file, reason: reason))
  }

  /// Up to `count` bytes from the start of `file` (fewer when it is shorter or unreadable).
  static func firstBytes(of file: String, count: Int) -> [UInt8] {
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
      if n > 0 {
        filled += n
      } else if n < 0 && errno == EINTR {
        continue
      } else {
        break
      }
    }
    return Array(bytes.prefix(filled))
  }

  static func tallies(_ r: HistoryImport) -> [(String, HistoryImport.Tally)] {
    [
      ("models", r.models), ("gpus", r.gpus), ("clusters", r.clusters), ("sweeps", r.sweeps),
      ("plans", r.plans),
    ]
  }

  static func line(_ t: HistoryImport.Tally) -> String {
    var parts = ["\(Units.grouped(t.added)) added", "\(Units.grouped(t.skipped)) already here"]
    if !t.kept.isEmpty {
      parts.append("\(t.kept.count) kept ours (other figures): " + t.kept.joined(separator: ", "))
    }
    if !t.replaced.isEmpty {
      parts.append(
        "\(t.replaced.count) replaced by theirs: " + t.replaced.joined(separator: ", "))
    }
    return parts.joined(separator: "; ")
  }

  static func json(_ r: HistoryImport, file: String) -> JSONValue {
    .object(
      [("file", .string(file))]
        + tallies(r).map { kind, t in
          (
            kind,
            .object([
              ("added", .int(t.added)), ("skipped", .int(t.skipped)),
              ("kept", .array(t.kept.map { .string($0) })),
              ("replaced", .array(t.replaced.map { .string($0) })),
            ])
          )
        })
  }
}
