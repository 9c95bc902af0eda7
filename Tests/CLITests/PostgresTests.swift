import Foundation
import TestSupport
import Testing

/// A PostgreSQL server for the tests, when the run names one: `TRAINPLAN_TEST_POSTGRES_URL`
/// (a database the user may create databases from; the password in `PGPASSWORD`), and a
/// `trainplan` built with the Postgres trait. Without either the suite is reported skipped.
enum PostgresServer {
  static let environment = ProcessInfo.processInfo.environment
  static let url = environment["TRAINPLAN_TEST_POSTGRES_URL"]

  /// Whether the server and the trait are both there: a binary without the trait answers a
  /// URL with "built without PostgreSQL".
  static let available: Bool = {
    guard url != nil else { return false }
    let folder = TemporaryFolder()
    // A port nothing listens on: the probe touches no database.
    let probe = "postgresql://probe@127.0.0.1:9/probe?sslmode=disable"
    let r = try? run(
      builtProduct("trainplan"), ["--db", probe, "plans"], environment: clientEnvironment(folder),
      in: folder)
    return r.map { !$0.stderr.contains("built without PostgreSQL") } ?? false
  }()

  /// HOME in a temporary folder, and the server's password.
  static func clientEnvironment(_ folder: TemporaryFolder) -> [String: String] {
    var env = ["HOME": folder.path, "PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"]
    env["PGPASSWORD"] = environment["PGPASSWORD"]
    return env
  }

  /// `url` with its database replaced by `name`, and its user by `user` when one is given.
  static func url(database name: String, user: String? = nil) -> String {
    postgresURL(url ?? "", database: name, user: user)
  }

  /// Runs SQL with `psql` on the database at `target` (the administrative one by default);
  /// its rows as unaligned text.
  @discardableResult
  static func admin(_ sql: String, at target: String? = nil, in folder: TemporaryFolder) throws
    -> String
  {
    let r = try run(
      "/usr/bin/psql", [target ?? url ?? "", "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql],
      environment: clientEnvironment(folder), in: folder)
    guard r.status == 0 else { throw Failure("psql \(sql): \(r.stderr)") }
    return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// A new, empty database (the caller drops it with `drop`).
  static func newDatabase(in folder: TemporaryFolder) throws -> (name: String, url: String) {
    let name = "trainplan_test_\(UInt32.random(in: 0...UInt32.max))"
    try admin("CREATE DATABASE \(name)", in: folder)
    return (name, url(database: name))
  }

  static func drop(_ name: String, in folder: TemporaryFolder) {
    _ = try? admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", in: folder)
  }
}

/// Everything that works on a file works on a server (issue 18): the same commands, run on a
/// new SQLite file and on a new PostgreSQL database, print the same (times, UUIDs and the
/// database's name aside); many processes at once each succeed; a server that cannot be
/// reached or used is one line.
@Suite(
  .enabled(
    if: PostgresServer.available,
    "needs TRAINPLAN_TEST_POSTGRES_URL and a trainplan built with --traits Postgres"),
  .serialized)
final class PostgresTests {
  let folder = TemporaryFolder()
  let database: (name: String, url: String)
  let binary = builtProduct("trainplan")

  init() throws {
    database = try PostgresServer.newDatabase(in: folder)
  }

  deinit { PostgresServer.drop(database.name, in: folder) }

  func run(_ args: [String], db: String) throws -> ProcessResult {
    try TestSupport.run(
      binary, ["--db", db] + args, environment: PostgresServer.clientEnvironment(folder),
      in: folder)
  }

  /// Output with what differs between any two runs made alike: times, UUIDs, rates, the
  /// database's own name.
  static func normalised(_ text: String, db: String) -> String {
    var out = text.replacingOccurrences(of: db, with: "DB")
    for (pattern, token) in [
      (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"#, "TIME"),
      (#"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#, "UUID"),
      (#"[\d,]+ plans/s"#, "RATE"), (#"in \d+\.\d s"#, "in S"), (#"ETA \d+ s"#, "ETA"),
    ] {
      out = out.replacingOccurrences(of: pattern, with: token, options: .regularExpression)
    }
    return out
  }

  static let commands = [
    "gpu add lab --memory 24GiB --fp32-tflops 35 --bf16-tflops 141.5 --price-per-hour 1.5",
    "gpu add lab --memory 24GiB --fp32-tflops 35",
    "model add tiny --vocab-size 1000 --context-length 128 --layers 2 --d-model 64 --heads 4",
    "cluster add lab-pod --gpu lab --gpus-per-node 4 --intra-node-bandwidth 100GB/s --inter-node-bandwidth 10GB/s",
    "plan gpt2-small lab --precision bf16",
    "plan tiny lab --cluster lab-pod --num-gpus 8 --global-batch-size 64",
    "plan llama-2-7b --cluster dgx-h100 --precision bf16 --num-gpus 16 --tp 2 --pp 2 --virtual-stages 2 --sequence-parallel --global-batch-size 64 --method megatron",
    "plan llama-3-8b a100-80gb --finetune qlora --precision bf16 --steps 100",
    "plan llama-3-70b h100-sxm --cluster dgx-h100 --num-gpus 64 --tp 8 --pp 8 --pipeline-layers 9,10,10,10,10,10,10,11 --precision bf16 --global-batch-size 512 --tokens 1e9",
    "sweep --models gpt2-small,tiny --gpus a100-80gb,lab --precisions fp32,bf16",
    "plans", "plans --json --limit 0", "plans --model tiny --gpu lab", "plans --sweep 1",
    "sweeps --json", "fit", "fit --json", "fit --sweep 1", "export --format csv",
    "export --format json", "model list --json", "gpu list --json", "cluster list --json",
    "model show tiny --json", "gpu set lab --price-per-hour 2", "gpu show lab",
    "search llama-2-7b --cluster dgx-h100 --num-gpus 16 --global-batch-size 64",
    "model remove tiny", "model list", "model restore gpt2-small",
    "plans --since 2020-01-01 --limit 3",
    "plans --origin nobody@nowhere",
  ]

  @Test func theSameCommandsPrintTheSameOnAFileAndOnAServer() throws {
    let file = folder.file("same.sqlite")
    for line in Self.commands {
      let args = line.split(separator: " ").map(String.init)
      let local = try run(args, db: file)
      let server = try run(args, db: database.url)
      #expect(server.status == local.status, "\(line): \(server.stderr)")
      #expect(
        Self.normalised(server.stdout, db: database.url)
          == Self.normalised(local.stdout, db: file), "\(line)")
      #expect(
        Self.normalised(server.stderr, db: database.url)
          == Self.normalised(local.stderr, db: file), "\(line)")
    }
  }

  @Test func aHistoryMovesBetweenAFileAndAServer() throws {
    let file = folder.file("theirs.sqlite")
    for line in Self.commands.prefix(10) {
      _ = try run(line.split(separator: " ").map(String.init), db: file)
    }
    let exported = folder.file("theirs.json")
    #expect(try run(["export", "--format", "json", "--output", exported], db: file).status == 0)
    let first = try run(["import", exported], db: database.url)
    #expect(first.status == 0, "\(first.stderr)")
    let again = try run(["import", exported], db: database.url)
    #expect(again.stdout.contains("0 added"), "\(again.stdout)")
    let back = folder.file("back.sqlite")
    #expect(
      try run(["export", "--format", "sqlite", "--output", back], db: database.url).status == 0)
    let csv = { (db: String) in try self.run(["export", "--format", "csv"], db: db).stdout }
    #expect(try csv(back) == csv(database.url))
  }

  /// 16 processes saving 100 plans each, on a new database they all open at once: the schema
  /// is made once and every plan is kept.
  @Test func manyProcessesAtOnceAllSucceed() throws {
    let processes = try (0..<16).map { _ in
      try Subprocess(
        "/bin/sh",
        [
          "-c",
          "for i in $(seq 100); do \"$0\" --db \"$1\" plan gpt2-small a100-80gb --json > /dev/null || exit 1; done",
          binary, database.url,
        ], environment: PostgresServer.clientEnvironment(folder), in: folder)
    }
    let results = processes.map { $0.wait() }
    #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
    let count = try run(["plans", "--json", "--limit", "0"], db: database.url)
    let plans = try JSONSerialization.jsonObject(with: Data(count.stdout.utf8)) as? [Any]
    #expect(plans?.count == 1_600)
    // Each migration applied once: the baseline and those after it, no version twice.
    let applied = try PostgresServer.admin(
      "SELECT count(*), count(DISTINCT version), min(version) FROM schema_migrations",
      at: database.url, in: folder)
    let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../migrations/postgres").standardized.path
    let postgresMigrations = try FileManager.default.contentsOfDirectory(atPath: migrations)
      .filter { $0.hasSuffix(".sql") }.count
    #expect(applied == "\(postgresMigrations)|\(postgresMigrations)|20")
  }

  /// A sweep of 9,216 plans in chunks of 500, started in another process and returned once
  /// it is recorded as running (it holds its lock).
  func runningSweep(sourceLocation: SourceLocation = #_sourceLocation) throws -> Subprocess {
    let sweep = try Subprocess(
      binary,
      [
        "--db", database.url, "sweep", "--models", "gpt2-small,gpt2-medium,gpt2-large,gpt2-xl",
        "--gpus", "a100-80gb,h100-sxm,a100-40gb,l4", "--precisions", "fp32,bf16,fp16",
        "--batch-sizes", "1,2,4,8,16,32", "--num-gpus", "1,2,4,8,16,32,64,128",
        "--zero", "0,1,2,3", "--chunk-size", "500", "--global-batch-size", "4096",
      ], environment: PostgresServer.clientEnvironment(folder), in: folder)
    var running = false
    for _ in 0..<200 where !running {
      usleep(50_000)
      running = try run(["sweeps"], db: database.url).stdout.contains("running")
    }
    #expect(running, sourceLocation: sourceLocation)
    return sweep
  }

  /// A sweep killed midway keeps whole chunks and reads as incomplete: its process's session
  /// lock went with its connection, whatever machine it ran on.
  @Test func aKilledSweepKeepsWholeChunksAndIsIncomplete() throws {
    let sweep = try runningSweep()
    usleep(1_500_000)
    sweep.kill()
    _ = sweep.wait()
    let sweeps = try #require(
      try JSONSerialization.jsonObject(
        with: Data(try run(["sweeps", "--json"], db: database.url).stdout.utf8))
        as? [[String: Any]])
    #expect(sweeps.first?["status"] as? String == "incomplete")
    let written = try PostgresServer.admin(
      "SELECT count(*) FROM plans", at: database.url, in: folder)
    #expect((Int(written) ?? -1) % 500 == 0, "\(written) plans")
  }

  /// The server ending a sweep's connection (as a restart does) stops it in one line, with
  /// whole chunks kept and the sweep incomplete.
  @Test func aLostConnectionStopsASweepInOneLine() throws {
    let sweep = try runningSweep()
    usleep(500_000)
    try PostgresServer.admin(
      """
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = '\(database.name)' AND pid <> pg_backend_pid()
      """, in: folder)
    let r = sweep.wait()
    #expect(r.status == 1 && !r.signaled, "\(r.stderr)")
    let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
    #expect(
      last.hasPrefix("Error: ") && last.contains("the server closed the connection"), "\(last)")
    #expect(try run(["sweeps"], db: database.url).stdout.contains("incomplete"))
    let written = try PostgresServer.admin(
      "SELECT count(*) FROM plans", at: database.url, in: folder)
    #expect((Int(written) ?? -1) % 500 == 0, "\(written) plans")
  }

  /// A sweep meeting thousands of new model shapes in a piece (more than one batch of the
  /// snapshot statements), run twice (the second finds every snapshot present), stores the
  /// same plans on a server as on a file.
  @Test func aSweepOfManyShapesStoresTheSamePlansAsOnAFile() throws {
    let file = folder.file("shapes.sqlite")
    let sweep = [
      "sweep", "--layers", "1:2", "--d-model", "64:160000:64", "--heads-dim", "64", "--gpus",
      "l4,a100-80gb", "--precisions", "bf16", "--chunk-size", "7000",
    ]
    for _ in 0..<2 {
      #expect(try run(sweep, db: file).status == 0)
      let r = try run(sweep, db: database.url)
      #expect(r.status == 0, "\(r.stderr)")
    }
    // Each plan without what differs by database: its id, time, UUID and sweep's numbering.
    let plans = { (db: String) throws -> [String] in
      let export = try self.run(["export", "--format", "csv"], db: db)
      #expect(export.status == 0, "\(export.stderr)")
      let csv = export.stdout
      return csv.split(whereSeparator: \.isNewline).dropFirst().map {
        $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst(4)
          .joined(separator: ",")
      }.sorted()
    }
    let here = try plans(database.url)
    #expect(here.count == 20_000)
    #expect(here == (try plans(file)))
    let shapes = try PostgresServer.admin(
      "SELECT count(*) FROM model_snapshots", at: database.url, in: folder)
    #expect(shapes == "5000")
  }

  /// A role granted only SELECT, and a database set read-only, are found on opening: every
  /// query works, and every write is refused in one line that changes nothing.
  @Test func aRoleThatCannotWriteReadsAndIsRefusedWritesInOneLine() throws {
    let reader = "trainplan_reader_\(UInt32.random(in: 0...UInt32.max))"
    let password = PostgresServer.environment["PGPASSWORD"] ?? ""
    #expect(try run(["plan", "gpt2-small", "a100-80gb"], db: database.url).status == 0)
    #expect(
      try run(["sweep", "--models", "gpt2-small", "--gpus", "l4"], db: database.url).status == 0)
    try PostgresServer.admin(
      "CREATE ROLE \(reader) LOGIN PASSWORD '\(password)'", in: folder)
    defer {
      PostgresServer.drop(database.name, in: folder)
      _ = try? PostgresServer.admin("DROP ROLE IF EXISTS \(reader)", in: folder)
    }
    try PostgresServer.admin(
      "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(reader)", at: database.url, in: folder)
    let readerURL = PostgresServer.url(database: database.name, user: reader)
    let before = try PostgresServer.admin(
      "SELECT count(*) FROM plans", at: database.url, in: folder)
    let writes = [
      ["plan", "gpt2-small", "a100-80gb"],
      ["gpu", "add", "lab", "--memory", "24GiB", "--fp32-tflops", "35"],
      ["model", "remove", "gpt2-small"], ["sweep", "--models", "gpt2-small", "--gpus", "l4"],
    ]
    let queries = [
      ["plans"], ["fit"], ["fit", "--sweep", "1"], ["export", "--format", "json"], ["sweeps"],
      ["report", "--output", folder.file("report.html")],
      ["plan", "gpt2-small", "a100-80gb", "--no-save"],
    ]
    for (url, words) in [
      (readerURL, "is read-only for this role"), (database.url, "is read-only for this role"),
    ] {
      if url == database.url {
        try PostgresServer.admin(
          "ALTER DATABASE \(database.name) SET default_transaction_read_only = on", in: folder)
      }
      for args in queries {
        let r = try run(args, db: url)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(args): \(r.stderr)")
      }
      for args in writes {
        let r = try run(args, db: url)
        let lines = r.stderr.split(separator: "\n")
        #expect(r.status != 0 && !r.signaled, "\(args)")
        #expect(lines.count == 1 && lines[0].contains(words), "\(args): \(r.stderr)")
      }
    }
    let after = try PostgresServer.admin(
      "SELECT count(*) FROM plans", at: database.url, in: folder)
    #expect(after == before)
  }

  /// A plan's references are checked per statement on a server (migration 0021), with the
  /// rules of the foreign keys they replace: a plan naming a missing snapshot or sweep is
  /// refused, and so is deleting or renumbering a snapshot or sweep that plans name.
  @Test func planReferencesKeepTheirRules() throws {
    let sweep = try run(["sweep", "--models", "gpt2-small", "--gpus", "l4"], db: database.url)
    #expect(sweep.status == 0)
    // Every column of a stored plan, with a new id and a model snapshot that does not exist.
    let columns = try PostgresServer.admin(
      """
      SELECT string_agg(CASE attname WHEN 'id' THEN 'id + 1000000'
        WHEN 'model_snapshot_id' THEN 'model_snapshot_id + 1000' ELSE attname::text END, ', '
        ORDER BY attnum)
      FROM pg_attribute WHERE attrelid = 'plan_rows'::regclass AND attnum > 0
      """, at: database.url, in: folder)
    let refused = [
      "INSERT INTO plan_rows SELECT \(columns) FROM plan_rows LIMIT 1",
      "UPDATE plan_rows SET sweep_id = 999 WHERE id = (SELECT min(id) FROM plan_rows)",
      "DELETE FROM gpu_snapshots", "DELETE FROM sweeps",
      "UPDATE setup_snapshots SET id = id + 1000",
    ]
    for sql in refused {
      #expect(throws: (any Error).self, "\(sql)") {
        try PostgresServer.admin(sql, at: database.url, in: folder)
      }
    }
    let kept = try PostgresServer.admin(
      "SELECT count(*) FROM plans WHERE sweep_id IS NOT NULL", at: database.url, in: folder)
    #expect((Int(kept) ?? 0) > 0)
    // The checks pass what is right: a plan copied with only a new id goes in.
    try PostgresServer.admin(
      "INSERT INTO plan_rows SELECT \(columns.replacingOccurrences(of: "model_snapshot_id + 1000", with: "model_snapshot_id")) FROM plan_rows LIMIT 1",
      at: database.url, in: folder)
  }

  @Test func anUnreachableOrRefusingServerIsOneLine() throws {
    let refused = "postgresql://nobody@127.0.0.1:9/x?sslmode=disable"
    let missing = PostgresServer.url(database: "trainplan_no_such_database")
    var wrongPassword = PostgresServer.clientEnvironment(folder)
    wrongPassword["PGPASSWORD"] = "certainly-not-the-password"
    let cases: [(String, [String: String], String)] = [
      (refused, PostgresServer.clientEnvironment(folder), "cannot connect"),
      (missing, PostgresServer.clientEnvironment(folder), "has no database"),
      (database.url, wrongPassword, "wrong password"),
    ]
    for (url, environment, words) in cases {
      let r = try TestSupport.run(
        binary, ["--db", url, "plans"], environment: environment, in: folder)
      let lines = r.stderr.split(separator: "\n")
      #expect(r.status != 0 && !r.signaled, "\(url)")
      #expect(lines.count == 1 && lines[0].contains(words), "\(r.stderr)")
      #expect(!r.stderr.contains("certainly-not"))
    }
  }
}
