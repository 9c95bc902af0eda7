import Planner

/// Moving a history between databases (issue 18): `import FILE` brings another database's
/// records and plans into this one, and `export --format sqlite` is the same copy into a new,
/// empty database. Rows are matched by UUID, so a second import of the same file adds nothing;
/// creation times, UUIDs and origins travel with the rows; integer ids are local and are
/// given anew (a sweep's plans point to its new id).
///
/// Everything is read through the source store's APIs and written through this store's
/// insert paths (never by copying table layouts), in one write transaction: a failure or an
/// interruption midway leaves this database as it was.
public struct HistoryImport: Equatable, Sendable {
  /// Which records travel: all of the source's, or only those its selected plans name (their
  /// models, GPUs, clusters and the clusters' GPUs, and their sweeps).
  public enum Records: Sendable { case all, usedByPlans }

  /// What happened to one kind of row.
  public struct Tally: Equatable, Sendable {
    /// New here, copied.
    public var added = 0
    /// Already here: the same UUID, or (records) the same name with the same figures.
    public var skipped = 0
    /// The same name (or UUID) with other figures: the local record was kept, these names.
    public var kept: [String] = []
    /// The same name with other figures, replaced by theirs (`preferTheirs`).
    public var replaced: [String] = []

    public init() {}
  }

  public var models = Tally()
  public var gpus = Tally()
  public var clusters = Tally()
  public var sweeps = Tally()
  public var plans = Tally()

  public init() {}
}

extension Store {
  /// Copies `source`'s plans selected by `filter` (oldest first, so ids keep creation order)
  /// and its records into this store in one transaction. A record whose name exists here
  /// with other figures is reported and the local one kept, unless `preferTheirs`. `each` is
  /// called before every plan and may throw to stop (an interrupt): nothing is then kept.
  public func importHistory(
    from source: Store, filter: PlanFilter = PlanFilter(), records: HistoryImport.Records = .all,
    preferTheirs: Bool = false, each: () throws -> Void = {}
  ) throws -> HistoryImport {
    var filter = filter
    filter.oldestFirst = true
    filter.limit = nil
    let used = records == .usedByPlans ? try source.planReferences(filter) : nil
    return try write {
      var result = HistoryImport()
      var copy = HistoryCopy(store: self, preferTheirs: preferTheirs)
      let gpus = try source.gpus().filter { used?.gpus.contains($0.profile.name) ?? true }
      result.gpus = try copy.gpus(gpus)
      let models = try source.models().filter { used?.models.contains($0.config.name) ?? true }
      result.models = try copy.models(models)
      let clusters = try source.clusters().filter {
        used?.clusters.contains($0.spec.name) ?? true
      }
      result.clusters = try copy.clusters(clusters)
      let sweeps = try source.sweeps().filter { used?.sweeps.contains($0.id) ?? true }
      result.sweeps = try copy.sweeps(sweeps)
      result.plans = try copy.plans { body in
        try source.forEachPlan(filter) {
          try each()
          try body($0)
        }
      }
      try copy.finishSweeps()
      return result
    }
  }

  /// Adds plans read from elsewhere (a JSON export), handed to `body` one at a time by
  /// `plans` (which may throw to stop: nothing is then kept), in one transaction; plans
  /// already here (same UUID) are skipped. Such a file holds no records and no sweeps: the
  /// plans of each sweep it names are gathered into a new sweep here, complete, whose stored
  /// arguments are `sweepArguments(their sweep id)`.
  public func importPlans(
    sweepArguments: @escaping (Int) -> String,
    _ plans: (_ body: (StoredPlan) throws -> Void) throws -> Void
  ) throws -> HistoryImport {
    try write {
      var result = HistoryImport()
      var copy = HistoryCopy(store: self, preferTheirs: false)
      copy.newSweepArguments = sweepArguments
      result.plans = try copy.plans(plans)
      result.sweeps.added = copy.madeSweeps.count
      try copy.finishSweeps()
      return result
    }
  }

  /// The names and sweeps the plans `filter` selects refer to, a cluster's GPU included.
  func planReferences(_ filter: PlanFilter) throws
    -> (models: Set<String>, gpus: Set<String>, clusters: Set<String>, sweeps: Set<Int>)
  {
    var f = filter
    f.limit = nil
    f.oldestFirst = false
    let (condition, values) = f.condition
    func distinct(_ column: String) throws -> [DatabaseValue] {
      try database.fetch("SELECT DISTINCT \(column) AS v FROM plans\(condition)", values) {
        $0.value(at: 0)
      }
    }
    return try database.read {
      let clusters = Set(try distinct("cluster_name").compactMap(\.text))
      var gpus = Set(try distinct("gpu_name").compactMap(\.text))
      for name in clusters {
        let gpu = try database.fetch("SELECT gpu_name FROM clusters WHERE name = ?", [name]) {
          try $0.text("gpu_name")
        }
        gpus.formUnion(gpu)
      }
      return (
        Set(try distinct("model_name").compactMap(\.text)), gpus, clusters,
        Set(try distinct("sweep_id").compactMap { $0.int.map(Int.init) })
      )
    }
  }
}

/// One import's state: the sweep ids given anew, the origins' ids here, the id range each
/// sweep's new plans took. Used only inside the import's write transaction.
struct HistoryCopy {
  let store: Store
  let preferTheirs: Bool
  var database: Database { store.database }
  /// Source sweep id → id here.
  var sweepIDs: [Int: Int] = [:]
  /// Id here → the first and last plan ids this import gave it.
  var sweepRanges: [Int: (first: Int, last: Int)] = [:]
  var originIDs: [String: Int] = [:]
  /// When set, a plan's sweep with no record in the source gets a new sweep here, with these
  /// arguments; when nil, such a plan arrives without a sweep.
  var newSweepArguments: ((Int) -> String)?
  /// The ids of the sweeps made here by `newSweepArguments`.
  var madeSweeps: Set<Int> = []

  init(store: Store, preferTheirs: Bool) {
    self.store = store
    self.preferTheirs = preferTheirs
  }

  /// A record's fate: skipped when the same UUID or the same name with the same figures is
  /// here, added when neither, else kept (ours) or replaced (theirs).
  enum Match {
    case absent, same
    case conflict(uuid: String)
  }

  func match(table: String, name: String, uuid: String, equal: () throws -> Bool) throws -> Match {
    let here = try database.fetch(
      "SELECT uuid FROM \(table) WHERE uuid = ? OR name = ? ORDER BY uuid = ? DESC LIMIT 1",
      [uuid, name, uuid]
    ) { try $0.text("uuid") }
    guard let local = here.first else { return .absent }
    return try equal() ? .same : .conflict(uuid: local)
  }

  /// Applies a match to the tally, inserting (or replacing) through `insert`.
  func settle(
    _ match: Match, table: String, name: String, into tally: inout HistoryImport.Tally,
    insert: () throws -> Void
  ) throws {
    switch match {
    case .same: tally.skipped += 1
    case .absent:
      try insert()
      tally.added += 1
    case .conflict(let uuid):
      guard preferTheirs else {
        tally.kept.append(name)
        return
      }
      try database.execute("DELETE FROM \(table) WHERE uuid = ? OR name = ?", [uuid, name])
      try insert()
      tally.replaced.append(name)
    }
  }

  func gpus(_ records: [HardwareRecord]) throws -> HistoryImport.Tally {
    var tally = HistoryImport.Tally()
    for r in records {
      let match = try self.match(table: "gpus", name: r.profile.name, uuid: r.uuid) {
        guard var ours = try? store.gpu(named: r.profile.name).profile else { return false }
        ours.source = r.profile.source
        return ours == r.profile
      }
      try settle(match, table: "gpus", name: r.profile.name, into: &tally) {
        try database.execute(
          Store.insertGPUSQL(.fail),
          Store.gpuValues(r.profile) + [r.createdAt, r.updatedAt, r.uuid, r.origin])
      }
    }
    return tally
  }

  func models(_ records: [ModelRecord]) throws -> HistoryImport.Tally {
    var tally = HistoryImport.Tally()
    for r in records {
      let match = try self.match(table: "models", name: r.config.name, uuid: r.uuid) {
        (try? store.model(named: r.config.name).config) == r.config
      }
      try settle(match, table: "models", name: r.config.name, into: &tally) {
        try database.execute(
          Store.insertModelSQL(.fail),
          Store.modelValues(r.config, source: r.source) + [
            r.createdAt, r.updatedAt, r.uuid, r.origin,
          ])
      }
    }
    return tally
  }

  func clusters(_ records: [StoredCluster]) throws -> HistoryImport.Tally {
    var tally = HistoryImport.Tally()
    for r in records {
      let match = try self.match(table: "clusters", name: r.spec.name, uuid: r.uuid) {
        guard var ours = try? store.storedCluster(named: r.spec.name).spec else { return false }
        ours.source = r.spec.source
        return ours == r.spec
      }
      try settle(match, table: "clusters", name: r.spec.name, into: &tally) {
        try database.execute(
          Store.insertClusterSQL(.fail),
          Store.clusterValues(r.spec) + [r.createdAt, r.updatedAt, r.uuid, r.origin])
      }
    }
    return tally
  }

  /// Sweeps already here (same UUID) keep their id; new ones get the next free id. A sweep
  /// that was running where it was made is not running here: it arrives incomplete.
  mutating func sweeps(_ records: [SweepRecord]) throws -> HistoryImport.Tally {
    var tally = HistoryImport.Tally()
    for r in records.reversed() {
      if let id = try database.int("SELECT id FROM sweeps WHERE uuid = ?", [r.uuid]) {
        sweepIDs[r.id] = id
        tally.skipped += 1
        continue
      }
      let status = r.status == .running ? SweepRecord.Status.incomplete : r.status
      try database.execute(
        """
        INSERT INTO sweeps (created_at, finished_at, status, arguments, planned, written, uuid,
          origin)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          r.createdAt, r.finishedAt, status.rawValue, r.arguments, r.planned, r.written, r.uuid,
          r.origin,
        ])
      sweepIDs[r.id] = database.lastInsertedRowID
      tally.added += 1
    }
    return tally
  }

  /// Copies the plans `source` hands out whose UUID is not here yet, through one reused INSERT.
  mutating func plans(_ source: (_ body: (StoredPlan) throws -> Void) throws -> Void) throws
    -> HistoryImport.Tally
  {
    var tally = HistoryImport.Tally()
    let known = try KnownPlanUUIDs(database)
    defer { known.drop() }
    let writer = try PlanWriter(database: database)
    try source { stored in
      let uuid = stored.uuid ?? UUIDv7.next()
      if try known.contains(uuid) {
        tally.skipped += 1
        return
      }
      let sweep = try stored.sweepID.flatMap { try sweepID(for: $0, stored) }
      let id = try writer.insert(
        stored.plan, createdAt: stored.createdAt, sweepID: sweep, uuid: uuid,
        originID: try originID(stored.origin))
      if let sweep {
        let range = sweepRanges[sweep]
        sweepRanges[sweep] = (range?.first ?? id, id)
      }
      tally.added += 1
    }
    return tally
  }

  /// The id here of the source's sweep `id`: the copied record's, or a sweep made here for
  /// the plans of a source that has no sweep records (see `newSweepArguments`).
  mutating func sweepID(for id: Int, _ plan: StoredPlan) throws -> Int? {
    if let here = sweepIDs[id] { return here }
    guard let arguments = newSweepArguments?(id) else { return nil }
    try database.execute(
      """
      INSERT INTO sweeps (created_at, status, arguments, planned, written, uuid, origin)
      VALUES (?, 'complete', ?, 0, 0, ?, ?)
      """, [plan.createdAt, arguments, UUIDv7.next().description, plan.origin])
    let here = database.lastInsertedRowID
    sweepIDs[id] = here
    madeSweeps.insert(here)
    return here
  }

  mutating func originID(_ name: String?) throws -> Int? {
    guard let name else { return nil }
    if let id = originIDs[name] { return id }
    let id = try Store.originID(name, in: database)
    originIDs[name] = id
    return id
  }

  /// Widens each sweep's id range over the plans this import gave it (the range bounds the
  /// scans of `--sweep`; migration 0006).
  func finishSweeps() throws {
    for (id, range) in sweepRanges {
      try database.execute(
        """
        UPDATE sweeps SET
          first_plan_id = CASE WHEN first_plan_id < ?1 THEN first_plan_id ELSE ?1 END,
          last_plan_id = CASE WHEN last_plan_id > ?2 THEN last_plan_id ELSE ?2 END
        WHERE id = ?3
        """, [range.first, range.last, id])
    }
    // A made sweep planned and wrote what it was given, and finished with its newest plan.
    for id in madeSweeps {
      try database.execute(
        """
        UPDATE sweeps SET (planned, written, finished_at) = (
          SELECT count(*), count(*), max(created_at) FROM plans WHERE sweep_id = ?1)
        WHERE id = ?1
        """, [id])
    }
  }
}

/// The UUIDs of the plans already here, in a temporary table with a primary key: plans carry
/// no UUID index (it would cost every sweep), so an import builds one for itself.
struct KnownPlanUUIDs {
  let database: Database
  let lookup: Statement?

  init(_ database: Database) throws {
    self.database = database
    guard try database.int("SELECT 1 FROM plans LIMIT 1") != nil else {
      lookup = nil
      return
    }
    try database.execute(
      """
      CREATE TEMP TABLE IF NOT EXISTS import_known_plans (
        hi INTEGER NOT NULL, lo INTEGER NOT NULL, PRIMARY KEY (hi, lo)) WITHOUT ROWID
      """)
    try database.execute(
      """
      INSERT OR IGNORE INTO import_known_plans (hi, lo)
      SELECT uuid_hi, uuid_lo FROM plans WHERE uuid_hi IS NOT NULL
      """)
    lookup = try database.prepare("SELECT 1 FROM import_known_plans WHERE hi = ? AND lo = ?")
  }

  func contains(_ uuid: UUIDv7) throws -> Bool {
    guard let lookup else { return false }
    let halves = uuid.signedHalves
    lookup.reset()
    try lookup.bind(.integer(halves.high), at: 1)
    try lookup.bind(.integer(halves.low), at: 2)
    return try lookup.step()
  }

  func drop() {
    guard let lookup else { return }
    lookup.reset()
    try? database.execute("DROP TABLE IF EXISTS temp.import_known_plans")
  }
}
