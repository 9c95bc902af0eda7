import Planner

/// One column of the `plans` view: its name there, the table that stores it (migration 0017)
/// and its name in that table, and how it is read off a plan. `PlanColumn.all` is the one list
/// of a plan's columns: the INSERTs of the snapshot tables and of `plan_rows` and the SELECT
/// of the view are all built from it.
struct PlanColumn: Sendable {
  /// Where a column is stored: in one of the snapshot tables, which hold each distinct
  /// snapshot once, or in the plan's own row.
  enum Table: Sendable, CaseIterable {
    case model, gpu, setup, plan

    /// The table's name.
    var name: String {
      switch self {
      case .model: "model_snapshots"
      case .gpu: "gpu_snapshots"
      case .setup: "setup_snapshots"
      case .plan: "plan_rows"
      }
    }

    /// The column of `plan_rows` that holds a snapshot's id. Spelled out rather than
    /// interpolated: describing an enum case costs four protocol-conformance scans at start-up.
    var reference: String {
      switch self {
      case .model: "model_snapshot_id"
      case .gpu: "gpu_snapshot_id"
      case .setup: "setup_snapshot_id"
      case .plan: "plan_snapshot_id"
      }
    }
  }

  let name: String
  let table: Table
  let stored: String
  let value: @Sendable (PlanFields) -> DatabaseValue

  init(
    _ table: Table, _ name: String, stored: String? = nil,
    _ value: @escaping @Sendable (PlanFields) -> DatabaseValue
  ) {
    self.name = name
    self.table = table
    self.stored = stored ?? name
    self.value = value
  }

  /// The columns of one table, in list order.
  static func of(_ table: Table) -> [PlanColumn] { all.filter { $0.table == table } }
}

/// A plan with what several of its columns share, worked out once per row: the predicted
/// time backs 13 columns, the LoRA options three, the run length two.
struct PlanFields {
  let plan: Plan
  let predicted: StepTime?
  let lora: LoRA?
  let runLength: RunLengthColumns

  init(_ plan: Plan) {
    self.plan = plan
    predicted = plan.time.model == .predicted ? plan.time : nil
    lora = plan.setup.training.fineTuning == .full ? nil : plan.setup.training.lora
    runLength = RunLengthColumns(basis: plan.setup.runLengthBasis)
  }
}

extension PlanColumn {
  /// Every column, in the order `Store.decodePlan` reads them (each read then finds its
  /// column at the statement's cursor, without a name lookup).
  static let all: [PlanColumn] =
    modelColumns + gpuColumns + setupColumns + figureColumns + timeColumns + trainingFigures
    + expertColumns

  static let modelColumns: [PlanColumn] = [
    PlanColumn(.model, "model_name", stored: "name") { $0.plan.model.name.databaseValue },
    PlanColumn(.model, "vocab_size") { $0.plan.model.vocabSize.databaseValue },
    PlanColumn(.model, "context_length") { $0.plan.model.contextLength.databaseValue },
    PlanColumn(.model, "num_layers") { $0.plan.model.numLayers.databaseValue },
    PlanColumn(.model, "d_model") { $0.plan.model.dModel.databaseValue },
    PlanColumn(.model, "num_heads") { $0.plan.model.numHeads.databaseValue },
    PlanColumn(.model, "num_kv_heads") { $0.plan.model.numKVHeads.databaseValue },
    PlanColumn(.model, "d_ff") { $0.plan.model.dFF.databaseValue },
    PlanColumn(.model, "ffn") { $0.plan.model.ffn.rawValue.databaseValue },
    PlanColumn(.model, "tied_embeddings") { $0.plan.model.tiedEmbeddings.databaseValue },
    PlanColumn(.model, "norm") { $0.plan.model.norm.rawValue.databaseValue },
    PlanColumn(.model, "bias") { $0.plan.model.bias.rawValue.databaseValue },
    PlanColumn(.model, "positional") { $0.plan.model.positional.rawValue.databaseValue },
    PlanColumn(.model, "dropout") { $0.plan.model.dropout.databaseValue },
    PlanColumn(.model, "fused_qkv") { $0.plan.model.fusedQKV.databaseValue },
    PlanColumn(.model, "experts") {
      ArchitectureColumns.experts($0.plan.model.experts).databaseValue
    },
    PlanColumn(.model, "attention_variant") {
      ArchitectureColumns.attention($0.plan.model).databaseValue
    },
  ]

  static let gpuColumns: [PlanColumn] = [
    PlanColumn(.gpu, "gpu_name", stored: "name") { $0.plan.hardware.name.databaseValue },
    PlanColumn(.gpu, "gpu_memory_bytes", stored: "memory_bytes") {
      $0.plan.hardware.memoryBytes.databaseValue
    },
    PlanColumn(.gpu, "gpu_reserve_bytes", stored: "reserve_bytes") {
      $0.plan.hardware.reserveBytes.databaseValue
    },
    PlanColumn(.gpu, "gpu_fp32_flops", stored: "fp32_flops") {
      $0.plan.hardware.peak.fp32.databaseValue
    },
    PlanColumn(.gpu, "gpu_tf32_flops", stored: "tf32_flops") {
      $0.plan.hardware.peak.tf32.databaseValue
    },
    PlanColumn(.gpu, "gpu_bf16_flops", stored: "bf16_flops") {
      $0.plan.hardware.peak.bf16.databaseValue
    },
    PlanColumn(.gpu, "gpu_fp16_flops", stored: "fp16_flops") {
      $0.plan.hardware.peak.fp16.databaseValue
    },
    PlanColumn(.gpu, "gpu_fp8_flops", stored: "fp8_flops") {
      $0.plan.hardware.peak.fp8.databaseValue
    },
    PlanColumn(.gpu, "gpu_price_per_hour", stored: "price_per_hour") {
      $0.plan.hardware.pricePerHour.databaseValue
    },
    PlanColumn(.gpu, "gpu_power_watts", stored: "power_watts") {
      $0.plan.hardware.powerWatts.databaseValue
    },
    PlanColumn(.gpu, "gpu_source", stored: "source") { $0.plan.hardware.source.databaseValue },
    PlanColumn(.gpu, "gpu_memory_bandwidth", stored: "memory_bandwidth") {
      $0.plan.hardware.memoryBandwidth.databaseValue
    },
    PlanColumn(.gpu, "gpu_host_link_bandwidth", stored: "host_link_bandwidth") {
      $0.plan.hardware.hostLinkBandwidth.databaseValue
    },
  ]

  /// The resolved setup: its batch and run length are the plan's own, the rest (options,
  /// layout, cluster, training) is what the plans of a sweep share.
  static let setupColumns: [PlanColumn] = [
    PlanColumn(.plan, "batch_size") { $0.plan.setup.batchSize.databaseValue },
    PlanColumn(.plan, "batch_size_chosen") { $0.plan.setup.batchSizeChosen.databaseValue },
    PlanColumn(.plan, "global_batch_size") { $0.plan.setup.globalBatchSize.databaseValue },
    PlanColumn(.plan, "gradient_accumulation_steps") {
      $0.plan.setup.gradientAccumulationSteps.databaseValue
    },
    PlanColumn(.plan, "steps") { $0.plan.setup.steps.databaseValue },
    PlanColumn(.plan, "tokens") { $0.plan.setup.tokens.databaseValue },
    PlanColumn(.setup, "run_length_basis") { $0.runLength.basis.databaseValue },
    PlanColumn(.setup, "tokens_per_parameter") { $0.runLength.tokensPerParameter.databaseValue },
    PlanColumn(.setup, "mfu") { $0.plan.setup.mfu.databaseValue },
    PlanColumn(.setup, "num_gpus") { $0.plan.setup.numGPUs.databaseValue },
    PlanColumn(.setup, "precision") { $0.plan.setup.precision.rawValue.databaseValue },
    PlanColumn(.setup, "attention") { $0.plan.setup.attention.rawValue.databaseValue },
    PlanColumn(.setup, "checkpointing") { $0.plan.setup.checkpointing.rawValue.databaseValue },
    PlanColumn(.setup, "zero_stage") { $0.plan.setup.zeroStage.databaseValue },
    PlanColumn(.setup, "fp32_gradients") { $0.plan.setup.fp32Gradients.databaseValue },
    PlanColumn(.setup, "reserve_bytes") { $0.plan.setup.reserveBytes.databaseValue },
    PlanColumn(.setup, "method") { $0.plan.setup.method.rawValue.databaseValue },
    PlanColumn(.setup, "seq_len") { $0.plan.setup.sequenceLength.databaseValue },
    PlanColumn(.setup, "tensor_parallel") { $0.plan.setup.layout.tensorParallel.databaseValue },
    PlanColumn(.setup, "pipeline_parallel") {
      $0.plan.setup.layout.pipelineParallel.databaseValue
    },
    PlanColumn(.setup, "context_parallel") { $0.plan.setup.layout.contextParallel.databaseValue },
    PlanColumn(.setup, "virtual_stages") { $0.plan.setup.layout.virtualStages.databaseValue },
    PlanColumn(.setup, "sequence_parallel") {
      $0.plan.setup.layout.sequenceParallel.databaseValue
    },
    PlanColumn(.setup, "pipeline_layers") {
      StageColumns.layers($0.plan.setup.layout.pipelineLayers).databaseValue
    },
    PlanColumn(.setup, "data_parallel") { $0.plan.setup.dataParallel.databaseValue },
    PlanColumn(.setup, "cluster_name") { $0.plan.setup.cluster?.name.databaseValue ?? .null },
    PlanColumn(.setup, "cluster_gpus_per_node") {
      $0.plan.setup.cluster?.gpusPerNode.databaseValue ?? .null
    },
    PlanColumn(.setup, "cluster_intra_node_bandwidth") {
      $0.plan.setup.cluster?.intraNodeBandwidth.databaseValue ?? .null
    },
    PlanColumn(.setup, "cluster_inter_node_bandwidth") {
      $0.plan.setup.cluster?.interNodeBandwidth.databaseValue ?? .null
    },
    PlanColumn(.setup, "cluster_intra_node_latency") {
      $0.plan.setup.cluster?.intraNodeLatency.databaseValue ?? .null
    },
    PlanColumn(.setup, "cluster_inter_node_latency") {
      $0.plan.setup.cluster?.interNodeLatency.databaseValue ?? .null
    },
    PlanColumn(.setup, "cluster_source") { $0.plan.setup.cluster?.source.databaseValue ?? .null },
    PlanColumn(.setup, "finetune") { $0.plan.setup.training.fineTuning.rawValue.databaseValue },
    PlanColumn(.setup, "optimizer") { $0.plan.setup.training.optimizer.rawValue.databaseValue },
    PlanColumn(.setup, "offload") { $0.plan.setup.training.offload.rawValue.databaseValue },
    PlanColumn(.setup, "lora_rank") { $0.lora?.rank.databaseValue ?? .null },
    PlanColumn(.setup, "lora_dtype") { $0.lora?.dtype.rawValue.databaseValue ?? .null },
    PlanColumn(.setup, "lora_targets") {
      $0.lora?.targets.joined(separator: ",").databaseValue ?? .null
    },
  ]

  static let figureColumns: [PlanColumn] = [
    PlanColumn(.plan, "parameters_bytes") { $0.plan.memory.parametersBytes.databaseValue },
    PlanColumn(.plan, "gradients_bytes") { $0.plan.memory.gradientsBytes.databaseValue },
    PlanColumn(.plan, "optimizer_state_bytes") {
      $0.plan.memory.optimizerStateBytes.databaseValue
    },
    PlanColumn(.plan, "activation_bytes_per_sequence") {
      $0.plan.memory.activationBytesPerSequence.databaseValue
    },
    PlanColumn(.plan, "activations_bytes") { $0.plan.memory.activationsBytes.databaseValue },
    PlanColumn(.plan, "total_bytes") { $0.plan.memory.totalBytes.databaseValue },
    PlanColumn(.plan, "forward_flops_per_step") { $0.plan.compute.forwardPerStep.databaseValue },
    PlanColumn(.plan, "backward_flops_per_step") {
      $0.plan.compute.backwardPerStep.databaseValue
    },
    PlanColumn(.plan, "recompute_flops_per_step") {
      $0.plan.compute.recomputePerStep.databaseValue
    },
    PlanColumn(.plan, "optimizer_flops_per_step") {
      $0.plan.compute.optimizerPerStep.databaseValue
    },
    PlanColumn(.plan, "training_days") { $0.plan.compute.trainingDays.databaseValue },
    PlanColumn(.plan, "gpu_hours") { $0.plan.compute.gpuHours.databaseValue },
    PlanColumn(.plan, "cost") { $0.plan.compute.cost.databaseValue },
    PlanColumn(.plan, "energy_kwh") { $0.plan.compute.energyKWh.databaseValue },
    // Stored for SQL readers; the plan derives its own total from the four above.
    PlanColumn(.plan, "total_flops") { $0.plan.compute.total.databaseValue },
    PlanColumn(.plan, "parameters") { $0.plan.parameters.databaseValue },
    PlanColumn(.plan, "usable_bytes") { $0.plan.usableBytes.databaseValue },
    PlanColumn(.plan, "fits") { $0.plan.fits.databaseValue },
    PlanColumn(.plan, "max_batch_size") { $0.plan.maxBatchSize.databaseValue },
    PlanColumn(.plan, "gpus_needed") { $0.plan.gpusNeeded.databaseValue },
    PlanColumn(.plan, "stages") { StageColumns.encode($0.plan.stages).databaseValue },
    PlanColumn(.plan, "peak_stage") { $0.plan.peakStage.databaseValue },
  ]

  /// A predicted step time; NULL when the time follows from the MFU (derived when read).
  static let timeColumns: [PlanColumn] = [
    PlanColumn(.plan, "time_model") { $0.predicted?.model.rawValue.databaseValue ?? .null },
    PlanColumn(.plan, "step_seconds") { $0.predicted?.stepSeconds.databaseValue ?? .null },
    PlanColumn(.plan, "compute_seconds") { $0.predicted?.computeSeconds.databaseValue ?? .null },
    PlanColumn(.plan, "bubble_seconds") { $0.predicted?.bubbleSeconds.databaseValue ?? .null },
    PlanColumn(.plan, "tensor_parallel_comm_seconds") {
      $0.predicted?.tensorParallelCommSeconds.databaseValue ?? .null
    },
    PlanColumn(.plan, "pipeline_comm_seconds") {
      $0.predicted?.pipelineCommSeconds.databaseValue ?? .null
    },
    PlanColumn(.plan, "data_parallel_comm_seconds") {
      $0.predicted?.dataParallelCommSeconds.databaseValue ?? .null
    },
    PlanColumn(.plan, "context_parallel_comm_seconds") {
      $0.predicted?.contextParallelCommSeconds.databaseValue ?? .null
    },
    PlanColumn(.plan, "optimizer_seconds") {
      $0.predicted?.optimizerSeconds.databaseValue ?? .null
    },
    PlanColumn(.plan, "offload_seconds") { $0.predicted?.offloadSeconds.databaseValue ?? .null },
    PlanColumn(.plan, "time_mfu") { $0.predicted?.mfu.databaseValue ?? .null },
    PlanColumn(.plan, "time_hfu") { $0.predicted?.hfu.databaseValue ?? .null },
    PlanColumn(.plan, "tokens_per_second") {
      $0.predicted?.tokensPerSecond.databaseValue ?? .null
    },
  ]

  static let trainingFigures: [PlanColumn] = [
    PlanColumn(.plan, "trainable_parameters") { $0.plan.trainableParameters.databaseValue },
    PlanColumn(.plan, "active_parameters") { $0.plan.activeParameters.databaseValue },
    PlanColumn(.plan, "host_bytes") { $0.plan.hostBytes.databaseValue },
  ]

  /// Expert parallelism (migration 0018): in each plan's own row, since migration 0017's setup
  /// snapshots are keyed by the columns they had.
  static let expertColumns: [PlanColumn] = [
    PlanColumn(.plan, "expert_parallel") { $0.plan.setup.layout.expertParallel.databaseValue },
    PlanColumn(.plan, "expert_parallel_comm_seconds") {
      $0.predicted?.expertParallelCommSeconds.databaseValue ?? .null
    },
    // Migration 0020: the capacity factor, NULL for dropless routing.
    PlanColumn(.plan, "capacity_factor") { $0.plan.setup.capacityFactor.databaseValue },
  ]
}
