import Planner

#if canImport(Glibc)
  import Glibc
#endif

/// A sweep: its arguments, how many plans it was to make and how many it stored.
public struct SweepRecord: Equatable, Sendable {
  public enum Status: String, Sendable { case running, complete, incomplete }

  public var id: Int
  public var createdAt: String
  public var finishedAt: String?
  public var status: Status
  /// The command's arguments, as JSON text.
  public var arguments: String
  public var planned: Int
  public var written: Int
  /// Time-ordered UUID (RFC 9562 v7): the record's identity across databases.
  public var uuid: String
  /// `user@host` that made the record; nil only in a read-only snapshot whose origins were
  /// never filled (see `Store.fillOrigins`).
  public var origin: String?
}

/// Stores a sweep's plans in chunks: each chunk is one transaction through one reused
/// statement, so a killed or interrupted sweep keeps every committed chunk whole and none
/// of the partial one.
public final class SweepWriter {
  let store: Store
  public let sweepID: Int
  public let chunkSize: Int
  private var writer: PlanWriter?
  private var inChunk = 0
  private var createdAt = ""
  /// The ids the open chunk took, first and last.
  private var chunkIDs: (first: Int, last: Int) = (0, 0)
  /// Plans committed so far.
  public private(set) var written = 0
  /// On a server, the open chunk's rows not yet loaded, as COPY lines still to settle (see
  /// `PlanWriter.settle`): loaded by one COPY per `copyBatch` rows, inside the chunk's
  /// transaction, instead of one round trip to the server per plan (and in pieces, so that a
  /// chunk's text stays a few MB).
  private var copyRows: [PlanWriter.CopyRow] = []
  static let copyBatch = 5_000
  /// On a server, the second connection the snapshots are written through.
  private var snapshots: Database?

  init(store: Store, sweepID: Int, chunkSize: Int) {
    self.store = store
    self.sweepID = sweepID
    self.chunkSize = chunkSize
  }

  /// Adds a plan to the open chunk, committing the chunk when it is full.
  public func add(_ plan: Plan) throws {
    if store.database.isAutocommit { try begin() }
    if store.database.isServer {
      copyRows.append(writer!.copyRow(plan))
      inChunk += 1
      if copyRows.count == Self.copyBatch { try store.translating { try copyPiece() } }
    } else {
      let id = try writer!.insert(plan, createdAt: createdAt, sweepID: sweepID)
      chunkIDs = (inChunk == 0 ? id : chunkIDs.first, id)
      inChunk += 1
    }
    if inChunk == chunkSize { try commit() }
  }

  /// Commits the open chunk, if any.
  public func commit() throws {
    guard inChunk > 0 else { return }
    try store.translating {
      if store.database.isServer { try copyPiece() }
      try store.database.execute(
        """
        UPDATE sweeps SET written = written + ?, first_plan_id = coalesce(first_plan_id, ?),
          last_plan_id = ? WHERE id = ?
        """, [inChunk, chunkIDs.first, chunkIDs.last, sweepID])
      try store.database.execute("COMMIT")
    }
    written += inChunk
    inChunk = 0
  }

  /// Drops the open chunk, including a transaction begun for it before any plan made it in.
  public func rollback() {
    if !store.database.isAutocommit { try? store.database.execute("ROLLBACK") }
    inChunk = 0
    copyRows = []
  }

  /// Loads the rows waiting on a server, under ids taken in one block from the table's
  /// sequence (the write lock keeps other writers from taking any meanwhile, so a chunk's
  /// pieces take consecutive blocks), and widens the chunk's id range over them.
  private func copyPiece() throws {
    guard !copyRows.isEmpty else { return }
    let database = store.database
    let sequence = "pg_get_serial_sequence('plan_rows', 'id')"
    guard let first = try database.int("SELECT nextval(\(sequence))") else {
      throw StoreError.corrupt("plan_rows: its id sequence gave no value")
    }
    let last = first + copyRows.count - 1
    if last > first { _ = try database.text("SELECT setval(\(sequence), \(last))::text") }
    let text = try writer!.settle(
      copyRows, createdAt: createdAt, sweepID: sweepID, firstID: first)
    try database.copy(into: "plan_rows", columns: ["id"] + PlanWriter.columns, text)
    chunkIDs = (inChunk == copyRows.count ? first : chunkIDs.first, last)
    copyRows = []
  }

  private func begin() throws {
    try store.checkWritable()
    try store.translating {
      try store.database.retryingWhenBusy { try store.database.beginWriting() }
      if writer == nil {
        // On a server, snapshots go through a second connection, each committed as it is
        // written: the chunk's connection is busy loading the last piece by COPY meanwhile,
        // and a snapshot (content-addressed, never changed) is as true outside a chunk as in
        // it. A chunk rolled back may leave a snapshot no plan names, which a later plan of
        // that shape reuses.
        snapshots = try store.database.anotherConnection()
        writer = try PlanWriter(
          database: store.database, newSnapshots: true, snapshots: snapshots)
      }
      writer!.forgetSnapshots()
    }
    createdAt = Timestamp.now()
  }
}

extension Store {
  /// Records a new sweep as running and returns a writer for its plans.
  public func beginSweep(arguments: String, planned: Int, chunkSize: Int = 50_000) throws
    -> SweepWriter
  {
    let id = try write {
      try database.execute(
        """
        INSERT INTO sweeps (created_at, status, arguments, planned, pid, uuid, origin)
        VALUES (?, 'running', ?, ?, ?, ?, ?)
        """, [Timestamp.now(), arguments, planned, Int(getpid())] + Self.newIdentity())
      return database.lastInsertedRowID
    }
    // On a server the pid says nothing (the sweep may run on another machine): the sweep's
    // process holds a session lock instead, which the server drops when the process's
    // connection ends, however it ends (a kill, a crash, a restart of the server).
    if database.isServer {
      _ = try database.text("SELECT pg_advisory_lock(\(Self.sweepLockClass), \(id))::text")
    }
    // A chunk touches many index pages; 16 MiB of page cache (SQLite's default is 2 MiB) keeps
    // them in memory until the commit, within the sweep's 64 MiB memory budget.
    try database.execute("PRAGMA cache_size = -16384")
    return SweepWriter(store: self, sweepID: id, chunkSize: max(1, chunkSize))
  }

  /// Marks a sweep complete or incomplete.
  public func finishSweep(_ id: Int, status: SweepRecord.Status) throws {
    try write {
      try database.execute(
        "UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ?",
        [status.rawValue, Timestamp.now(), id])
    }
    if database.isServer {
      _ = try database.text("SELECT pg_advisory_unlock(\(Self.sweepLockClass), \(id))::text")
    }
  }

  /// The first key of a sweep's session lock on a server (the second is its id): "tp".
  static let sweepLockClass = 0x7470

  /// A condition on `pg_locks` keeping this database's locks only.
  static let thisDatabasesLocks =
    "database = (SELECT oid FROM pg_database WHERE datname = current_database())"

  /// The sweeps whose process still holds its session lock, on a server. Advisory locks are
  /// per database, but `pg_locks` lists the whole server's: another trainplan database's sweep
  /// of the same id must not keep this one running.
  func liveServerSweeps() throws -> Set<Int> {
    Set(
      try database.fetch(
        """
        SELECT objid::bigint AS id FROM pg_locks WHERE locktype = 'advisory' AND granted
          AND classid = \(Self.sweepLockClass) AND objsubid = 2 AND \(Self.thisDatabasesLocks)
        """
      ) { try $0.int("id") })
  }

  public func sweep(id: Int) throws -> SweepRecord {
    guard let record = try sweeps(where: "WHERE id = ?", [id]).first else {
      throw StoreError.notFound(kind: "sweep", name: String(id), suggestions: [])
    }
    return record
  }

  /// Every sweep, newest first.
  public func sweeps() throws -> [SweepRecord] { try sweeps(where: "", []) }

  /// A sweep recorded as running whose process is gone was killed: it is incomplete. On a
  /// server, `live` holds the sweeps whose process is still connected.
  static func status(_ text: String, pid: Int?, id: Int, live: Set<Int>?) -> SweepRecord.Status {
    let status = SweepRecord.Status(rawValue: text) ?? .incomplete
    guard status == .running else { return status }
    if let live { return live.contains(id) ? .running : .incomplete }
    guard let pid, let owner = Int32(exactly: pid) else { return status }
    return kill(owner, 0) == 0 || errno == EPERM ? .running : .incomplete
  }

  func sweeps(where clause: String, _ values: [any DatabaseValueConvertible]) throws
    -> [SweepRecord]
  {
    let live = database.isServer ? try liveServerSweeps() : nil
    return try database.fetch("SELECT * FROM sweeps \(clause) ORDER BY id DESC", values) { row in
      SweepRecord(
        id: try row.int("id"), createdAt: try row.text("created_at"),
        finishedAt: try row.isNull("finished_at") ? nil : try row.text("finished_at"),
        status: Self.status(
          try row.text("status"), pid: try row.optionalInt("pid"), id: try row.int("id"),
          live: live),
        arguments: try row.text("arguments"), planned: try row.int("planned"),
        written: try row.int("written"), uuid: try row.text("uuid"),
        origin: try row.optionalText("origin"))
    }
  }
}
