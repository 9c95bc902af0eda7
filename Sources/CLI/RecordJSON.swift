import Planner
import Storage

/// The JSON forms of models, GPUs and plans. Field names are SPEC's and the issue's: users
/// script against them, so add fields freely but never rename one.
enum RecordJSON {
  static func model(
    _ m: ModelConfig, source: String? = nil, createdAt: String? = nil, updatedAt: String? = nil
  ) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("name", .string(m.name)), ("vocab_size", .int(m.vocabSize)),
      ("context_length", .int(m.contextLength)), ("num_layers", .int(m.numLayers)),
      ("d_model", .int(m.dModel)), ("num_heads", .int(m.numHeads)),
      ("num_kv_heads", .int(m.numKVHeads)), ("d_ff", .int(m.dFF)), ("ffn", .string(m.ffn.rawValue)),
      ("tied_embeddings", .bool(m.tiedEmbeddings)), ("norm", .string(m.norm.rawValue)),
      ("bias", .string(m.bias.rawValue)), ("positional", .string(m.positional.rawValue)),
    ]
    if let source { members.append(("source", .string(source))) }
    if let createdAt { members.append(("created_at", .string(createdAt))) }
    if let updatedAt { members.append(("updated_at", .string(updatedAt))) }
    return .object(members)
  }

  static func model(_ r: ModelRecord) -> JSONValue {
    model(r.config, source: r.source, createdAt: r.createdAt, updatedAt: r.updatedAt)
  }

  static func gpu(_ g: HardwareProfile, createdAt: String? = nil, updatedAt: String? = nil)
    -> JSONValue
  {
    var members: [(String, JSONValue)] = [
      ("name", .string(g.name)), ("memory_bytes", .int(g.memoryBytes)),
    ]
    members += NumericFormat.allCases.map { f in
      ("\(f.rawValue)_tflops", JSONValue(g.peak[f].map { $0 / 1e12 }))
    }
    members += [
      ("price_per_hour", JSONValue(g.pricePerHour)), ("power_watts", JSONValue(g.powerWatts)),
      ("reserve_bytes", .int(g.reserveBytes)), ("source", .string(g.source)),
    ]
    if let createdAt { members.append(("created_at", .string(createdAt))) }
    if let updatedAt { members.append(("updated_at", .string(updatedAt))) }
    return .object(members)
  }

  static func gpu(_ r: HardwareRecord) -> JSONValue {
    gpu(r.profile, createdAt: r.createdAt, updatedAt: r.updatedAt)
  }

  static func setup(_ s: ResolvedSetup) -> JSONValue {
    let (basis, perParameter): (String, Int?) = {
      switch s.runLengthBasis {
      case .steps: return ("steps", nil)
      case .tokens: return ("tokens", nil)
      case .tokensPerParameter(let k): return ("tokens_per_parameter", k)
      }
    }()
    return .object([
      ("precision", .string(s.precision.rawValue)), ("attention", .string(s.attention.rawValue)),
      ("checkpointing", .string(s.checkpointing.rawValue)), ("num_gpus", .int(s.numGPUs)),
      ("zero_stage", .int(s.zeroStage)), ("batch_size", .int(s.batchSize)),
      ("batch_size_chosen", .bool(s.batchSizeChosen)),
      ("global_batch_size", .int(s.globalBatchSize)),
      ("gradient_accumulation_steps", .int(s.gradientAccumulationSteps)),
      ("steps", .int(s.steps)), ("tokens", .int(s.tokens)), ("run_length_basis", .string(basis)),
      ("tokens_per_parameter", JSONValue(perParameter)), ("mfu", .double(s.mfu)),
      ("reserve_bytes", .int(s.reserveBytes)), ("fp32_gradients", .bool(s.fp32Gradients)),
      ("method", .string(s.method.rawValue)),
    ])
  }

  /// A plan, as `plan --json` prints it and `export` writes it. `fresh` adds what only a just-computed plan has: the
  /// activation bytes per sequence by component and the notes (neither is kept in the history).
  static func plan(_ p: Plan, id: Int?, createdAt: String, fresh: Bool = false) -> JSONValue {
    var memory: [(String, JSONValue)] = [
      ("parameters_bytes", .int(p.memory.parametersBytes)),
      ("gradients_bytes", .int(p.memory.gradientsBytes)),
      ("optimizer_state_bytes", .int(p.memory.optimizerStateBytes)),
      ("activations_bytes", .int(p.memory.activationsBytes)),
      ("activation_bytes_per_sequence", .int(p.memory.activationBytesPerSequence)),
      ("total_bytes", .int(p.memory.totalBytes)),
      ("gpu_memory_bytes", .int(p.hardware.memoryBytes)),
      ("usable_bytes", .int(p.usableBytes)), ("shortfall_bytes", .int(p.shortfallBytes)),
    ]
    if fresh {
      memory.append(
        (
          "activation_components",
          .object(p.memory.activationComponentBytes.map { ($0.name, .int($0.bytes)) })
        ))
    }
    var members: [(String, JSONValue)] = [
      ("id", JSONValue(id)), ("created_at", .string(createdAt)), ("model", model(p.model)),
      ("gpu", gpu(p.hardware)), ("setup", setup(p.setup)), ("parameters", .int(p.parameters)),
      ("memory", .object(memory)), ("fits", .bool(p.fits)),
      ("max_batch_size", .int(p.maxBatchSize)),
      ("gpus_needed", JSONValue(p.gpusNeeded)),
      (
        "flops",
        .object([
          ("forward_per_step", .double(p.compute.forwardPerStep)),
          ("backward_per_step", .double(p.compute.backwardPerStep)),
          ("recompute_per_step", .double(p.compute.recomputePerStep)),
          ("optimizer_per_step", .double(p.compute.optimizerPerStep)),
          ("per_step", .double(p.compute.perStep)), ("total", .double(p.compute.total)),
        ])
      ),
      ("training_days", .double(p.compute.trainingDays)),
      ("gpu_hours", .double(p.compute.gpuHours)),
      ("cost", JSONValue(p.compute.cost)), ("energy_kwh", JSONValue(p.compute.energyKWh)),
    ]
    if fresh { members.append(("notes", .array(p.notes.map { .string($0) }))) }
    return .object(members)
  }

  static func plan(_ s: StoredPlan) -> JSONValue { plan(s.plan, id: s.id, createdAt: s.createdAt) }

  /// A plan's shape, for the CSV header of an empty export: computed from a toy plan so the
  /// header always has exactly the columns a real row would.
  static var emptyPlanShape: JSONValue {
    let model = ModelConfig(
      name: "", vocabSize: 1, contextLength: 1, numLayers: 1, dModel: 1, numHeads: 1)
    let gpu = HardwareProfile(name: "", memoryBytes: 1, peak: PeakThroughput(fp32: 1))
    guard
      let plan = try? Planner.plan(
        model: model, hardware: gpu, setup: TrainingSetup(microBatchSize: 1))
    else {
      return .object([])
    }
    return RecordJSON.plan(plan, id: 0, createdAt: "")
  }
}
