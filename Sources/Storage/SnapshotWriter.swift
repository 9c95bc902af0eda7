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
  private var ids: [Key: Int] = [:]
  /// The keys met last, newest first: comparing a few is cheaper than hashing a GPU's source.
  private var recent: [(key: Key, id: Int)] = []
  static var recentCount: Int { 4 }

  init(_ table: PlanColumn.Table, database: Database, mostlyNew: Bool = false) throws {
    columns = PlanColumn.of(table)
    self.mostlyNew = mostlyNew
    let names = columns.map(\.stored)
    // Only a snapshot of the same identity is skipped; any other refusal still fails. A
    // server answers a new row's id with the insert, instead of in a `lastval()` after it.
    insert = try database.prepare(
      InsertStatement.sql(table: table.name, columns: names, onConflict: .fail)
        + " ON CONFLICT (identity) DO NOTHING" + (database.isServer ? " RETURNING id" : ""))
    // The identity of migration 0017, computed from the bound values instead of the columns.
    // A server's identity is of PostgreSQL's text forms (its baseline migration).
    let quote: (Int) -> String =
      database.isServer ? { "quote_nullable($\($0)::text)" } : { "quote(?\($0))" }
    let identity = (1...names.count).map(quote).joined(separator: " || ',' || ")
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

  /// Forgets the ids: a rolled-back transaction may have taken some of them back.
  func forget() {
    ids = [:]
    recent = []
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
    if !insert.database.isServer && insert.database.changes > 0 {
      return insert.database.lastInsertedRowID
    }
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
