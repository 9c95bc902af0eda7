/// The planner service: turns a model, a GPU and a training setup into a `Plan`. The one
/// place where a method's counts (`Accounting`), a layout (`ParallelLayout`) and the training
/// setup combine (`StageMemoryModel`).
public enum Planner {
  /// Validates every input and computes the plan. Without a micro-batch it plans at the
  /// largest that fits (and divides the global batch), or at 1 when none fits.
  public static func plan(
    model: ModelConfig, hardware: HardwareProfile, setup: TrainingSetup = TrainingSetup()
  ) throws -> Plan {
    try plan(model: model, hardware: hardware, setup: setup, accounting: nil)
  }

  /// The same, reusing an `Accounting` computed for this model and setup (a sweep plans one
  /// model on many GPUs and batch sizes; what the method counts does not change with them).
  public static func plan(
    model: ModelConfig, hardware: HardwareProfile, setup: TrainingSetup, accounting: Accounting?
  ) throws -> Plan {
    // On a cluster the GPU is the cluster's.
    let hardware = setup.cluster?.gpu ?? hardware
    try model.validate()
    try hardware.validate()
    try setup.validate()
    let sequence = try sequenceLength(model, setup)
    let layout = setup.layout
    try LayoutRules.check(layout, model: model, sequence: sequence, attention: setup.attention)
    try LayoutRules.checkExperts(layout, model: model)
    try ExpertCapacity.check(setup.capacityFactor, model: model)
    let dataParallel = try LayoutRules.dataParallel(layout, numGPUs: setup.numGPUs)
    _ = try LayoutRules.expertDataParallel(layout, dataParallel: dataParallel)
    let stageLayers = try layout.stageLayers(numLayers: model.numLayers)
    let peak = try peakFLOPS(hardware, setup.precision)
    let method = try accounting ?? Self.accounting(model, setup)
    let shards = try Exact(quantity: "the ZeRO group").mul(dataParallel, layout.contextParallel)
    let perReplica = try setup.globalBatchSize.map {
      try GlobalBatch.perReplica($0, dataParallel: dataParallel)
    }
    let memoryModel = try StageMemoryModel(
      accounting: method, layout: layout, stageLayers: stageLayers, setup: setup,
      sequencesPerReplica: layout.pipelineParallel > 1 ? perReplica : nil)
    let reserve = setup.reserveBytes ?? hardware.reserveBytes
    let usable = hardware.memoryBytes - reserve
    if usable <= 0 {
      throw PlannerError.outOfRange(
        .reserveBytes, String(reserve),
        rule: "must be less than the GPU memory \(hardware.memoryBytes)")
    }
    let maxBatch = try memoryModel.maxBatchSize(usableBytes: usable, shards: shards)
    let batch = try GlobalBatch.microBatch(
      asked: setup.microBatchSize, largestFitting: maxBatch, global: setup.globalBatchSize,
      dataParallel: dataParallel,
      microBatchesMultipleOf: layout.virtualStages > 1 ? layout.pipelineParallel : 1)
    let terms = try ActivationTerms(memoryModel, batch: batch)
    let stages = try memoryModel.stages(terms, shards: shards)
    let peakStage = stages.indices.max { stages[$0].totalBytes < stages[$1].totalBytes } ?? 0
    let memory = try breakdown(stages[peakStage], memoryModel, batch: batch)
    let resolved = try resolve(
      setup, batchSize: batch, parameters: method.parameters, sequenceLength: sequence,
      reserve: reserve, dataParallel: dataParallel)
    let optimizerFLOPs = optimizerFLOPs(setup, method)
    // The days come from the MFU, or from the predicted step time on a cluster.
    func estimate(stepSeconds: Double?) -> ComputeEstimate {
      ComputeEstimate(
        perSequence: method.flops, sequencesPerStep: resolved.globalBatchSize,
        parameters: method.parameters, steps: resolved.steps, tokens: resolved.tokens,
        hardware: hardware, peakFLOPS: peak, numGPUs: setup.numGPUs, mfu: setup.mfu,
        optimizerFLOPs: optimizerFLOPs, stepSeconds: stepSeconds)
    }
    var compute = estimate(stepSeconds: nil)
    var time: StepTime?
    if let cluster = setup.cluster {
      let predicted = predictStep(
        model, sequence: sequence, setup: setup, cluster: cluster, accounting: method,
        memory: memoryModel, batch: batch, microBatches: resolved.microBatches,
        sequencesPerStep: resolved.globalBatchSize, dataParallel: dataParallel,
        stageStateBytes: stages.map {
          $0.parametersBytes + $0.gradientsBytes + $0.optimizerStateBytes
        })
      compute = estimate(stepSeconds: predicted.stepSeconds)
      time = predicted
    }
    let gpusNeeded = try memoryModel.shardsNeeded(terms, usableBytes: usable).map {
      ceilDiv($0, layout.contextParallel).roundedUp(toMultipleOf: layout.dataParallelStep)
        * layout.modelParallelGPUs
    }
    return Plan(
      model: model, hardware: hardware, setup: resolved, parameters: method.parameters,
      memory: memory, usableBytes: usable, fits: memory.totalBytes <= usable,
      maxBatchSize: maxBatch, gpusNeeded: gpusNeeded, compute: compute,
      notes: setup.notes + notes(model, sequence, stageLayers, setup, method) + method.notes,
      stages: stages, peakStage: peakStage, time: time,
      trainableParameters: method.trainableParameters,
      activeParameters: method.activeParameters,
      hostBytes: memoryModel.hostBytes(stage: peakStage, shards: shards))
  }

  /// FLOPs of one optimizer step: the optimizer's per-parameter work on what trains.
  static func optimizerFLOPs(_ setup: TrainingSetup, _ method: Accounting) -> Double {
    Double(setup.training.optimizer.flopsPerParameter) * Double(method.trainableParameters)
  }

  /// The step predicted on `cluster`: what a plan reports and what the layout search ranks
  /// layouts by, so the two cannot disagree. The FLOPs are summed as `ComputeEstimate` sums
  /// them.
  static func predictStep(
    _ model: ModelConfig, sequence: Int, setup: TrainingSetup, cluster: ClusterProfile,
    accounting method: Accounting, memory: StageMemoryModel, batch: Int, microBatches: Int,
    sequencesPerStep: Int, dataParallel: Int, stageStateBytes: [Int]
  ) -> StepTime {
    var run = model
    run.contextLength = sequence
    let n = Double(sequencesPerStep)
    let (forward, backward) = (method.flops.forward * n, method.flops.backward * n)
    let optimizer = optimizerFLOPs(setup, method)
    // A capacity factor's padded (or dropped) slots: executed, so hardware FLOPs, not model
    // FLOPs, which stay the dropless active ones. Forward, backward (2×), and the recomputed
    // forward under full recomputation.
    var padding = 0.0
    if let capacity = memory.capacity, let experts = model.experts {
      padding =
        capacity.paddingForwardFLOPs(
          batch: batch, sequencesPerStep: sequencesPerStep, layout: setup.layout,
          moeLayers: experts.moeLayers(in: 0..<model.numLayers),
          expertWeights: 3 * model.dModel * experts.ffn) * (setup.recompute == .full ? 4 : 3)
    }
    return StepTimeModel(
      model: run, vocabulary: method.paddedVocabulary, layout: setup.layout,
      stageLayers: memory.stageLayers, stageMoELayers: memory.stageMoELayers, cluster: cluster,
      precision: setup.precision,
      attention: setup.attention, recompute: setup.recompute, zeroStage: setup.zeroStage,
      gradientBytes: memory.bytesPerParameter.grads, dataParallel: dataParallel,
      offload: setup.training.offload, capacity: memory.capacity
    ).predict(
      batch: batch, microBatches: microBatches, stageParameters: memory.stageParameters,
      stageStateBytes: stageStateBytes, modelFLOPs: forward + backward + optimizer,
      hardwareFLOPs: forward + backward + method.flops.recompute * n + optimizer + padding,
      tokensPerStep: n * Double(sequence), numGPUs: setup.numGPUs)
  }

  /// The headline memory: the heaviest stage's figures.
  static func breakdown(_ stage: StageMemory, _ model: StageMemoryModel, batch: Int) throws
    -> MemoryBreakdown
  {
    let k = stage.stage
    let perSequence =
      try model.activations(stage: k, batch: 1) - model.activations(stage: k, batch: 0)
    return MemoryBreakdown(
      parametersBytes: stage.parametersBytes, gradientsBytes: stage.gradientsBytes,
      optimizerStateBytes: stage.optimizerStateBytes, activationBytesPerSequence: perSequence,
      activationComponentBytes: model.accounting.components, batchSize: batch,
      activationsBytes: stage.activationsBytes, totalBytes: stage.totalBytes)
  }

  /// S: the setup's, else the model's context length. A learned position table has a row per
  /// position of the checkpoint, so a longer sequence has no position to read.
  static func sequenceLength(_ model: ModelConfig, _ setup: TrainingSetup) throws -> Int {
    guard let s = setup.sequenceLength else { return model.contextLength }
    if model.positional == .learned && s > model.contextLength {
      throw PlannerError.outOfRange(
        .seqLen, String(s),
        rule:
          "must be at most \(model.contextLength): \(model.name.isEmpty ? "the model" : model.name) has a learned position table of \(model.contextLength) positions"
      )
    }
    return s
  }

  static func notes(
    _ model: ModelConfig, _ sequence: Int, _ stageLayers: [Int], _ setup: TrainingSetup,
    _ method: Accounting
  ) -> [String] {
    var notes: [String] = []
    if sequence > model.contextLength {
      notes.append(
        "sequences of \(sequence) tokens are longer than the model's context length \(model.contextLength); RoPE extrapolation beyond it is the user's to check"
      )
    }
    if setup.layout.pipelineLayers == nil, stageLayers.contains(where: { $0 != stageLayers[0] }) {
      notes.append(
        "\(model.numLayers) layers do not divide into \(stageLayers.count) stages: split \(DecimalText.list(stageLayers)) (the embedding and LM head stages take the smaller shares)"
      )
    }
    if method.paddedVocabulary != model.vocabSize {
      notes.append(
        "vocabulary padded from \(model.vocabSize) to \(method.paddedVocabulary) (a multiple of 128 × tensor parallel, as Megatron pads it); parameters count the padded rows"
      )
    }
    return notes
  }

  /// What a method counts for a model under a setup: it depends on the model and on the
  /// setup's method, precision, attention, recomputation, sequence length and tensor-parallel
  /// degree only (`Accounting.Key`). Parameters are the checkpoint's; activations and FLOPs
  /// are those of a sequence of S tokens, counted on the model with its context set to S.
  public static func accounting(_ model: ModelConfig, _ setup: TrainingSetup) throws -> Accounting {
    try accounting(model, setup, frozenBase: nil)
  }

  /// The same with the detailed method's LoRA base stored as `frozenBase` says, not as the
  /// training precision (`DetailedMethod.FrozenBase.of`): the measured fp32 base under bf16
  /// autocast, which no setup asks for.
  static func accounting(
    _ model: ModelConfig, _ setup: TrainingSetup, frozenBase: DetailedMethod.FrozenBase?
  ) throws -> Accounting {
    try model.validate()
    try setup.training.validate()
    var run = model
    run.contextLength = try sequenceLength(model, setup)
    var accounting: Accounting
    switch setup.method {
    case .seed: accounting = try SeedMethod.accounting(model, run: run, setup: setup)
    case .detailed:
      accounting = try DetailedMethod.accounting(
        model, run: run, setup: setup, frozenBase: frozenBase)
    case .megatron: accounting = try MegatronMethod.accounting(model, run: run, setup: setup)
    }
    accounting.activeParameters = accounting.parameters
    if let experts = model.experts {
      try MoEAccounting.apply(experts, to: &accounting, model: model, run: run, setup: setup)
    }
    if setup.training.fineTuning == .full {
      accounting.trainableParameters = accounting.parameters
    } else {
      try FineTuningAccounting.apply(
        setup.training, to: &accounting, model: model, run: run, method: setup.method)
    }
    return accounting
  }

  static func peakFLOPS(_ hardware: HardwareProfile, _ precision: TrainingPrecision) throws
    -> Double
  {
    guard let peak = hardware.peak[precision.format] else {
      throw PlannerError.unsupported(
        .precision, precision.rawValue,
        reason: "GPU \(hardware.name) lists no \(precision.rawValue) peak FLOP/s")
    }
    return peak
  }

  /// Decides the global batch, accumulation steps and run length.
  static func resolve(
    _ setup: TrainingSetup, batchSize: Int, parameters: Int, sequenceLength: Int, reserve: Int,
    dataParallel: Int
  ) throws -> ResolvedSetup {
    let x = Exact(quantity: "the run length")
    let perPass = try x.mul(batchSize, dataParallel)
    let global = setup.globalBatchSize ?? perPass
    let tokensPerStep = try x.mul(global, sequenceLength)
    let steps: Int
    let tokens: Int
    let basis: RunLengthBasis
    switch setup.runLength {
    case .steps(let n):
      (steps, tokens, basis) = (n, try x.mul(n, tokensPerStep), .steps)
    case .tokens(let t):
      (steps, tokens, basis) = (ceilDiv(t, tokensPerStep), t, .tokens)
    case .tokensPerParameter(let k):
      let t = try x.mul(k, parameters)
      (steps, tokens, basis) = (ceilDiv(t, tokensPerStep), t, .tokensPerParameter(k))
    }
    var resolved = ResolvedSetup(
      batchSize: batchSize, batchSizeChosen: setup.microBatchSize == nil, globalBatchSize: global,
      gradientAccumulationSteps: global / perPass, steps: steps, tokens: tokens,
      runLengthBasis: basis, mfu: setup.mfu, numGPUs: setup.numGPUs, precision: setup.precision,
      attention: setup.attention, checkpointing: setup.recompute, zeroStage: setup.zeroStage,
      fp32Gradients: setup.fp32Gradients, reserveBytes: reserve, method: setup.method,
      sequenceLength: sequenceLength)
    resolved.layout = setup.layout
    resolved.dataParallel = dataParallel
    resolved.cluster = setup.cluster
    resolved.training = setup.training
    resolved.capacityFactor = setup.capacityFactor
    return resolved
  }
}
