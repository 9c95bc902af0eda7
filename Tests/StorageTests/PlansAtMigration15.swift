import Planner

@testable import Storage

/// How trainplan stored a plan before migration 16 (commit 7a0c460): one row of `plans` with
/// every column, the model, GPU and setup snapshot repeated in each. The column list is a
/// frozen copy of that commit's `planColumns`, so the migration is tested on rows exactly as
/// that code wrote them, whatever the current writer does.
enum PlansAtMigration15 {
  /// Inserts `plan` into a database at migration 15; returns its id.
  @discardableResult
  static func insert(_ plan: Plan, into db: Database, createdAt: String, sweepID: Int? = nil)
    throws -> Int
  {
    let names = ["created_at"] + columns.map(\.name) + ["sweep_id"]
    let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
    let values: [any DatabaseValueConvertible] =
      [createdAt] + columns.map { $0.value(plan) } + [sweepID.databaseValue]
    try db.execute(
      "INSERT INTO plans (\(names.joined(separator: ", "))) VALUES (\(marks))", values)
    return db.lastInsertedRowID
  }

  static func predicted(_ plan: Plan) -> StepTime? {
    plan.time.model == .predicted ? plan.time : nil
  }

  static func lora(_ plan: Plan) -> LoRA? {
    plan.setup.training.fineTuning == .full ? nil : plan.setup.training.lora
  }

  static let columns: [(name: String, value: @Sendable (Plan) -> DatabaseValue)] = [
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
    ("time_model", { predicted($0)?.model.rawValue.databaseValue ?? .null }),
    ("step_seconds", { predicted($0)?.stepSeconds.databaseValue ?? .null }),
    ("compute_seconds", { predicted($0)?.computeSeconds.databaseValue ?? .null }),
    ("bubble_seconds", { predicted($0)?.bubbleSeconds.databaseValue ?? .null }),
    (
      "tensor_parallel_comm_seconds",
      { predicted($0)?.tensorParallelCommSeconds.databaseValue ?? .null }
    ),
    (
      "pipeline_comm_seconds",
      { predicted($0)?.pipelineCommSeconds.databaseValue ?? .null }
    ),
    (
      "data_parallel_comm_seconds",
      { predicted($0)?.dataParallelCommSeconds.databaseValue ?? .null }
    ),
    (
      "context_parallel_comm_seconds",
      { predicted($0)?.contextParallelCommSeconds.databaseValue ?? .null }
    ),
    ("optimizer_seconds", { predicted($0)?.optimizerSeconds.databaseValue ?? .null }),
    ("offload_seconds", { predicted($0)?.offloadSeconds.databaseValue ?? .null }),
    ("time_mfu", { predicted($0)?.mfu.databaseValue ?? .null }),
    ("time_hfu", { predicted($0)?.hfu.databaseValue ?? .null }),
    ("tokens_per_second", { predicted($0)?.tokensPerSecond.databaseValue ?? .null }),
    ("cluster_name", { $0.setup.cluster?.name.databaseValue ?? .null }),
    ("cluster_gpus_per_node", { $0.setup.cluster?.gpusPerNode.databaseValue ?? .null }),
    (
      "cluster_intra_node_bandwidth",
      { $0.setup.cluster?.intraNodeBandwidth.databaseValue ?? .null }
    ),
    (
      "cluster_inter_node_bandwidth",
      { $0.setup.cluster?.interNodeBandwidth.databaseValue ?? .null }
    ),
    ("cluster_intra_node_latency", { $0.setup.cluster?.intraNodeLatency.databaseValue ?? .null }),
    ("cluster_inter_node_latency", { $0.setup.cluster?.interNodeLatency.databaseValue ?? .null }),
    ("cluster_source", { $0.setup.cluster?.source.databaseValue ?? .null }),
    ("finetune", { $0.setup.training.fineTuning.rawValue.databaseValue }),
    ("lora_rank", { lora($0)?.rank.databaseValue ?? .null }),
    (
      "lora_targets",
      { lora($0)?.targets.joined(separator: ",").databaseValue ?? .null }
    ),
    ("lora_dtype", { lora($0)?.dtype.rawValue.databaseValue ?? .null }),
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
}
