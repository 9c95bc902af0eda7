import Planner
import Storage

/// The JSON forms of models, GPUs and plans. Field names are SPEC's and the issue's: users
/// script against them, so add fields freely but never rename one.
///
/// Each record's fields are listed once, by an emitter that hands them out one leaf at a time:
/// the JSON objects collect them, and `export --format csv` writes them straight out as
/// columns (`memory.total_bytes`) without building a tree per row.
enum RecordJSON {
  /// Receives one field: its key and value.
  typealias Emit = (String, JSONValue) -> Void

  /// Collects emitted fields into an object.
  static func object(_ fields: (Emit) -> Void) -> JSONValue {
    var members: [(String, JSONValue)] = []
    fields { members.append(($0, $1)) }
    return .object(members)
  }

  static func modelFields(_ m: ModelConfig, _ emit: Emit) {
    emit("name", .string(m.name))
    emit("vocab_size", .int(m.vocabSize))
    emit("context_length", .int(m.contextLength))
    emit("num_layers", .int(m.numLayers))
    emit("d_model", .int(m.dModel))
    emit("num_heads", .int(m.numHeads))
    emit("num_kv_heads", .int(m.numKVHeads))
    emit("d_ff", .int(m.dFF))
    emit("ffn", .string(m.ffn.rawValue))
    emit("tied_embeddings", .bool(m.tiedEmbeddings))
    emit("norm", .string(m.norm.rawValue))
    emit("bias", .string(m.bias.rawValue))
    emit("positional", .string(m.positional.rawValue))
    emit("head_dim", JSONValue(m.headDim))
    emit(
      "experts",
      m.experts.map { e in
        .object([
          ("count", .int(e.count)), ("top_k", .int(e.topK)), ("shared", .int(e.shared)),
          ("ffn", .int(e.ffn)), ("shared_ffn", .int(e.sharedFFN)),
          ("first_dense_layers", .int(e.firstDenseLayers)), ("every", .int(e.every)),
          ("router_bias", .bool(e.routerBias)), ("expert_bias", .bool(e.expertBias)),
          ("shared_expert_gate", .bool(e.sharedExpertGate)),
        ])
      } ?? .null)
    emit(
      "latent_attention",
      m.latentAttention.map { l in
        .object([
          ("q_lora_rank", JSONValue(l.qLoraRank)), ("kv_lora_rank", .int(l.kvLoraRank)),
          ("qk_nope_head_dim", .int(l.qkNopeHeadDim)), ("qk_rope_head_dim", .int(l.qkRopeHeadDim)),
          ("v_head_dim", .int(l.vHeadDim)),
        ])
      } ?? .null)
    // Every figure a stored model keeps, so a JSON export can be imported exactly (issue 18).
    emit("qk_norm", .bool(m.qkNorm))
    emit("qk_norm_whole_projection", .bool(m.qkNormWholeProjection))
    emit("attention_sinks", .bool(m.attentionSinks))
    emit("dropout", .bool(m.dropout))
    emit("fused_qkv", .bool(m.fusedQKV))
  }

  static func gpuFields(_ g: HardwareProfile, _ emit: Emit) {
    emit("name", .string(g.name))
    emit("memory_bytes", .int(g.memoryBytes))
    // Spelled out, not built from NumericFormat: an export emits these a million times.
    emit("fp32_tflops", .double(g.peak.fp32 / 1e12))
    emit("tf32_tflops", JSONValue(g.peak.tf32.map { $0 / 1e12 }))
    emit("bf16_tflops", JSONValue(g.peak.bf16.map { $0 / 1e12 }))
    emit("fp16_tflops", JSONValue(g.peak.fp16.map { $0 / 1e12 }))
    emit("fp8_tflops", JSONValue(g.peak.fp8.map { $0 / 1e12 }))
    emit("price_per_hour", JSONValue(g.pricePerHour))
    emit("power_watts", JSONValue(g.powerWatts))
    emit("reserve_bytes", .int(g.reserveBytes))
    emit("source", .string(g.source))
    emit("memory_bandwidth_bytes_per_second", JSONValue(g.memoryBandwidth))
    emit("host_link_bandwidth_bytes_per_second", JSONValue(g.hostLinkBandwidth))
    // The peaks exactly, beside the TFLOPS above (x / 1e12 * 1e12 need not give x back).
    emit("fp32_flops_per_second", .double(g.peak.fp32))
    emit("tf32_flops_per_second", JSONValue(g.peak.tf32))
    emit("bf16_flops_per_second", JSONValue(g.peak.bf16))
    emit("fp16_flops_per_second", JSONValue(g.peak.fp16))
    emit("fp8_flops_per_second", JSONValue(g.peak.fp8))
  }

  static func setupFields(_ s: ResolvedSetup, _ emit: Emit) {
    emit("precision", .string(s.precision.rawValue))
    emit("attention", .string(s.attention.rawValue))
    emit("checkpointing", .string(s.checkpointing.rawValue))
    emit("num_gpus", .int(s.numGPUs))
    emit("zero_stage", .int(s.zeroStage))
    emit("batch_size", .int(s.batchSize))
    emit("batch_size_chosen", .bool(s.batchSizeChosen))
    emit("global_batch_size", .int(s.globalBatchSize))
    emit("gradient_accumulation_steps", .int(s.gradientAccumulationSteps))
    emit("steps", .int(s.steps))
    emit("tokens", .int(s.tokens))
    switch s.runLengthBasis {
    case .steps:
      emit("run_length_basis", .string("steps"))
      emit("tokens_per_parameter", .null)
    case .tokens:
      emit("run_length_basis", .string("tokens"))
      emit("tokens_per_parameter", .null)
    case .tokensPerParameter(let k):
      emit("run_length_basis", .string("tokens_per_parameter"))
      emit("tokens_per_parameter", .int(k))
    }
    emit("mfu", .double(s.mfu))
    emit("reserve_bytes", .int(s.reserveBytes))
    emit("fp32_gradients", .bool(s.fp32Gradients))
    emit("method", .string(s.method.rawValue))
    emit("seq_len", .int(s.sequenceLength))
    emit("recompute", .string(s.recompute.rawValue))
    emit("tensor_parallel", .int(s.layout.tensorParallel))
    emit("pipeline_parallel", .int(s.layout.pipelineParallel))
    emit("virtual_stages", .int(s.layout.virtualStages))
    emit("sequence_parallel", .bool(s.layout.sequenceParallel))
    emit("context_parallel", .int(s.layout.contextParallel))
    emit("expert_parallel", .int(s.layout.expertParallel))
    emit("capacity_factor", s.capacityFactor.map { .double($0) } ?? .null)
    emit("data_parallel", .int(s.dataParallel))
    emit("micro_batches", .int(s.microBatches))
    emit("pipeline_layers", s.layout.pipelineLayers.map { .array($0.map { .int($0) }) } ?? .null)
    emit("cluster", s.cluster.map { .string($0.name) } ?? .null)
    // The cluster's figures as the plan used them (its GPU is the plan's).
    let c = s.cluster
    emit("cluster_gpus_per_node", JSONValue(c?.gpusPerNode))
    emit("cluster_intra_node_bandwidth_bytes_per_second", JSONValue(c?.intraNodeBandwidth))
    emit("cluster_inter_node_bandwidth_bytes_per_second", JSONValue(c?.interNodeBandwidth))
    emit("cluster_intra_node_latency_seconds", JSONValue(c?.intraNodeLatency))
    emit("cluster_inter_node_latency_seconds", JSONValue(c?.interNodeLatency))
    emit("cluster_source", JSONValue(c?.source))
    emit("finetune", .string(s.training.fineTuning.rawValue))
    let lora = s.training.fineTuning != .full
    emit("lora_rank", lora ? .int(s.training.lora.rank) : .null)
    emit("lora_targets", lora ? .array(s.training.lora.targets.map { .string($0) }) : .null)
    emit("lora_dtype", lora ? .string(s.training.lora.dtype.rawValue) : .null)
    emit("optimizer", .string(s.training.optimizer.rawValue))
    emit("offload", .string(s.training.offload.rawValue))
  }

  static func memoryFields(_ p: Plan, _ emit: Emit) {
    emit("parameters_bytes", .int(p.memory.parametersBytes))
    emit("gradients_bytes", .int(p.memory.gradientsBytes))
    emit("optimizer_state_bytes", .int(p.memory.optimizerStateBytes))
    emit("activations_bytes", .int(p.memory.activationsBytes))
    emit("activation_bytes_per_sequence", .int(p.memory.activationBytesPerSequence))
    emit("total_bytes", .int(p.memory.totalBytes))
    emit("gpu_memory_bytes", .int(p.hardware.memoryBytes))
    emit("usable_bytes", .int(p.usableBytes))
    emit("shortfall_bytes", .int(p.shortfallBytes))
    emit("host_bytes", .int(p.hostBytes))
    emit("peak_stage", .int(p.peakStage))
    emit("stages", .array(p.stages.map(stage)))
  }

  static func stage(_ s: StageMemory) -> JSONValue {
    .object([
      ("stage", .int(s.stage)), ("layers", .int(s.layers)),
      ("micro_batches_in_flight", .int(s.microBatchesInFlight)),
      ("parameters_bytes", .int(s.parametersBytes)), ("gradients_bytes", .int(s.gradientsBytes)),
      ("optimizer_state_bytes", .int(s.optimizerStateBytes)),
      ("activations_bytes", .int(s.activationsBytes)), ("total_bytes", .int(s.totalBytes)),
    ])
  }

  static func timeFields(_ t: StepTime, _ emit: Emit) {
    emit("model", .string(t.model.rawValue))
    emit("step_seconds", .double(t.stepSeconds))
    emit("compute_seconds", .double(t.computeSeconds))
    emit("bubble_seconds", .double(t.bubbleSeconds))
    emit("tensor_parallel_comm_seconds", .double(t.tensorParallelCommSeconds))
    emit("pipeline_comm_seconds", .double(t.pipelineCommSeconds))
    emit("data_parallel_comm_seconds", .double(t.dataParallelCommSeconds))
    emit("context_parallel_comm_seconds", .double(t.contextParallelCommSeconds))
    emit("expert_parallel_comm_seconds", .double(t.expertParallelCommSeconds))
    emit("optimizer_seconds", .double(t.optimizerSeconds))
    emit("offload_seconds", .double(t.offloadSeconds))
    emit("mfu", .double(t.mfu))
    emit("hfu", .double(t.hfu))
    emit("tokens_per_second", .double(t.tokensPerSecond))
  }

  static func flopsFields(_ c: ComputeEstimate, _ emit: Emit) {
    emit("forward_per_step", .double(c.forwardPerStep))
    emit("backward_per_step", .double(c.backwardPerStep))
    emit("recompute_per_step", .double(c.recomputePerStep))
    emit("optimizer_per_step", .double(c.optimizerPerStep))
    emit("per_step", .double(c.perStep))
    emit("total", .double(c.total))
    // Model FLOPs: what the step needs; hardware FLOPs: what the GPUs do, recomputation too.
    emit("model_per_step", .double(c.modelPerStep))
    emit("hardware_per_step", .double(c.perStep))
  }

  /// Every leaf of a stored plan as (group, key, value); group is "" for top-level fields.
  static func planLeaves(
    _ p: Plan, id: Int?, createdAt: String, sweepID: Int? = nil, uuid: UUIDv7? = nil,
    origin: String? = nil, _ emit: (String, String, JSONValue) -> Void
  ) {
    emit("", "id", JSONValue(id))
    emit("", "created_at", .string(createdAt))
    emit("", "sweep_id", JSONValue(sweepID))
    // Identity across databases (issue 18); null for a plan that was not saved.
    emit("", "uuid", JSONValue(uuid?.description))
    emit("", "origin", JSONValue(origin))
    // The same keys `fit` rows name the pair by.
    emit("", "model_name", .string(p.model.name))
    emit("", "gpu_name", .string(p.hardware.name))
    modelFields(p.model) { emit("model", $0, $1) }
    gpuFields(p.hardware) { emit("gpu", $0, $1) }
    setupFields(p.setup) { emit("setup", $0, $1) }
    emit("", "parameters", .int(p.parameters))
    emit("", "trainable_parameters", .int(p.trainableParameters))
    emit("", "active_parameters", .int(p.activeParameters))
    memoryFields(p) { emit("memory", $0, $1) }
    emit("", "fits", .bool(p.fits))
    emit("", "max_batch_size", .int(p.maxBatchSize))
    emit("", "gpus_needed", JSONValue(p.gpusNeeded))
    flopsFields(p.compute) { emit("flops", $0, $1) }
    timeFields(p.time) { emit("time", $0, $1) }
    emit("", "training_days", .double(p.compute.trainingDays))
    emit("", "gpu_hours", .double(p.compute.gpuHours))
    emit("", "cost", JSONValue(p.compute.cost))
    emit("", "energy_kwh", JSONValue(p.compute.energyKWh))
  }

  static func model(
    _ m: ModelConfig, source: String? = nil, createdAt: String? = nil, updatedAt: String? = nil,
    identity: (uuid: String, origin: String?)? = nil
  ) -> JSONValue {
    object { emit in
      modelFields(m, emit)
      // Every parameter, and those a token uses (an MoE layer's skipped experts left out).
      emit("parameters", JSONValue(try? DetailedMethod.parameterCount(m)))
      emit("active_parameters", JSONValue(try? DetailedMethod.activeParameterCount(m)))
      if let source { emit("source", .string(source)) }
      if let createdAt { emit("created_at", .string(createdAt)) }
      if let updatedAt { emit("updated_at", .string(updatedAt)) }
      if let identity { identityFields(identity.uuid, identity.origin, emit) }
    }
  }

  /// A saved record's identity across databases (issue 18).
  static func identityFields(_ uuid: String, _ origin: String?, _ emit: Emit) {
    emit("uuid", .string(uuid))
    emit("origin", JSONValue(origin))
  }

  static func model(_ r: ModelRecord) -> JSONValue {
    model(
      r.config, source: r.source, createdAt: r.createdAt, updatedAt: r.updatedAt,
      identity: (r.uuid, r.origin))
  }

  static func gpu(
    _ g: HardwareProfile, createdAt: String? = nil, updatedAt: String? = nil,
    identity: (uuid: String, origin: String?)? = nil
  ) -> JSONValue {
    object { emit in
      gpuFields(g, emit)
      if let createdAt { emit("created_at", .string(createdAt)) }
      if let updatedAt { emit("updated_at", .string(updatedAt)) }
      if let identity { identityFields(identity.uuid, identity.origin, emit) }
    }
  }

  static func gpu(_ r: HardwareRecord) -> JSONValue {
    gpu(r.profile, createdAt: r.createdAt, updatedAt: r.updatedAt, identity: (r.uuid, r.origin))
  }

  /// A saved cluster: its own figures (bytes per second, seconds) and its GPU by name;
  /// `gpu_removed` says the GPU is no longer saved.
  static func cluster(_ c: StoredCluster) -> JSONValue {
    let s = c.spec
    return .object([
      ("name", .string(s.name)),
      ("gpu_name", .string(s.gpuName)),
      ("gpu_removed", .bool(c.gpu == nil)),
      ("gpus_per_node", .int(s.gpusPerNode)),
      ("intra_node_bandwidth_bytes_per_second", .double(s.intraNodeBandwidth)),
      ("inter_node_bandwidth_bytes_per_second", .double(s.interNodeBandwidth)),
      ("intra_node_latency_seconds", .double(s.intraNodeLatency)),
      ("inter_node_latency_seconds", .double(s.interNodeLatency)),
      ("source", .string(s.source)),
      ("created_at", .string(c.createdAt)),
      ("updated_at", .string(c.updatedAt)),
      ("uuid", .string(c.uuid)),
      ("origin", JSONValue(c.origin)),
    ])
  }

  /// A plan, as `plan --json` prints it and `export` writes it. `fresh` adds what only a
  /// just-computed plan has: the activation bytes per sequence by component and the notes
  /// (neither is kept in the history).
  static func plan(
    _ p: Plan, id: Int?, createdAt: String, sweepID: Int? = nil, uuid: UUIDv7? = nil,
    origin: String? = nil, fresh: Bool = false, advice: PlanAdvice? = nil
  ) -> JSONValue {
    var members: [(String, JSONValue)] = []
    var group = ""
    var inner: [(String, JSONValue)] = []
    func close() {
      if !group.isEmpty { members.append((group, .object(inner))) }
      (group, inner) = ("", [])
    }
    planLeaves(p, id: id, createdAt: createdAt, sweepID: sweepID, uuid: uuid, origin: origin) {
      g, key, value in
      if g != group {
        close()
        group = g
      }
      if g.isEmpty { members.append((key, value)) } else { inner.append((key, value)) }
      if fresh && g == "memory" && key == "shortfall_bytes" {
        inner.append(
          (
            "activation_components",
            .object(p.memory.activationComponentBytes.map { ($0.name, .int($0.bytes)) })
          ))
      }
    }
    close()
    if fresh { members.append(("notes", .array(p.notes.map { .string($0) }))) }
    if let advice {
      members.append(("warnings", .array(advice.warnings.map { .string($0) })))
      members.append(
        (
          "levers",
          .array(
            advice.levers.map {
              .object([
                ("flags", .string($0.flags)), ("batch_size", .int($0.plan.setup.batchSize)),
                ("max_batch_size", .int($0.plan.maxBatchSize)),
                ("total_bytes", .int($0.plan.memory.totalBytes)),
              ])
            })
        ))
    }
    return .object(members)
  }

  static func plan(_ s: StoredPlan) -> JSONValue {
    plan(
      s.plan, id: s.id, createdAt: s.createdAt, sweepID: s.sweepID, uuid: s.uuid, origin: s.origin)
  }

  /// A plan's CSV columns: its leaves' paths.
  static var planColumns: [String] {
    let model = ModelConfig(
      name: "", vocabSize: 1, contextLength: 1, numLayers: 1, dModel: 1, numHeads: 1)
    let gpu = HardwareProfile(name: "", memoryBytes: 1, peak: PeakThroughput(fp32: 1))
    // Any plan has the same leaves; this one is only for their names.
    guard
      let plan = try? Planner.plan(
        model: model, hardware: gpu, setup: TrainingSetup(microBatchSize: 1))
    else {
      return []
    }
    var names: [String] = []
    planLeaves(plan, id: 0, createdAt: "") { g, key, _ in
      names.append(g.isEmpty ? key : g + "." + key)
    }
    return names
  }
}
