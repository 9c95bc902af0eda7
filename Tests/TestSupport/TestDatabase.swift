import Foundation
import Storage

/// The database a storage or command test works on: a file in a temporary folder, or, when
/// the run sets `TRAINPLAN_TEST_STORAGE_BACKEND=postgres`, a new database on the server that
/// `TRAINPLAN_TEST_POSTGRES_URL` names (a build with the Postgres trait; the password in
/// `PGPASSWORD`). Each server database is a copy of one template migrated and seeded once
/// per run: migrating and seeding a new database costs seconds, a copy a fraction of one.
/// The server's database is dropped with this value.
public final class TestDatabase: @unchecked Sendable {
  public static let environment = ProcessInfo.processInfo.environment
  /// Whether this run's tests put their databases on the server.
  public static let onServer = environment["TRAINPLAN_TEST_STORAGE_BACKEND"] == "postgres"
  public let folder = TemporaryFolder()
  /// The file's path, or the server database's URL.
  public let location: String
  private let serverName: String?

  /// A new file database named `name`, whatever the run's backend.
  public init(file name: String) { (location, serverName) = (folder.file(name), nil) }

  /// A new database named `name` (a file's name; a server database gets a unique one).
  public init(_ name: String = "t.sqlite") throws {
    guard Self.onServer else {
      (location, serverName) = (folder.file(name), nil)
      return
    }
    let copy = "trainplan_st_\(UInt64.random(in: 0...UInt64.max))"
    let template = try Self.template.get()
    try Self.admin("CREATE DATABASE \(copy) TEMPLATE \(template)")
    (location, serverName) = (Self.url(copy), copy)
  }

  deinit {
    if let serverName { try? Self.admin("DROP DATABASE IF EXISTS \(serverName) WITH (FORCE)") }
  }

  /// Opens the database as trainplan does: on a file, `Store(path:)`; on the server, the
  /// URL through `Store(location:)`, its password from the environment.
  public func open() throws -> Store {
    guard serverName != nil else { return try Store(path: location) }
    return try Store(location: DatabaseLocation(explicit: location, environment: Self.environment))
  }

  /// What "nothing changed" compares: a file's bytes (its WAL's too), or on the server every
  /// table's rows as text, in order.
  public func contents(of store: Store) throws -> [Data?] {
    guard serverName != nil else { return try contents() }
    let tables = try store.database.fetch(
      "SELECT relname::text AS name FROM pg_class WHERE relkind = 'r'"
        + " AND relnamespace = to_regnamespace(current_schema()) ORDER BY relname"
    ) { try $0.text("name") }
    return try tables.map { table in
      let rows = try store.database.fetch("SELECT t::text AS row FROM \(table) t ORDER BY 1") {
        try $0.text("row")
      }
      return Data((table + "\n" + rows.joined(separator: "\n")).utf8)
    }
  }

  /// The same as `contents(of:)`, without a store at hand: a file is read, never opened (that
  /// would make one); a server's database is opened.
  public func contents() throws -> [Data?] {
    guard serverName != nil else { return [fileBytes(location), fileBytes(location + "-wal")] }
    return try contents(of: open())
  }

  // MARK: The server

  static func url(_ database: String) -> String {
    postgresURL(environment["TRAINPLAN_TEST_POSTGRES_URL"] ?? "", database: database)
  }

  /// The run's template: a database migrated and seeded by `Store`, dropped when the run ends.
  static let template: Result<String, any Error> = Result {
    guard environment["TRAINPLAN_TEST_POSTGRES_URL"] != nil else {
      throw Failure("TRAINPLAN_TEST_STORAGE_BACKEND=postgres needs TRAINPLAN_TEST_POSTGRES_URL")
    }
    #if !Postgres
      throw Failure("TRAINPLAN_TEST_STORAGE_BACKEND=postgres needs a build with --traits Postgres")
    #else
      let name = templateName
      try admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
      try admin("CREATE DATABASE \(name)")
      atexit { try? TestDatabase.admin("DROP DATABASE IF EXISTS \(TestDatabase.templateName)") }
      // Opened and released: a template is copied only when nobody is connected to it.
      _ = try Store(location: DatabaseLocation(explicit: url(name), environment: environment))
      return name
    #endif
  }

  static var templateName: String { "trainplan_st_template_\(getpid())" }

  /// Runs one statement outside a transaction on the server's administrative database.
  static func admin(_ sql: String) throws {
    #if Postgres
      let location = try DatabaseLocation(
        explicit: environment["TRAINPLAN_TEST_POSTGRES_URL"], environment: environment)
      guard let address = location.server else { throw Failure("not a server URL") }
      let database = try Database(
        server: address, password: location.serverPassword ?? ServerPassword(none: ()))
      try database.execute(sql)
    #endif
  }
}
