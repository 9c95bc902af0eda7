import Planner

/// A plan as the history holds it.
public struct StoredPlan: Equatable, Sendable {
  public var id: Int
  /// The sweep that made it, if one did.
  public var sweepID: Int?
  /// ISO 8601 UTC, e.g. `2026-11-29T14:05:43.123Z`.
  public var createdAt: String
  public var plan: Plan

  public init(id: Int, sweepID: Int? = nil, createdAt: String, plan: Plan) {
    self.id = id
    self.sweepID = sweepID
    self.createdAt = createdAt
    self.plan = plan
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
    sql += " ORDER BY id DESC"
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
    pairs += setup?.conditions ?? []
    let sql = pairs.isEmpty ? "" : " WHERE " + pairs.map(\.0).joined(separator: " AND ")
    return (sql, pairs.flatMap(\.1))
  }
}

/// The plans table's columns, each with how it is read off a `Plan`: the INSERT is built from
/// this list. Reading goes through `planReadOrder` and `decodePlan`, which list the same
/// columns in decoding order; `everyFigureRoundTrips` holds the two in step.
let planColumns: [(name: String, value: @Sendable (Plan) -> DatabaseValue)] = [
  ("model_name", { $0.model.name.databaseValue }),
  ("gpu_name", { $0.hardware.name.databaseValue }),
  ("vocab_size", { $0.model.vocabSize.databaseValue }),
  ("context_length", { $0.model.contextLength.databaseValue }),
  ("num_layers", { $0.model.numLayers.databaseValue }),
  ("d_model", { $0.model.dModel.databaseValue }),
  ("num_heads", { $0.model.numHeads.databaseValue }),
  ("num_kv_heads", { $0.model.numKVHeads.databaseValue }),
  ("d_ff", { $0.model.dFF.databaseValue }),
  ("ffn", { $0.model.ffn.rawValue.databaseValue }),
  ("tied_embeddings", { $0.model.tiedEmbeddings.databaseValue }),
  ("norm", { $0.model.norm.rawValue.databaseValue }),
  ("bias", { $0.model.bias.rawValue.databaseValue }),
  ("positional", { $0.model.positional.rawValue.databaseValue }),
  ("dropout", { $0.model.dropout.databaseValue }),
  ("fused_qkv", { $0.model.fusedQKV.databaseValue }),
  ("experts", { ArchitectureColumns.experts($0.model.experts).databaseValue }),
  ("attention_variant", { ArchitectureColumns.attention($0.model).databaseValue }),
  ("active_parameters", { $0.activeParameters.databaseValue }),
  ("gpu_memory_bytes", { $0.hardware.memoryBytes.databaseValue }),
  ("gpu_reserve_bytes", { $0.hardware.reserveBytes.databaseValue }),
  ("gpu_fp32_flops", { $0.hardware.peak.fp32.databaseValue }),
  ("gpu_tf32_flops", { $0.hardware.peak.tf32.databaseValue }),
  ("gpu_bf16_flops", { $0.hardware.peak.bf16.databaseValue }),
  ("gpu_fp16_flops", { $0.hardware.peak.fp16.databaseValue }),
  ("gpu_fp8_flops", { $0.hardware.peak.fp8.databaseValue }),
  ("gpu_price_per_hour", { $0.hardware.pricePerHour.databaseValue }),
  ("gpu_power_watts", { $0.hardware.powerWatts.databaseValue }),
  ("gpu_source", { $0.hardware.source.databaseValue }),
  ("gpu_memory_bandwidth", { $0.hardware.memoryBandwidth.databaseValue }),
  ("gpu_host_link_bandwidth", { $0.hardware.hostLinkBandwidth.databaseValue }),
  ("batch_size", { $0.setup.batchSize.databaseValue }),
  ("batch_size_chosen", { $0.setup.batchSizeChosen.databaseValue }),
  ("global_batch_size", { $0.setup.globalBatchSize.databaseValue }),
  ("gradient_accumulation_steps", { $0.setup.gradientAccumulationSteps.databaseValue }),
  ("steps", { $0.setup.steps.databaseValue }),
  ("tokens", { $0.setup.tokens.databaseValue }),
  ("run_length_basis", { RunLengthColumns(basis: $0.setup.runLengthBasis).basis.databaseValue }),
  (
    "tokens_per_parameter",
    { RunLengthColumns(basis: $0.setup.runLengthBasis).tokensPerParameter.databaseValue }
  ),
  ("mfu", { $0.setup.mfu.databaseValue }),
  ("num_gpus", { $0.setup.numGPUs.databaseValue }),
  ("precision", { $0.setup.precision.rawValue.databaseValue }),
  ("attention", { $0.setup.attention.rawValue.databaseValue }),
  ("checkpointing", { $0.setup.checkpointing.rawValue.databaseValue }),
  ("zero_stage", { $0.setup.zeroStage.databaseValue }),
  ("fp32_gradients", { $0.setup.fp32Gradients.databaseValue }),
  ("reserve_bytes", { $0.setup.reserveBytes.databaseValue }),
  ("method", { $0.setup.method.rawValue.databaseValue }),
  ("seq_len", { $0.setup.sequenceLength.databaseValue }),
  ("tensor_parallel", { $0.setup.layout.tensorParallel.databaseValue }),
  ("pipeline_parallel", { $0.setup.layout.pipelineParallel.databaseValue }),
  ("context_parallel", { $0.setup.layout.contextParallel.databaseValue }),
  ("virtual_stages", { $0.setup.layout.virtualStages.databaseValue }),
  ("sequence_parallel", { $0.setup.layout.sequenceParallel.databaseValue }),
  ("pipeline_layers", { StageColumns.layers($0.setup.layout.pipelineLayers).databaseValue }),
  ("data_parallel", { $0.setup.dataParallel.databaseValue }),
  ("peak_stage", { $0.peakStage.databaseValue }),
  ("stages", { StageColumns.encode($0.stages).databaseValue }),
  ("time_model", { TimeColumns.predicted($0)?.model.rawValue.databaseValue ?? .null }),
  ("step_seconds", { TimeColumns.predicted($0)?.stepSeconds.databaseValue ?? .null }),
  ("compute_seconds", { TimeColumns.predicted($0)?.computeSeconds.databaseValue ?? .null }),
  ("bubble_seconds", { TimeColumns.predicted($0)?.bubbleSeconds.databaseValue ?? .null }),
  (
    "tensor_parallel_comm_seconds",
    { TimeColumns.predicted($0)?.tensorParallelCommSeconds.databaseValue ?? .null }
  ),
  (
    "pipeline_comm_seconds",
    { TimeColumns.predicted($0)?.pipelineCommSeconds.databaseValue ?? .null }
  ),
  (
    "data_parallel_comm_seconds",
    { TimeColumns.predicted($0)?.dataParallelCommSeconds.databaseValue ?? .null }
  ),
  (
    "context_parallel_comm_seconds",
    { TimeColumns.predicted($0)?.contextParallelCommSeconds.databaseValue ?? .null }
  ),
  ("optimizer_seconds", { TimeColumns.predicted($0)?.optimizerSeconds.databaseValue ?? .null }),
  ("offload_seconds", { TimeColumns.predicted($0)?.offloadSeconds.databaseValue ?? .null }),
  ("time_mfu", { TimeColumns.predicted($0)?.mfu.databaseValue ?? .null }),
  ("time_hfu", { TimeColumns.predicted($0)?.hfu.databaseValue ?? .null }),
  ("tokens_per_second", { TimeColumns.predicted($0)?.tokensPerSecond.databaseValue ?? .null }),
  ("cluster_name", { $0.setup.cluster?.name.databaseValue ?? .null }),
  ("cluster_gpus_per_node", { $0.setup.cluster?.gpusPerNode.databaseValue ?? .null }),
  ("cluster_intra_node_bandwidth", { $0.setup.cluster?.intraNodeBandwidth.databaseValue ?? .null }),
  ("cluster_inter_node_bandwidth", { $0.setup.cluster?.interNodeBandwidth.databaseValue ?? .null }),
  ("cluster_intra_node_latency", { $0.setup.cluster?.intraNodeLatency.databaseValue ?? .null }),
  ("cluster_inter_node_latency", { $0.setup.cluster?.interNodeLatency.databaseValue ?? .null }),
  ("cluster_source", { $0.setup.cluster?.source.databaseValue ?? .null }),
  ("finetune", { $0.setup.training.fineTuning.rawValue.databaseValue }),
  ("lora_rank", { TrainingColumns.lora($0)?.rank.databaseValue ?? .null }),
  (
    "lora_targets",
    { TrainingColumns.lora($0)?.targets.joined(separator: ",").databaseValue ?? .null }
  ),
  ("lora_dtype", { TrainingColumns.lora($0)?.dtype.rawValue.databaseValue ?? .null }),
  ("optimizer", { $0.setup.training.optimizer.rawValue.databaseValue }),
  ("offload", { $0.setup.training.offload.rawValue.databaseValue }),
  ("trainable_parameters", { $0.trainableParameters.databaseValue }),
  ("host_bytes", { $0.hostBytes.databaseValue }),
  ("parameters", { $0.parameters.databaseValue }),
  ("parameters_bytes", { $0.memory.parametersBytes.databaseValue }),
  ("gradients_bytes", { $0.memory.gradientsBytes.databaseValue }),
  ("optimizer_state_bytes", { $0.memory.optimizerStateBytes.databaseValue }),
  ("activations_bytes", { $0.memory.activationsBytes.databaseValue }),
  ("activation_bytes_per_sequence", { $0.memory.activationBytesPerSequence.databaseValue }),
  ("total_bytes", { $0.memory.totalBytes.databaseValue }),
  ("usable_bytes", { $0.usableBytes.databaseValue }),
  ("fits", { $0.fits.databaseValue }),
  ("max_batch_size", { $0.maxBatchSize.databaseValue }),
  ("gpus_needed", { $0.gpusNeeded.databaseValue }),
  // Expert parallelism (migration 0017).
  ("expert_parallel", { $0.setup.layout.expertParallel.databaseValue }),
  (
    "expert_parallel_comm_seconds",
    { TimeColumns.predicted($0)?.expertParallelCommSeconds.databaseValue ?? .null }
  ),
  ("forward_flops_per_step", { $0.compute.forwardPerStep.databaseValue }),
  ("backward_flops_per_step", { $0.compute.backwardPerStep.databaseValue }),
  ("recompute_flops_per_step", { $0.compute.recomputePerStep.databaseValue }),
  ("optimizer_flops_per_step", { $0.compute.optimizerPerStep.databaseValue }),
  ("total_flops", { $0.compute.total.databaseValue }),
  ("training_days", { $0.compute.trainingDays.databaseValue }),
  ("gpu_hours", { $0.compute.gpuHours.databaseValue }),
  ("cost", { $0.compute.cost.databaseValue }),
  ("energy_kwh", { $0.compute.energyKWh.databaseValue }),
]

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

  static func decode(_ basis: String, _ k: Int?) -> RunLengthBasis {
    switch basis {
    case "steps": return .steps
    case "tokens": return .tokens
    default: return .tokensPerParameter(k ?? 20)
    }
  }
}

/// Writes plans through one prepared statement, reused for every row.
final class PlanWriter {
  let statement: Statement
  let sweepIndex = Int32(planColumns.count + 2)

  init(database: Database) throws {
    statement = try database.prepare(
      InsertStatement.sql(
        table: "plans", columns: ["created_at"] + planColumns.map(\.name) + ["sweep_id"],
        onConflict: .fail))
  }

  /// Inserts one plan; the caller holds the transaction.
  func insert(_ plan: Plan, createdAt: String, sweepID: Int? = nil) throws -> Int {
    statement.reset()
    try statement.bind(.text(createdAt), at: 1)
    for (offset, column) in planColumns.enumerated() {
      try statement.bind(column.value(plan), at: Int32(offset + 2))
    }
    try statement.bind(sweepID.databaseValue, at: sweepIndex)
    try statement.step()
    return statement.database.lastInsertedRowID
  }
}

extension Store {
  /// Saves one plan, stamped now.
  @discardableResult
  public func insertPlan(_ plan: Plan) throws -> StoredPlan {
    let createdAt = Timestamp.now()
    let id = try write { try PlanWriter(database: database).insert(plan, createdAt: createdAt) }
    return StoredPlan(id: id, createdAt: createdAt, plan: plan)
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
      try database.prepare("SELECT \(Self.planReadOrder) FROM plans" + clause).forEachRow(values) {
        try body(try Self.decodePlan($0))
      }
    }
  }

  public func countPlans(_ filter: PlanFilter = PlanFilter()) throws -> Int {
    var f = filter
    f.limit = nil
    let (clause, values) = f.clause
    return try database.int("SELECT count(*) FROM (SELECT id FROM plans\(clause))", values) ?? 0
  }

  /// The columns `decodePlan` reads, in the order it reads them.
  static let planReadOrder = """
    model_name, vocab_size, context_length, num_layers, d_model, num_heads, num_kv_heads, d_ff,
    ffn, tied_embeddings, norm, bias, positional, gpu_name, gpu_memory_bytes, gpu_reserve_bytes,
    gpu_fp32_flops, gpu_tf32_flops, gpu_bf16_flops, gpu_fp16_flops, gpu_fp8_flops,
    gpu_price_per_hour, gpu_power_watts, gpu_source, gpu_memory_bandwidth, gpu_host_link_bandwidth, precision, batch_size, batch_size_chosen,
    global_batch_size, gradient_accumulation_steps, steps, tokens, run_length_basis,
    tokens_per_parameter, mfu, num_gpus, attention, checkpointing, zero_stage, fp32_gradients,
    reserve_bytes, method, seq_len, tensor_parallel, pipeline_parallel, context_parallel,
    virtual_stages, sequence_parallel, pipeline_layers, data_parallel, peak_stage, stages, dropout,
    time_model, step_seconds, compute_seconds, bubble_seconds, tensor_parallel_comm_seconds,
    pipeline_comm_seconds, data_parallel_comm_seconds, context_parallel_comm_seconds,
    optimizer_seconds, offload_seconds, time_mfu, time_hfu, tokens_per_second, cluster_name, cluster_gpus_per_node,
    cluster_intra_node_bandwidth, cluster_inter_node_bandwidth, cluster_intra_node_latency,
    cluster_inter_node_latency, cluster_source, finetune, lora_rank, lora_targets, lora_dtype,
    optimizer, offload, trainable_parameters, host_bytes, fused_qkv, experts, attention_variant,
    active_parameters,
    parameters_bytes, gradients_bytes, optimizer_state_bytes,
    activation_bytes_per_sequence, activations_bytes, total_bytes, forward_flops_per_step,
    backward_flops_per_step, recompute_flops_per_step, optimizer_flops_per_step, training_days,
    gpu_hours, cost, energy_kwh, parameters, usable_bytes, fits, max_batch_size, gpus_needed, id,
    sweep_id, created_at, expert_parallel, expert_parallel_comm_seconds
    """

  static func decodePlan(_ row: Row) throws -> StoredPlan {
    let model = try decodeModelConfig(row, nameColumn: "model_name")
    let hardware = try decodeHardware(row, HardwareColumns.plans)
    let precision = TrainingPrecision(rawValue: try row.text("precision")) ?? .fp32
    var setup = ResolvedSetup(
      batchSize: try row.int("batch_size"), batchSizeChosen: try row.bool("batch_size_chosen"),
      globalBatchSize: try row.int("global_batch_size"),
      gradientAccumulationSteps: try row.int("gradient_accumulation_steps"),
      steps: try row.int("steps"), tokens: try row.int("tokens"),
      runLengthBasis: RunLengthColumns.decode(
        try row.text("run_length_basis"), try row.optionalInt("tokens_per_parameter")),
      mfu: try row.double("mfu"), numGPUs: try row.int("num_gpus"), precision: precision,
      attention: AttentionKernel(rawValue: try row.text("attention")) ?? .naive,
      checkpointing: Checkpointing(rawValue: try row.text("checkpointing")) ?? .none,
      zeroStage: try row.int("zero_stage"), fp32Gradients: try row.bool("fp32_gradients"),
      reserveBytes: try row.int("reserve_bytes"),
      method: AccountingMethod(rawValue: try row.text("method")) ?? .seed,
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
    setup.training = try TrainingColumns.training(row)
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
      tokens: setup.tokens, peakFLOPS: hardware.peak[precision.format] ?? hardware.peak.fp32,
      trainingDays: try row.double("training_days"), gpuHours: try row.double("gpu_hours"),
      cost: try row.optionalDouble("cost"), energyKWh: try row.optionalDouble("energy_kwh"))
    let plan = Plan(
      model: model, hardware: hardware, setup: setup, parameters: try row.int("parameters"),
      memory: memory, usableBytes: try row.int("usable_bytes"), fits: try row.bool("fits"),
      maxBatchSize: try row.int("max_batch_size"), gpusNeeded: try row.optionalInt("gpus_needed"),
      compute: compute, stages: try StageColumns.decode(try row.optionalText("stages")),
      peakStage: try row.int("peak_stage"), time: try TimeColumns.time(row),
      trainableParameters: try row.optionalInt("trainable_parameters"),
      activeParameters: try row.optionalInt("active_parameters"),
      hostBytes: try row.int("host_bytes"))
    return StoredPlan(
      id: try row.int("id"), sweepID: try row.optionalInt("sweep_id"),
      createdAt: try row.text("created_at"), plan: plan)
  }
}

/// A plan's pipeline stages in one text column: "layers in_flight parameters gradients
/// optimizer activations total" per stage, stages separated by ';'. A single stage is stored
/// as NULL: its figures are the plan's own.
enum StageColumns {
  static func encode(_ stages: [StageMemory]) -> String? {
    guard stages.count > 1 else { return nil }
    return stages.map {
      [
        $0.layers, $0.microBatchesInFlight, $0.parametersBytes, $0.gradientsBytes,
        $0.optimizerStateBytes, $0.activationsBytes, $0.totalBytes,
      ].map(String.init).joined(separator: " ")
    }.joined(separator: ";")
  }

  static func decode(_ text: String?) throws -> [StageMemory]? {
    guard let text else { return nil }
    return try text.split(separator: ";").enumerated().map { k, line in
      let n = line.split(separator: " ").compactMap { Int($0) }
      guard n.count == 7 else { throw StoreError.corrupt("plans.stages '\(line)'") }
      return StageMemory(
        stage: k, layers: n[0], microBatchesInFlight: n[1], parametersBytes: n[2],
        gradientsBytes: n[3], optimizerStateBytes: n[4], activationsBytes: n[5], totalBytes: n[6])
    }
  }

  static func layers(_ layers: [Int]?) -> String? {
    layers.map { $0.map(String.init).joined(separator: ",") }
  }

  static func layers(_ text: String?) throws -> [Int]? {
    try text.map { text in
      try text.split(separator: ",").map {
        guard let n = Int($0) else { throw StoreError.corrupt("plans.pipeline_layers '\(text)'") }
        return n
      }
    }
  }
}

/// A plan's step time and cluster in columns. A time that follows from the MFU is not
/// stored: it is derived from the plan's own figures when read.
enum TimeColumns {
  static func predicted(_ plan: Plan) -> StepTime? {
    plan.time.model == .predicted ? plan.time : nil
  }

  static func time(_ row: Row) throws -> StepTime? {
    guard let model = try row.optionalText("time_model") else { return nil }
    guard let kind = StepTime.Model(rawValue: model) else {
      throw StoreError.corrupt("plans.time_model '\(model)'")
    }
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
  static func lora(_ plan: Plan) -> LoRA? {
    plan.setup.training.fineTuning == .full ? nil : plan.setup.training.lora
  }

  static func training(_ row: Row) throws -> Training {
    func parse<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
      let text = try row.text(column)
      guard let value = T(rawValue: text) else {
        throw StoreError.corrupt("plans.\(column) '\(text)'")
      }
      return value
    }
    var training = Training(
      fineTuning: try parse("finetune"), optimizer: try parse("optimizer"),
      offload: try parse("offload"))
    if let rank = try row.optionalInt("lora_rank") {
      let dtype: TrainingPrecision = try parse("lora_dtype")
      training.lora = LoRA(
        rank: rank,
        targets: (try row.optionalText("lora_targets") ?? "").split(separator: ",").map(
          String.init),
        dtype: dtype)
    }
    return training
  }
}
