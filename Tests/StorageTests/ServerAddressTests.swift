import Foundation
import Storage
import TestSupport
import Testing

@testable import Storage

/// `--db postgresql://…` (issue 18): the URL read with libpq's rules and defaults, a password
/// never taken from it, and the password file read as `psql` reads it.
@Suite struct ServerAddressTests {
  let environment = ["USER": "ada"]

  func address(_ url: String, _ extra: [String: String] = [:]) throws -> ServerAddress {
    try ServerAddress(
      url: url, source: "--db", environment: environment.merging(extra) { $1 })
  }

  @Test func aFullURLAndLibpqDefaults() throws {
    let full = try address("postgresql://bob@db.example:6543/history?sslmode=verify-full")
    #expect(full.host == "db.example" && full.port == 6543 && full.user == "bob")
    #expect(full.database == "history" && full.tls == .verifyFull)
    #expect(full.socketPath == nil)
    let bare = try address("postgres://")
    #expect(bare.host == "localhost" && bare.port == 5432 && bare.user == "ada")
    #expect(bare.database == "ada" && bare.tls == .prefer)
    let env = try address(
      "POSTGRESQL://", ["PGHOST": "h", "PGPORT": "7", "PGUSER": "u", "PGDATABASE": "d"])
    #expect(env.host == "h" && env.port == 7 && env.user == "u" && env.database == "d")
  }

  @Test func socketsIPv6AndEscapes() throws {
    let socket = try address("postgresql:///trainplan?host=/run/postgresql")
    #expect(socket.socketPath == "/run/postgresql/.s.PGSQL.5432")
    let encoded = try address("postgresql://%2Ftmp%2Fpg:5433/x")
    #expect(encoded.socketPath == "/tmp/pg/.s.PGSQL.5433")
    let v6 = try address("postgresql://u@[::1]:5439/x")
    #expect(v6.host == "::1" && v6.port == 5439)
    #expect(v6.description == "postgresql://u@[::1]:5439/x")
    let at = try address("postgresql://me%40lab@h/x")
    #expect(at.user == "me@lab")
  }

  @Test func aPasswordOrABadPartIsOneLineWithoutTheURL() {
    for (url, words) in [
      ("postgresql://u:secret@h/x", "holds a password"),
      ("postgresql://u@h/x?password=secret", "holds a password"),
      ("postgresql://u@h/x?sslmode=sometimes", "sslmode 'sometimes' is not one of disable"),
      ("postgresql://u@h:99999/x", "port '99999'"),
      ("postgresql://u@h:port/x", "port 'port'"),
      ("postgresql://u@h/x?colour=blue", "unknown parameter 'colour'"),
      ("postgresql://u@[::1/x", "lacks its ]"),
      ("postgresql://u@h/%zz", "two hex digits"),
    ] {
      #expect {
        try address(url)
      } throws: { error in
        let text = "\(error)"
        return text.hasPrefix("--db: ") && text.contains(words) && !text.contains("secret")
          && !text.contains("\n")
      }
    }
  }

  @Test func thePasswordComesFromTheEnvironmentOrAPrivateFile() throws {
    let folder = TemporaryFolder()
    let file = folder.file("pgpass")
    let a = try address("postgresql://bob@db:5432/history")
    let lines = """
      # comment
      other:5432:history:bob:wrong
      db:5432:history:bob:pass\\:word\\\\x
      *:*:*:*:fallback
      """
    try Data(lines.utf8).write(to: URL(fileURLWithPath: file))
    chmod(file, 0o600)
    let found = ServerPassword(for: a, environment: ["PGPASSFILE": file])
    #expect(found.password == "pass:word\\x")
    let other = try address("postgresql://eve@elsewhere/x")
    #expect(ServerPassword(for: other, environment: ["PGPASSFILE": file]).password == "fallback")
    #expect(
      ServerPassword(for: a, environment: ["PGPASSFILE": file, "PGPASSWORD": "env"]).password
        == "env")
    // Readable by others: ignored, and the reason kept for the message.
    chmod(file, 0o644)
    let open = ServerPassword(for: a, environment: ["PGPASSFILE": file])
    #expect(open.password == nil)
    #expect(open.fileNote?.contains("chmod 600") == true)
    let home = ServerPassword(for: a, environment: ["HOME": folder.path])
    #expect(home.password == nil && home.fileNote == nil)
  }
}

/// The rewrites that take Storage's SQL (SQLite's spelling) to a PostgreSQL server.
@Suite struct ServerDialectTests {
  @Test func parametersAreNumberedOutsideQuotes() {
    #expect(
      ServerDialect.translate("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?")
        == "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2")
    #expect(
      ServerDialect.translate("UPDATE t SET a = ?2 WHERE id = ?1 OR x = ?1")
        == "UPDATE t SET a = $2 WHERE id = $1 OR x = $1")
  }

  @Test func sqliteSpellingsBecomePostgreSQLs() {
    #expect(
      ServerDialect.translate("INSERT OR IGNORE INTO origins (name) VALUES (?)")
        == "INSERT INTO origins (name) VALUES ($1) ON CONFLICT DO NOTHING")
    #expect(
      ServerDialect.translate("SELECT 1 FROM plans WHERE cluster_name IS ?")
        == "SELECT 1 FROM plans WHERE cluster_name IS NOT DISTINCT FROM $1")
    #expect(
      ServerDialect.translate("CREATE TEMP TABLE k (hi INTEGER, x REAL) WITHOUT ROWID")
        == "CREATE TEMP TABLE k (hi BIGINT, x DOUBLE PRECISION)")
    #expect(ServerDialect.translate("PRAGMA journal_mode = WAL") == "SELECT NULL WHERE false")
  }

  @Test func scriptsSplitAtSemicolonsOutsideQuotesAndComments() {
    let script = """
      -- a comment; with a semicolon
      CREATE TABLE a (x TEXT DEFAULT ';');
      CREATE INDEX b ON a (x);

      """
    #expect(
      ServerDialect.statements(of: script) == [
        "CREATE TABLE a (x TEXT DEFAULT ';')", "CREATE INDEX b ON a (x)",
      ])
  }

  @Test func functionBodiesInDollarQuotesAreOneStatement() {
    let body = "BEGIN\n  IF $1 > 0 THEN RAISE EXCEPTION 'no; never'; END IF;\n  RETURN NULL;\nEND"
    let script = """
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\(body)$$;
      CREATE FUNCTION g() RETURNS void LANGUAGE sql AS $$$$;
      SELECT $1;
      """
    #expect(
      ServerDialect.statements(of: script) == [
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\(body)$$",
        "CREATE FUNCTION g() RETURNS void LANGUAGE sql AS $$$$", "SELECT $1",
      ])
  }
}
