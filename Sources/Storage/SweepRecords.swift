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

  init(store: Store, sweepID: Int, chunkSize: Int) {
    self.store = store
    self.sweepID = sweepID
    self.chunkSize = chunkSize
  }

  /// Adds a plan to the open chunk, committing the chunk when it is full.
  public func add(_ plan: Plan) throws {
    if store.database.isAutocommit { try begin() }
    let id = try writer!.insert(plan, createdAt: createdAt, sweepID: sweepID)
    chunkIDs = (inChunk == 0 ? id : chunkIDs.first, id)
    inChunk += 1
    if inChunk == chunkSize { try commit() }
  }

  /// Commits the open chunk, if any.
  public func commit() throws {
    guard inChunk > 0 else { return }
    try store.translating {
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
  }

  private func begin() throws {
    try store.checkWritable()
    try store.translating {
      try store.database.retryingWhenBusy { try store.database.beginWriting() }
      if writer == nil { writer = try PlanWriter(database: store.database) }
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
  }

  public func sweep(id: Int) throws -> SweepRecord {
    guard let record = try sweeps(where: "WHERE id = ?", [id]).first else {
      throw StoreError.notFound(kind: "sweep", name: String(id), suggestions: [])
    }
    return record
  }

  /// Every sweep, newest first.
  public func sweeps() throws -> [SweepRecord] { try sweeps(where: "", []) }

  /// A sweep recorded as running whose process is gone was killed: it is incomplete.
  static func status(_ text: String, pid: Int?) -> SweepRecord.Status {
    let status = SweepRecord.Status(rawValue: text) ?? .incomplete
    guard status == .running, let pid, let owner = Int32(exactly: pid) else { return status }
    return kill(owner, 0) == 0 || errno == EPERM ? .running : .incomplete
  }

  func sweeps(where clause: String, _ values: [any DatabaseValueConvertible]) throws
    -> [SweepRecord]
  {
    try database.fetch("SELECT * FROM sweeps \(clause) ORDER BY id DESC", values) { row in
      SweepRecord(
        id: try row.int("id"), createdAt: try row.text("created_at"),
        finishedAt: try row.isNull("finished_at") ? nil : try row.text("finished_at"),
        status: Self.status(try row.text("status"), pid: try row.optionalInt("pid")),
        arguments: try row.text("arguments"), planned: try row.int("planned"),
        written: try row.int("written"), uuid: try row.text("uuid"),
        origin: try row.optionalText("origin"))
    }
  }
}
