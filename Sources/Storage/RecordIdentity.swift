/// Who a row is and who made it (migration 0016): a UUIDv7 and an origin `user@host` on every
/// model, GPU, cluster, sweep and plan. Records and sweeps hold both as text; plans hold the
/// UUID's two halves and an id into `origins`, since a sweep writes a million of them.
extension Store {
  /// The columns every record INSERT ends with, after its own.
  static let recordTail = ["created_at", "updated_at", "uuid", "origin"]

  /// A new record's identity: a fresh UUID and this process's origin.
  static func newIdentity() -> [any DatabaseValueConvertible] {
    [UUIDv7.next().description, Origin.current]
  }

  /// The key `meta` holds once every row older than migration 0016 has an origin.
  static let originsFilledKey = "origins_filled"

  /// Gives the rows that migration 0016 could not name an origin for this process's origin,
  /// once per database. Later opens cost two cheap queries (the table, the mark) in `meta`. Under
  /// the write lock the mark is checked again, so of many processes opening at once exactly
  /// one fills, and the others find it done. The origin is looked up only when there is
  /// something to fill: the password database and the host name cost a dozen system calls,
  /// which every command paid on opening (issue 17).
  static func fillOrigins(
    _ database: Database, origin: @autoclosure () -> String = Origin.current
  ) throws {
    let mark = "SELECT 1 FROM meta WHERE key = '\(originsFilledKey)'"
    // A database migrated by an older migrator (tests build those) has nothing to fill. A
    // server's is migrated whole, so it has the table: one round trip fewer on opening.
    let identities = DatabaseMigrator.tableCount(database, named: "origins")
    if !database.isServer, try database.int(identities) ?? 0 == 0 { return }
    if try database.int(mark) != nil { return }
    // Looked up before the write lock is taken: the password database may be a network service.
    let origin = origin()
    try database.write {
      if try database.int(mark) != nil { return }
      for table in ["models", "gpus", "clusters", "sweeps"] {
        try database.execute("UPDATE \(table) SET origin = ? WHERE origin IS NULL", [origin])
      }
      let id = try originID(origin, in: database)
      // Plans are rows of `plan_rows` since migration 0017; a database migrated only this far
      // by an older migrator (tests build those) still has them in the table `plans`.
      let split = DatabaseMigrator.tableCount(database, named: "plan_rows")
      let plans = try database.int(split) ?? 0 == 0 ? "plans" : "plan_rows"
      try database.execute("UPDATE \(plans) SET origin_id = ? WHERE origin_id IS NULL", [id])
      try database.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)", [originsFilledKey, origin])
    }
  }

  /// The id of `origin` in `origins`, added when new; the caller holds a write transaction.
  /// Looked up first: the origin is nearly always there (one round trip on a server).
  static func originID(_ origin: String, in database: Database) throws -> Int {
    let lookup = "SELECT id FROM origins WHERE name = ?"
    if let id = try database.int(lookup, [origin]) { return id }
    try database.execute("INSERT OR IGNORE INTO origins (name) VALUES (?)", [origin])
    guard let id = try database.int(lookup, [origin]) else {
      throw StoreError.corrupt("origins '\(origin)'")
    }
    return id
  }

  /// Every origin by id, for decoding plans.
  func originNames() throws -> [Int: String] {
    Dictionary(
      uniqueKeysWithValues: try database.fetch("SELECT id, name FROM origins") {
        (try $0.int("id"), try $0.text("name"))
      })
  }
}
