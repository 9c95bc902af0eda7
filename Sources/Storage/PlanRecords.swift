import Planner

/// A plan as the history holds it.
public struct StoredPlan: Equatable, Sendable {
  public var id: Int
  /// The sweep that made it, if one did.
  public var sweepID: Int?
  /// ISO 8601 UTC, e.g. `2026-11-29T14:05:43.123Z`.
  public var createdAt: String
  public var plan: Plan
  /// The plan's identity across databases (migration 0016).
  public var uuid: UUIDv7?
  /// `user@host` that made the plan.
  public var origin: String?

  public init(
    id: Int, sweepID: Int? = nil, createdAt: String, plan: Plan, uuid: UUIDv7? = nil,
    origin: String? = nil
  ) {
    self.id = id
    self.sweepID = sweepID
    self.createdAt = createdAt
    self.plan = plan
    self.uuid = uuid
    self.origin = origin
  }
}

/// The setup a plan must have been made with: every option that changes its figures.
public struct SetupMatch: Equatable, Sendable {
  public var setup: TrainingSetup

  public init(_ setup: TrainingSetup) { self.setup = setup }

  /// SQL conditions with their bound values. Options left at their defaults match what the
  /// default resolved to in each plan (the GPU's own reserve; B = b × G); a nil micro-batch
  /// matches any, since every micro-batch of a setup has the same largest batch.
  var conditions: [(String, [any DatabaseValueConvertible])] {
    let s = setup
    var out: [(String, [any DatabaseValueConvertible])] = [
      ("precision = ?", [s.precision.rawValue]), ("attention = ?", [s.attention.rawValue]),
      ("checkpointing = ?", [s.checkpointing.rawValue]), ("num_gpus = ?", [s.numGPUs]),
      ("zero_stage = ?", [s.zeroStage]), ("method = ?", [s.method.rawValue]),
      ("mfu = ?", [s.mfu]), ("fp32_gradients = ?", [s.fp32Gradients]),
      s.sequenceLength.map { ("coalesce(seq_len, context_length) = ?", [$0]) }
        ?? ("coalesce(seq_len, context_length) = context_length", []),
      ("tensor_parallel = ?", [s.layout.tensorParallel]),
      ("pipeline_parallel = ?", [s.layout.pipelineParallel]),
      ("context_parallel = ?", [s.layout.contextParallel]),
      ("virtual_stages = ?", [s.layout.virtualStages]),
      ("sequence_parallel = ?", [s.layout.sequenceParallel]),
      ("pipeline_layers IS ?", [StageColumns.layers(s.layout.pipelineLayers)]),
      ("cluster_name IS ?", [s.cluster?.name]),
      ("expert_parallel = ?", [s.layout.expertParallel]),
      ("capacity_factor IS ?", [s.capacityFactor]),
    ]
    if let b = s.microBatchSize { out.append(("batch_size = ?", [b])) }
    out.append(
      s.reserveBytes.map { ("reserve_bytes = ?", [$0]) } ?? (
        "reserve_bytes = gpu_reserve_bytes", []
      ))
    out.append(
      s.globalBatchSize.map { ("global_batch_size = ?", [$0]) }
        ?? ("global_batch_size = batch_size * num_gpus", []))
    switch s.runLength {
    case .steps(let n): out.append(("run_length_basis = 'steps' AND steps = ?", [n]))
    case .tokens(let t): out.append(("run_length_basis = 'tokens' AND tokens = ?", [t]))
    case .tokensPerParameter(let k):
      out.append(("run_length_basis = 'tokens_per_parameter' AND tokens_per_parameter = ?", [k]))
    }
    return out
  }
}

/// Which plans to read: every field optional, all of them combined.
public struct PlanFilter: Equatable, Sendable {
  public var model: String?
  public var gpu: String?
  /// Plans created at or after this timestamp prefix (see `Timestamp.lowerBound`).
  public var since: String?
  public var sweep: Int?
  public var setup: SetupMatch?
  /// Only these plan ids (a report of chosen plans).
  public var ids: [Int]?
  /// Only plans made at this origin (`user@host`), exactly.
  public var origin: String?
  /// Oldest first instead of newest first (a copy keeps creation order in its ids).
  public var oldestFirst = false
  public var limit: Int?

  public init(
    model: String? = nil, gpu: String? = nil, since: String? = nil, sweep: Int? = nil,
    limit: Int? = nil
  ) {
    self.model = model
    self.gpu = gpu
    self.sweep = sweep
    self.since = since
    self.limit = limit
  }

  /// The WHERE/LIMIT clause and its bound values; never the values themselves in the SQL.
  var clause: (sql: String, values: [any DatabaseValueConvertible]) {
    var (sql, values) = condition
    // Ids only grow, so id order is creation order (migration 0005 explains the indexes).
    sql += oldestFirst ? " ORDER BY id" : " ORDER BY id DESC"
    if let limit {
      sql += " LIMIT ?"
      values.append(limit)
    }
    return (sql, values)
  }

  /// The WHERE clause alone (empty when nothing is filtered), for aggregate queries.
  var condition: (sql: String, values: [any DatabaseValueConvertible]) {
    var pairs: [(String, [any DatabaseValueConvertible])] = []
    // A name as typed and in NFC: records are saved in NFC, plans from before may not be.
    if let model { pairs.append(("model_name IN (?, ?)", [model, RecordName.normalized(model)])) }
    if let gpu { pairs.append(("gpu_name IN (?, ?)", [gpu, RecordName.normalized(gpu)])) }
    if let since { pairs.append(("created_at >= ?", [since])) }
    if let sweep {
      // The sweep's id range bounds the scan (migration 0006); sweep_id picks its rows in it.
      pairs.append(("sweep_id = ?", [sweep]))
      pairs.append(("id >= (SELECT first_plan_id FROM sweeps WHERE id = ?)", [sweep]))
      pairs.append(("id <= (SELECT last_plan_id FROM sweeps WHERE id = ?)", [sweep]))
    }
    if let ids {
      let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
      pairs.append(("id IN (\(marks))", ids))
    }
    if let origin {
      pairs.append(("origin_id = (SELECT id FROM origins WHERE name = ?)", [origin]))
    }
    pairs += setup?.conditions ?? []
    let sql = pairs.isEmpty ? "" : " WHERE " + pairs.map(\.0).joined(separator: " AND ")
    return (sql, pairs.flatMap(\.1))
  }
}

/// How a run-length basis is spelled in two columns.
struct RunLengthColumns {
  var basis: String
  var tokensPerParameter: Int?

  init(basis: RunLengthBasis) {
    switch basis {
    case .steps: (self.basis, tokensPerParameter) = ("steps", nil)
    case .tokens: (self.basis, tokensPerParameter) = ("tokens", nil)
    case .tokensPerParameter(let k): (self.basis, tokensPerParameter) = ("tokens_per_parameter", k)
    }
  }

  static func decode(_ row: Row, _ record: @autoclosure () -> String) throws -> RunLengthBasis {
    let basis = try row.text("run_length_basis")
    let k = try row.optionalInt("tokens_per_parameter")
    switch basis {
    case "steps": return .steps
    case "tokens": return .tokens
    case "tokens_per_parameter" where k != nil: return .tokensPerParameter(k!)
    case "tokens_per_parameter":
      throw StoreError.corrupt("\(record()): tokens_per_parameter is NULL under its basis")
    default:
      throw StoreError.corrupt(
        "\(record()): run_length_basis '\(basis)' is not one of steps, tokens, tokens_per_parameter"
      )
    }
  }
}

/// Writes plans: each plan's own row through one prepared statement, reused for every row, and
/// its model, GPU and shared setup as references to snapshots stored once (migration 0017).
final class PlanWriter {
  let statement: Statement
  let models: SnapshotWriter<ModelConfig>
  let gpus: SnapshotWriter<HardwareProfile>
  let setups: SnapshotWriter<ResolvedSetup>
  /// The `origins` id of the origin plans are written with unless told another.
  let originID: Int
  static let rowColumns = PlanColumn.of(.plan)
  static let leading =
    ["created_at", "sweep_id"] + [PlanColumn.Table.model, .gpu, .setup].map(\.reference)
  /// The identity columns (migration 0016), after the plan's own figures.
  static let identity = ["uuid_hi", "uuid_lo", "origin_id"]

  /// Prepares the INSERT; the caller holds the write transaction (this process's origin is
  /// added to `origins` in it). `newSnapshots` says most snapshots met will be new (a
  /// sweep's thousands of model shapes), which sets the order their writers try; they are
  /// written through `snapshots` when given (a sweep's second connection), else in the
  /// caller's transaction.
  init(database: Database, newSnapshots: Bool = false, snapshots: Database? = nil) throws {
    statement = try database.prepare(
      InsertStatement.sql(
        table: PlanColumn.Table.plan.name, columns: Self.columns, onConflict: .fail))
    let target = snapshots ?? database
    models = try SnapshotWriter(.model, database: target, mostlyNew: newSnapshots)
    gpus = try SnapshotWriter(.gpu, database: target, mostlyNew: newSnapshots)
    setups = try SnapshotWriter(.setup, database: target, mostlyNew: newSnapshots)
    originID = try Store.originID(Origin.current, in: database)
  }

  /// Inserts one plan, new (a fresh UUID, this origin) unless `uuid` and `originID` say whose
  /// it is (an imported plan); the caller holds the transaction.
  func insert(
    _ plan: Plan, createdAt: String, sweepID: Int? = nil, uuid: UUIDv7? = nil,
    originID: Int? = nil
  ) throws -> Int {
    let fields = PlanFields(plan)
    let references = [
      try models.id(plan.model, fields), try gpus.id(plan.hardware, fields),
      try setups.id(plan.setup.shared, fields),
    ]
    statement.reset()
    try statement.bind(.text(createdAt), at: 1)
    try statement.bind(sweepID.databaseValue, at: 2)
    for (offset, id) in references.enumerated() {
      try statement.bind(.integer(Int64(id)), at: Int32(offset + 3))
    }
    let first = Int32(Self.leading.count + 1)
    for (offset, column) in Self.rowColumns.enumerated() {
      try statement.bind(column.value(fields), at: first + Int32(offset))
    }
    let identityIndex = first + Int32(Self.rowColumns.count)
    let halves = (uuid ?? UUIDv7.next()).signedHalves
    try statement.bind(.integer(halves.high), at: identityIndex)
    try statement.bind(.integer(halves.low), at: identityIndex + 1)
    try statement.bind((originID ?? self.originID).databaseValue, at: identityIndex + 2)
    try statement.step()
    return statement.database.lastInsertedRowID
  }

  /// The columns of `plan_rows` a plan fills, in the order `insert` binds them.
  static let columns = leading + rowColumns.map(\.stored) + identity

  /// One plan's COPY line, but for its id, time, sweep and snapshot ids, which `settle` puts
  /// first: the values `insert` binds, each in PostgreSQL's text form.
  func copyRow(_ plan: Plan) -> CopyRow {
    let fields = PlanFields(plan)
    let references = [
      models.idOrPlaceholder(plan.model, fields), gpus.idOrPlaceholder(plan.hardware, fields),
      setups.idOrPlaceholder(plan.setup.shared, fields),
    ]
    let halves = UUIDv7.next().signedHalves
    var line = ""
    func put(_ value: DatabaseValue) {
      line += "\t"
      CopyText.append(value, to: &line)
    }
    for column in Self.rowColumns { put(column.value(fields)) }
    put(.integer(halves.high))
    put(.integer(halves.low))
    put(originID.databaseValue)
    return CopyRow(references: references, rest: line + "\n")
  }

  /// A plan's COPY line, its snapshots' ids still to settle: each reference is an id, or a
  /// placeholder below zero that `settle` replaces once the piece's new snapshots are written.
  struct CopyRow {
    var references: [Int]
    var rest: String
  }

  /// Writes the snapshots the rows' placeholders wait for and returns the rows' COPY text,
  /// the row ids from `firstID` on (see `SweepWriter.copyPiece`).
  func settle(_ rows: [CopyRow], createdAt: String, sweepID: Int?, firstID: Int) throws -> String {
    let resolved = [
      try models.resolveWaiting(), try gpus.resolveWaiting(), try setups.resolveWaiting(),
    ]
    var head = ""
    for value in [DatabaseValue.text(createdAt), sweepID.databaseValue] {
      head += "\t"
      CopyText.append(value, to: &head)
    }
    var text = ""
    for (offset, row) in rows.enumerated() {
      text += String(firstID + offset)
      text += head
      for (table, id) in row.references.enumerated() {
        text += "\t"
        text += String(id > 0 ? id : resolved[table][-id - 1])
      }
      text += row.rest
    }
    return text
  }

  /// Forgets the snapshot ids met so far: call it when a transaction begins, since one that
  /// rolled back may have taken back the snapshots it added.
  func forgetSnapshots() {
    models.forget()
    gpus.forget()
    setups.forget()
  }
}

extension ResolvedSetup {
  /// The setup without the figures each plan has its own of (batch and run length): the key
  /// of its snapshot, which every setup column is read off.
  var shared: ResolvedSetup {
    var s = self
    (s.batchSize, s.batchSizeChosen, s.globalBatchSize) = (0, false, 0)
    (s.gradientAccumulationSteps, s.steps, s.tokens) = (0, 0, 0)
    return s
  }
}

extension Store {
  /// Saves one plan, stamped now.
  @discardableResult
  public func insertPlan(_ plan: Plan) throws -> StoredPlan {
    let createdAt = Timestamp.now()
    let uuid = UUIDv7.next()
    let id = try write {
      try PlanWriter(database: database).insert(plan, createdAt: createdAt, uuid: uuid)
    }
    return StoredPlan(
      id: id, createdAt: createdAt, plan: plan, uuid: uuid, origin: Origin.current)
  }

  /// Saves many plans in one transaction through one reused statement: all or none.
  @discardableResult
  public func insertPlans(_ plans: [Plan]) throws -> [Int] {
    let createdAt = Timestamp.now()
    return try write {
      let writer = try PlanWriter(database: database)
      return try plans.map { try writer.insert($0, createdAt: createdAt) }
    }
  }

  /// Plans newest first, filtered.
  public func plans(_ filter: PlanFilter = PlanFilter()) throws -> [StoredPlan] {
    var out: [StoredPlan] = []
    try forEachPlan(filter) { out.append($0) }
    return out
  }

  /// Calls `body` with each plan, newest first, one row at a time, inside one read
  /// transaction: a consistent snapshot in bounded memory, however many plans there are.
  public func forEachPlan(_ filter: PlanFilter = PlanFilter(), _ body: (StoredPlan) throws -> Void)
    throws
  {
    let (clause, values) = filter.clause
    try database.read {
      let origins = try originNames()
      try database.prepare("SELECT \(Self.planReadOrder) FROM plans" + clause).forEachRow(values) {
        var stored = try Self.decodePlan($0)
        stored.origin = try $0.optionalInt("origin_id").flatMap { origins[$0] }
        try body(stored)
      }
    }
  }

  public func countPlans(_ filter: PlanFilter = PlanFilter()) throws -> Int {
    var f = filter
    f.limit = nil
    let (clause, values) = f.clause
    return try database.int(
      "SELECT count(*) FROM (SELECT id FROM plans\(clause)) AS selected", values) ?? 0
  }

  /// The columns `decodePlan` reads, in the order it reads them.
  static let planReadOrder =
    (["id", "sweep_id", "created_at"] + PlanColumn.all.map(\.name) + PlanWriter.identity)
    .joined(separator: ", ")

  static func decodePlan(_ row: Row) throws -> StoredPlan {
    let id = try row.int("id")
    let sweepID = try row.optionalInt("sweep_id")
    let createdAt = try row.text("created_at")
    let record = { "plans row \(id)" }
    let model = try decodeModelConfig(row, nameColumn: "model_name", record: record())
    let hardware = try decodeHardware(row, HardwareColumns.plans)
    var setup = ResolvedSetup(
      batchSize: try row.int("batch_size"), batchSizeChosen: try row.bool("batch_size_chosen"),
      globalBatchSize: try row.int("global_batch_size"),
      gradientAccumulationSteps: try row.int("gradient_accumulation_steps"),
      steps: try row.int("steps"), tokens: try row.int("tokens"),
      runLengthBasis: try RunLengthColumns.decode(row, record()),
      mfu: try row.double("mfu"), numGPUs: try row.int("num_gpus"),
      precision: try row.choice("precision", of: record()),
      attention: try row.choice("attention", of: record()),
      checkpointing: try row.choice("checkpointing", of: record()),
      zeroStage: try row.int("zero_stage"), fp32Gradients: try row.bool("fp32_gradients"),
      reserveBytes: try row.int("reserve_bytes"), method: try row.choice("method", of: record()),
      sequenceLength: try row.optionalInt("seq_len") ?? model.contextLength)
    setup.layout = ParallelLayout(
      tensorParallel: try row.int("tensor_parallel"),
      pipelineParallel: try row.int("pipeline_parallel"),
      contextParallel: try row.int("context_parallel"),
      virtualStages: try row.int("virtual_stages"),
      sequenceParallel: try row.bool("sequence_parallel"),
      pipelineLayers: try StageColumns.layers(try row.optionalText("pipeline_layers")),
      expertParallel: try row.int("expert_parallel"))
    setup.dataParallel = try row.optionalInt("data_parallel") ?? setup.numGPUs
    setup.cluster = try TimeColumns.cluster(row, gpu: hardware)
    setup.training = try TrainingColumns.training(row, record())
    setup.capacityFactor = try row.optionalDouble("capacity_factor")
    let memory = MemoryBreakdown(
      parametersBytes: try row.int("parameters_bytes"),
      gradientsBytes: try row.int("gradients_bytes"),
      optimizerStateBytes: try row.int("optimizer_state_bytes"),
      activationBytesPerSequence: try row.int("activation_bytes_per_sequence"),
      batchSize: setup.batchSize, activationsBytes: try row.int("activations_bytes"),
      totalBytes: try row.int("total_bytes"))
    let compute = ComputeEstimate(
      forwardPerStep: try row.double("forward_flops_per_step"),
      backwardPerStep: try row.double("backward_flops_per_step"),
      recomputePerStep: try row.double("recompute_flops_per_step"),
      optimizerPerStep: try row.double("optimizer_flops_per_step"), steps: setup.steps,
      tokens: setup.tokens,
      peakFLOPS: hardware.peakFLOPS(for: setup.precision),
      trainingDays: try row.double("training_days"), gpuHours: try row.double("gpu_hours"),
      cost: try row.optionalDouble("cost"), energyKWh: try row.optionalDouble("energy_kwh"))
    let plan = Plan(
      model: model, hardware: hardware, setup: setup, parameters: try row.int("parameters"),
      memory: memory, usableBytes: try row.int("usable_bytes"), fits: try row.bool("fits"),
      maxBatchSize: try row.int("max_batch_size"), gpusNeeded: try row.optionalInt("gpus_needed"),
      compute: compute, stages: try StageColumns.decode(try row.optionalText("stages")),
      peakStage: try row.int("peak_stage"), time: try TimeColumns.time(row, record()),
      trainableParameters: try row.optionalInt("trainable_parameters"),
      activeParameters: try row.optionalInt("active_parameters"),
      hostBytes: try row.int("host_bytes"))
    return StoredPlan(
      id: id, sweepID: sweepID, createdAt: createdAt, plan: plan, uuid: try planUUID(row))
  }
}

extension Store {
  /// A plan's UUID from its two halves (migration 0016).
  static func planUUID(_ row: Row) throws -> UUIDv7? {
    guard let high = try row.optionalInt("uuid_hi"), let low = try row.optionalInt("uuid_lo")
    else { return nil }
    return UUIDv7(signedHigh: Int64(high), signedLow: Int64(low))
  }
}

/// A plan's step time and cluster in columns. A time that follows from the MFU is not
/// stored: it is derived from the plan's own figures when read.
enum TimeColumns {
  static func time(_ row: Row, _ record: @autoclosure () -> String) throws -> StepTime? {
    guard try !row.isNull("time_model") else { return nil }
    let kind: StepTime.Model = try row.choice("time_model", of: record())
    func value(_ column: String) throws -> Double { try row.optionalDouble(column) ?? 0 }
    return StepTime(
      model: kind, stepSeconds: try value("step_seconds"),
      computeSeconds: try value("compute_seconds"), bubbleSeconds: try value("bubble_seconds"),
      tensorParallelCommSeconds: try value("tensor_parallel_comm_seconds"),
      pipelineCommSeconds: try value("pipeline_comm_seconds"),
      dataParallelCommSeconds: try value("data_parallel_comm_seconds"),
      contextParallelCommSeconds: try value("context_parallel_comm_seconds"),
      expertParallelCommSeconds: try value("expert_parallel_comm_seconds"),
      optimizerSeconds: try value("optimizer_seconds"),
      offloadSeconds: try value("offload_seconds"), mfu: try value("time_mfu"),
      hfu: try value("time_hfu"), tokensPerSecond: try value("tokens_per_second"))
  }

  static func cluster(_ row: Row, gpu: HardwareProfile) throws -> ClusterProfile? {
    guard let name = try row.optionalText("cluster_name") else { return nil }
    return ClusterProfile(
      name: name, gpu: gpu, gpusPerNode: try row.optionalInt("cluster_gpus_per_node") ?? 1,
      intraNodeBandwidth: try row.optionalDouble("cluster_intra_node_bandwidth") ?? 0,
      interNodeBandwidth: try row.optionalDouble("cluster_inter_node_bandwidth") ?? 0,
      intraNodeLatency: try row.optionalDouble("cluster_intra_node_latency") ?? 0,
      interNodeLatency: try row.optionalDouble("cluster_inter_node_latency") ?? 0,
      source: try row.optionalText("cluster_source") ?? "")
  }
}

/// A plan's training options in columns; the LoRA ones are NULL under full training.
enum TrainingColumns {
  static func training(_ row: Row, _ record: @autoclosure () -> String) throws -> Training {
    var training = Training(
      fineTuning: try row.choice("finetune", of: record()),
      optimizer: try row.choice("optimizer", of: record()),
      offload: try row.choice("offload", of: record()))
    if let rank = try row.optionalInt("lora_rank") {
      let dtype: TrainingPrecision = try row.choice("lora_dtype", of: record())
      training.lora = LoRA(
        rank: rank,
        targets: (try row.optionalText("lora_targets") ?? "").split(separator: ",").map(
          String.init),
        dtype: dtype)
    }
    return training
  }
}
