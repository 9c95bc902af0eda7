import ConfigImport
import Planner
import Storage

/// One plan of a JSON export (`export --format json`) read back into the stored plan it was
/// written from: the inverse of `RecordJSON.planLeaves`, key for key, and of what
/// `Store.decodePlan` reads from a row, so that exporting the imported plan gives the same
/// JSON again. Figures a plan derives when it is read (the step time from the MFU, a single
/// stage) are derived here the same way.
enum ExportedPlan {
  static func stored(_ value: ConfigValue) throws -> StoredPlan {
    let top = try JSONFields(value)
    let model = try Self.model(try top.object("model"))
    let hardware = try Self.hardware(try top.object("gpu"))
    let setup = try Self.setup(try top.object("setup"), model: model, gpu: hardware)
    let memory = try top.object("memory")
    let breakdown = MemoryBreakdown(
      parametersBytes: try memory.int("parameters_bytes"),
      gradientsBytes: try memory.int("gradients_bytes"),
      optimizerStateBytes: try memory.int("optimizer_state_bytes"),
      activationBytesPerSequence: try memory.int("activation_bytes_per_sequence"),
      batchSize: setup.batchSize, activationsBytes: try memory.int("activations_bytes"),
      totalBytes: try memory.int("total_bytes"))
    let flops = try top.object("flops")
    let compute = ComputeEstimate(
      forwardPerStep: try flops.double("forward_per_step"),
      backwardPerStep: try flops.double("backward_per_step"),
      recomputePerStep: try flops.double("recompute_per_step"),
      optimizerPerStep: try flops.double("optimizer_per_step"), steps: setup.steps,
      tokens: setup.tokens,
      peakFLOPS: hardware.peakFLOPS(for: setup.precision),
      trainingDays: try top.double("training_days"), gpuHours: try top.double("gpu_hours"),
      cost: try top.optionalDouble("cost"), energyKWh: try top.optionalDouble("energy_kwh"))
    let plan = Plan(
      model: model, hardware: hardware, setup: setup, parameters: try top.int("parameters"),
      memory: breakdown, usableBytes: try memory.int("usable_bytes"), fits: try top.bool("fits"),
      maxBatchSize: try top.int("max_batch_size"), gpusNeeded: try top.optionalInt("gpus_needed"),
      compute: compute, stages: try stages(memory), peakStage: try memory.int("peak_stage"),
      time: try time(try top.object("time")),
      trainableParameters: try top.int("trainable_parameters"),
      activeParameters: try top.int("active_parameters"), hostBytes: try memory.int("host_bytes"))
    return StoredPlan(
      id: try top.int("id"), sweepID: try top.optionalInt("sweep_id"),
      createdAt: try createdAt(top), plan: plan, uuid: try uuid(top),
      origin: try top.optionalString("origin"))
  }

  static func createdAt(_ top: JSONFields) throws -> String {
    let text = try top.string("created_at")
    // The stored form exactly: it sorts and filters the history as text.
    guard text.utf8.count == 24, text.hasSuffix("Z"),
      Timestamp.lowerBound(from: text) == String(text.dropLast())
    else {
      throw top.problem("created_at", "it must be a UTC time such as 2026-11-29T14:05:43.123Z")
    }
    return text
  }

  static func uuid(_ top: JSONFields) throws -> UUIDv7? {
    guard let text = try top.optionalString("uuid") else { return nil }
    guard let uuid = UUIDv7(text) else { throw top.problem("uuid", "it must be a UUID") }
    return uuid
  }

  static func model(_ m: JSONFields) throws -> ModelConfig {
    var config = ModelConfig(
      name: try m.string("name"), vocabSize: try m.int("vocab_size"),
      contextLength: try m.int("context_length"), numLayers: try m.int("num_layers"),
      dModel: try m.int("d_model"), numHeads: try m.int("num_heads"),
      numKVHeads: try m.int("num_kv_heads"), dFF: try m.int("d_ff"), ffn: try m.choice("ffn"),
      tiedEmbeddings: try m.bool("tied_embeddings"), norm: try m.choice("norm"),
      bias: try m.choice("bias"), positional: try m.choice("positional"),
      dropout: try m.bool("dropout"), fusedQKV: try m.bool("fused_qkv"))
    config.headDim = try m.optionalInt("head_dim")
    config.qkNorm = try m.bool("qk_norm")
    config.qkNormWholeProjection = try m.bool("qk_norm_whole_projection")
    config.attentionSinks = try m.bool("attention_sinks")
    config.experts = try m.optionalObject("experts").map { e in
      Experts(
        count: try e.int("count"), topK: try e.int("top_k"), shared: try e.int("shared"),
        ffn: try e.int("ffn"), sharedFFN: try e.int("shared_ffn"),
        firstDenseLayers: try e.int("first_dense_layers"), every: try e.int("every"),
        routerBias: try e.bool("router_bias"), expertBias: try e.bool("expert_bias"),
        sharedExpertGate: try e.bool("shared_expert_gate"))
    }
    config.latentAttention = try m.optionalObject("latent_attention").map { l in
      LatentAttention(
        qLoraRank: try l.optionalInt("q_lora_rank"), kvLoraRank: try l.int("kv_lora_rank"),
        qkNopeHeadDim: try l.int("qk_nope_head_dim"),
        qkRopeHeadDim: try l.int("qk_rope_head_dim"), vHeadDim: try l.int("v_head_dim"))
    }
    return config
  }

  /// The GPU, its peaks from the exact FLOP/s keys (the TFLOPS beside them are for reading).
  static func hardware(_ g: JSONFields) throws -> HardwareProfile {
    HardwareProfile(
      name: try g.string("name"), memoryBytes: try g.int("memory_bytes"),
      reserveBytes: try g.int("reserve_bytes"),
      peak: PeakThroughput(
        fp32: try g.double("fp32_flops_per_second"),
        tf32: try g.optionalDouble("tf32_flops_per_second"),
        bf16: try g.optionalDouble("bf16_flops_per_second"),
        fp16: try g.optionalDouble("fp16_flops_per_second"),
        fp8: try g.optionalDouble("fp8_flops_per_second")),
      pricePerHour: try g.optionalDouble("price_per_hour"),
      powerWatts: try g.optionalDouble("power_watts"), source: try g.string("source"),
      memoryBandwidth: try g.optionalDouble("memory_bandwidth_bytes_per_second"),
      hostLinkBandwidth: try g.optionalDouble("host_link_bandwidth_bytes_per_second"))
  }

  static func setup(_ s: JSONFields, model: ModelConfig, gpu: HardwareProfile) throws
    -> ResolvedSetup
  {
    var setup = ResolvedSetup(
      batchSize: try s.int("batch_size"), batchSizeChosen: try s.bool("batch_size_chosen"),
      globalBatchSize: try s.int("global_batch_size"),
      gradientAccumulationSteps: try s.int("gradient_accumulation_steps"),
      steps: try s.int("steps"), tokens: try s.int("tokens"),
      runLengthBasis: try runLength(s), mfu: try s.double("mfu"), numGPUs: try s.int("num_gpus"),
      precision: try s.choice("precision"), attention: try s.choice("attention"),
      checkpointing: try s.choice("checkpointing"), zeroStage: try s.int("zero_stage"),
      fp32Gradients: try s.bool("fp32_gradients"), reserveBytes: try s.int("reserve_bytes"),
      method: try s.choice("method"), sequenceLength: try s.int("seq_len"))
    setup.layout = ParallelLayout(
      tensorParallel: try s.int("tensor_parallel"),
      pipelineParallel: try s.int("pipeline_parallel"),
      contextParallel: try s.int("context_parallel"), virtualStages: try s.int("virtual_stages"),
      sequenceParallel: try s.bool("sequence_parallel"),
      pipelineLayers: try s.optionalInts("pipeline_layers"),
      expertParallel: try s.int("expert_parallel"))
    setup.dataParallel = try s.int("data_parallel")
    setup.cluster = try cluster(s, gpu: gpu)
    setup.training = try training(s)
    setup.capacityFactor = try s.optionalDouble("capacity_factor")
    return setup
  }

  static func runLength(_ s: JSONFields) throws -> RunLengthBasis {
    switch try s.string("run_length_basis") {
    case "steps": return .steps
    case "tokens": return .tokens
    case "tokens_per_parameter":
      guard let k = try s.optionalInt("tokens_per_parameter") else {
        throw s.problem("tokens_per_parameter", "it must be a whole number under its basis")
      }
      return .tokensPerParameter(k)
    default:
      throw s.problem("run_length_basis", "it must be one of steps, tokens, tokens_per_parameter")
    }
  }

  static func cluster(_ s: JSONFields, gpu: HardwareProfile) throws -> ClusterProfile? {
    guard let name = try s.optionalString("cluster") else { return nil }
    return ClusterProfile(
      name: name, gpu: gpu, gpusPerNode: try s.int("cluster_gpus_per_node"),
      intraNodeBandwidth: try s.double("cluster_intra_node_bandwidth_bytes_per_second"),
      interNodeBandwidth: try s.double("cluster_inter_node_bandwidth_bytes_per_second"),
      intraNodeLatency: try s.double("cluster_intra_node_latency_seconds"),
      interNodeLatency: try s.double("cluster_inter_node_latency_seconds"),
      source: try s.string("cluster_source"))
  }

  static func training(_ s: JSONFields) throws -> Training {
    var training = Training(
      fineTuning: try s.choice("finetune"), optimizer: try s.choice("optimizer"),
      offload: try s.choice("offload"))
    if training.fineTuning != .full {
      training.lora = LoRA(
        rank: try s.int("lora_rank"), targets: try s.optionalStrings("lora_targets") ?? [],
        dtype: try s.choice("lora_dtype"))
    }
    return training
  }

  static func stages(_ memory: JSONFields) throws -> [StageMemory]? {
    let items = try memory.array("stages")
    return try items.enumerated().map { i, item in
      let s = try JSONFields(item, path: memory.name("stages[\(i)]"))
      return StageMemory(
        stage: try s.int("stage"), layers: try s.int("layers"),
        microBatchesInFlight: try s.int("micro_batches_in_flight"),
        parametersBytes: try s.int("parameters_bytes"),
        gradientsBytes: try s.int("gradients_bytes"),
        optimizerStateBytes: try s.int("optimizer_state_bytes"),
        activationsBytes: try s.int("activations_bytes"), totalBytes: try s.int("total_bytes"))
    }
  }

  /// A predicted step time as written; one that follows from the MFU is derived again.
  static func time(_ t: JSONFields) throws -> StepTime? {
    let kind: StepTime.Model = try t.choice("model")
    guard kind == .predicted else { return nil }
    return StepTime(
      model: kind, stepSeconds: try t.double("step_seconds"),
      computeSeconds: try t.double("compute_seconds"),
      bubbleSeconds: try t.double("bubble_seconds"),
      tensorParallelCommSeconds: try t.double("tensor_parallel_comm_seconds"),
      pipelineCommSeconds: try t.double("pipeline_comm_seconds"),
      dataParallelCommSeconds: try t.double("data_parallel_comm_seconds"),
      contextParallelCommSeconds: try t.double("context_parallel_comm_seconds"),
      expertParallelCommSeconds: try t.double("expert_parallel_comm_seconds"),
      optimizerSeconds: try t.double("optimizer_seconds"),
      offloadSeconds: try t.double("offload_seconds"), mfu: try t.double("mfu"),
      hfu: try t.double("hfu"), tokensPerSecond: try t.double("tokens_per_second"))
  }
}
