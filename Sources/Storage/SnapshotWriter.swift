/// Finds or adds the snapshot rows plans reference (migration 0017): one table's, keyed in
/// memory by `Key`, a value every column of the snapshot is read off (the model config, the
/// GPU, the shared part of the setup). A key met before in this transaction costs a comparison
/// with the few met last (a sweep alternates between a handful of GPUs and setups) or else a
/// dictionary lookup; a new one is inserted unless a row of the same identity exists, whoever
/// wrote it, and then its id is read back. The caller holds the write transaction, so
/// concurrent writers each see the others' committed snapshots.
final class SnapshotWriter<Key: Hashable> {
  let columns: [PlanColumn]
  private let insert: Statement
  private let lookup: Statement
  /// Try the insert first: most snapshots met are new (see `stored`).
  private let mostlyNew: Bool
  private let database: Database
  private let table: String
  /// Keys met whose ids wait for `resolveWaiting`, by slot, and each slot's column values.
  private var waiting: [Key: Int] = [:]
  private var waitingValues: [[DatabaseValue]] = []
  private var ids: [Key: Int] = [:]
  /// The keys met last, newest first: comparing a few is cheaper than hashing a GPU's source.
  private var recent: [(key: Key, id: Int)] = []
  static var recentCount: Int { 4 }

  init(_ table: PlanColumn.Table, database: Database, mostlyNew: Bool = false) throws {
    columns = PlanColumn.of(table)
    self.mostlyNew = mostlyNew
    self.database = database
    self.table = table.name
    let names = columns.map(\.stored)
    // Only a snapshot of the same identity is skipped; any other refusal still fails. A
    // server answers a new row's id with the insert, instead of in a `lastval()` after it.
    insert = try database.prepare(
      InsertStatement.sql(table: table.name, columns: names, onConflict: .fail)
        + " ON CONFLICT (identity) DO NOTHING" + (database.isServer ? " RETURNING id" : ""))
    let identity = Self.identity(of: 1...names.count, server: database.isServer)
    lookup = try database.prepare("SELECT id FROM \(table.name) WHERE identity = \(identity)")
      .fewRows()
  }

  /// The id of the snapshot `key` stands for, whose column values `fields` give.
  func id(_ key: Key, _ fields: PlanFields) throws -> Int {
    if let hit = recent.firstIndex(where: { $0.key == key }) { return recent[hit].id }
    let id = try ids[key] ?? stored(fields)
    ids[key] = id
    if recent.count == Self.recentCount { recent.removeLast() }
    recent.insert((key, id), at: 0)
    return id
  }

  /// The id of the snapshot `key` stands for when it is known, else a placeholder (below
  /// zero) that `resolveWaiting` gives the id of: a server's sweep finds or adds a piece's
  /// new snapshots in a few statements instead of a round trip each (a million-plan sweep
  /// meets 10,000 model shapes).
  func idOrPlaceholder(_ key: Key, _ fields: PlanFields) -> Int {
    if let hit = recent.firstIndex(where: { $0.key == key }) { return recent[hit].id }
    if let id = ids[key] { return id }
    if let slot = waiting[key] { return -(slot + 1) }
    waiting[key] = waitingValues.count
    waitingValues.append(columns.map { $0.value(fields) })
    return -waitingValues.count
  }

  /// Finds or adds every waiting snapshot, and returns the ids by slot: per batch, one insert
  /// that skips those present and one lookup of all (a server takes at most 65,535 values a
  /// statement). The caller holds the connection's transaction, or none (a sweep's second
  /// connection, where each statement commits).
  func resolveWaiting() throws -> [Int] {
    guard !waitingValues.isEmpty else { return [] }
    var resolved = [Int](repeating: 0, count: waitingValues.count)
    let perStatement = max(1, 30_000 / columns.count)
    for start in stride(from: 0, to: waitingValues.count, by: perStatement) {
      let batch = waitingValues[start..<min(start + perStatement, waitingValues.count)]
      let values = batch.flatMap { $0 }
      try database.execute(batchInsert(rows: batch.count), values)
      let found = try database.fetch(batchLookup(rows: batch.count, first: start), values) {
        (try $0.int("n"), try $0.int("id"))
      }
      for (slot, id) in found { resolved[slot] = id }
    }
    if let missing = resolved.firstIndex(of: 0) {
      throw StoreError.corrupt("\(table): snapshot \(missing) of a batch just written is not found")
    }
    for (key, slot) in waiting { ids[key] = resolved[slot] }
    (waiting, waitingValues) = ([:], [])
    return resolved
  }

  /// The identity of migration 0017 computed from the bound parameters `parameters` instead of
  /// the columns. A server's identity is of PostgreSQL's text forms (its baseline migration).
  static func identity(of parameters: ClosedRange<Int>, server: Bool) -> String {
    parameters.map { server ? "quote_nullable($\($0)::text)" : "quote(?\($0))" }
      .joined(separator: " || ',' || ")
  }

  /// `rows` snapshots in one INSERT that skips those of an identity present.
  private func batchInsert(rows: Int) -> String {
    let names = columns.map(\.stored)
    let row = "(" + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
    return "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES "
      + Array(repeating: row, count: rows).joined(separator: ", ")
      + " ON CONFLICT (identity) DO NOTHING"
  }

  /// The ids of `rows` snapshots, each with its slot `n`, matched by the identity their
  /// values make (as `lookup` does for one; a server's text forms, migration 0020).
  private func batchLookup(rows: Int, first: Int) -> String {
    let count = columns.count
    let list = (0..<rows).map {
      "(\(first + $0), \(Self.identity(of: $0 * count + 1...$0 * count + count, server: true)))"
    }.joined(separator: ", ")
    return "SELECT v.n AS n, t.id AS id FROM (VALUES \(list)) AS v (n, identity) "
      + "JOIN \(table) t ON t.identity = v.identity"
  }

  /// Forgets the ids: a rolled-back transaction may have taken some of them back.
  func forget() {
    ids = [:]
    recent = []
    (waiting, waitingValues) = ([:], [])
  }

  /// The snapshot's id. Where most snapshots a writer meets exist already (a saved plan),
  /// it is looked up first: a server answers that in one round trip instead of an insert's
  /// and a lookup's. Where most are new (a sweep), it is inserted first, and looked up only
  /// when the insert skipped it. The write lock is held, so no other writer can insert it in
  /// between; the insert still skips a row of the same identity rather than fail.
  private func stored(_ fields: PlanFields) throws -> Int {
    let values = columns.map { $0.value(fields) }
    if !mostlyNew, let id = try existing(values) { return id }
    insert.reset()
    defer { insert.reset() }
    for (offset, value) in values.enumerated() {
      try insert.bind(value, at: Int32(offset + 1))
    }
    // A server's RETURNING answers a row; SQLite's insert answers none and keeps the id.
    if try insert.step(), let id = Row(statement: insert).value(at: 0).int { return Int(id) }
    if !database.isServer && database.changes > 0 { return database.lastInsertedRowID }
    guard let id = try existing(values) else {
      throw StoreError.corrupt("\(insert.sql): the snapshot just written is not found")
    }
    return id
  }

  /// The id of the stored snapshot of these column values, if there is one.
  private func existing(_ values: [DatabaseValue]) throws -> Int? {
    lookup.reset()
    defer { lookup.reset() }
    for (offset, value) in values.enumerated() {
      try lookup.bind(value, at: Int32(offset + 1))
    }
    guard try lookup.step() else { return nil }
    return Row(statement: lookup).value(at: 0).int.map(Int.init)
  }
}
