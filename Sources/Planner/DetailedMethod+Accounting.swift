/// The detailed method placed by a layout: every parameter where Megatron's layers keep it,
/// and every saved tensor of the reference implementation in its class (`DetailedMethod.saved`).
/// Under LoRA and QLoRA the activations are the fine-tune's own (`DetailedMethod+LoRA.swift`);
/// `frozenBase` overrides how the base is taken to be stored (`FrozenBase.of`).
extension DetailedMethod {
  static func accounting(
    _ model: ModelConfig, run: ModelConfig, setup: TrainingSetup, frozenBase: FrozenBase? = nil
  ) throws -> Accounting {
    let t = setup.layout.tensorParallel
    let vocab = t > 1 ? model.vocabSize.roundedUp(toMultipleOf: 128 * t) : model.vocabSize
    var (padded, paddedRun) = (model, run)
    (padded.vocabSize, paddedRun.vocabSize) = (vocab, vocab)
    let parameters = try placedParameters(padded)
    if setup.training.fineTuning != .full {
      return try loraAccounting(
        model, run: paddedRun, setup: setup, parameters: parameters, paddedVocabulary: vocab,
        base: frozenBase ?? .of(setup))
    }
    let saved = try saved(paddedRun, precision: setup.precision, attention: setup.attention)
    let block = split(saved.block)
    let kept: ActivationSplit
    switch setup.recompute {
    case .none: kept = block
    case .selective: kept = block.withoutScores
    case .full:
      kept = ActivationSplit(
        replicated: try Exact(quantity: "the activation bytes").product(
          4, run.contextLength, run.dModel))
    }
    let fixed = try fixedBytes(
      paddedRun, precision: setup.precision, attention: setup.attention,
      checkpointing: setup.recompute)
    // Split over the vocabulary (T > 1) the embedding and the loss are Megatron's vocab-
    // parallel ones (validation/measure_tp.py): the lookup keeps a bool mask of the ids outside
    // the rank's shard (s bytes), the loss a bool mask of the targets (s) and no fp32 total
    // weight.
    let vocabParallel = t > 1 ? ActivationSplit(whole: run.contextLength) : .zero
    let lossWeight = t > 1 ? 0 : 4
    var accounting = Accounting(
      parameters: parameters.total, layer: parameters.layer, firstStage: parameters.first,
      lastStage: parameters.last, tiedHead: parameters.tiedHead, layerKept: kept,
      workingSet: setup.recompute == .full ? block : .zero,
      firstStageActivations: split(saved.first) + vocabParallel,
      lastStageActivations: split(saved.last) + vocabParallel,
      fixedPerLayer: ActivationSplit(sharded: fixed.perLayer),
      fixedEveryStage: ActivationSplit(whole: fixed.every),
      fixedFirstStage: ActivationSplit(whole: fixed.first),
      // The loss's total weight is whole; the LM head's bf16 copy is split over the vocabulary.
      fixedLastStage: ActivationSplit(sharded: fixed.last - 4, whole: lossWeight),
      components: try activations(
        paddedRun, precision: setup.precision, attention: setup.attention,
        checkpointing: setup.recompute
      ).components,
      flops: try flops(paddedRun, attention: setup.attention, checkpointing: setup.recompute),
      paddedVocabulary: vocab)
    // FSDP/ZeRO 3 gathers a layer's parameters to run it (and prefetches the next) and holds
    // its full gradient until the reduce-scatter.
    accounting.gatheredLayerBuffers = true
    return accounting
  }

  /// A LoRA or QLoRA fine-tune (`savedLoRA`): the first block keeps its own split, per
  /// sequence and once per micro-batch (`Accounting.firstLayerKept`, `firstLayerFixed`); nothing
  /// before the blocks; after them the final norm and the loss, and under autocast over an fp32
  /// base the LM head's bf16 copy. Full checkpointing keeps each block's input at the residual
  /// stream's width, and recomputes a block whose input requires grad.
  static func loraAccounting(
    _ model: ModelConfig, run: ModelConfig, setup: TrainingSetup,
    parameters: ParameterTensors.Model, paddedVocabulary vocab: Int, base: FrozenBase
  ) throws -> Accounting {
    let x = Exact(quantity: "the activation bytes")
    let t = setup.layout.tensorParallel
    let l = run.numLayers
    let targets = try setup.training.lora.projections(for: model)
    let saved = try savedLoRA(
      run, precision: setup.precision, attention: setup.attention, lora: setup.training.lora,
      targets: targets, base: base)
    let (block, firstBlock) = (split(saved.block), split(saved.firstBlock))
    let full = setup.recompute == .full
    let blockInputs = try x.product(saved.residualBytes, run.contextLength, run.dModel)
    let kept: ActivationSplit
    var firstKept: ActivationSplit?
    switch setup.recompute {
    case .none: (kept, firstKept) = (block, firstBlock)
    case .selective: (kept, firstKept) = (block.withoutScores, firstBlock.withoutScores)
    case .full: kept = ActivationSplit(replicated: blockInputs)
    }
    let fixed = try fixedBytes(
      run, precision: setup.precision, attention: setup.attention, checkpointing: setup.recompute)
    // The vocab-parallel loss keeps its bool target mask (T > 1); the frozen embedding keeps
    // nothing, its mask included.
    let lossMask = t > 1 ? ActivationSplit(whole: run.contextLength) : .zero
    let lossWeight = t > 1 ? 0 : 4
    // Per sequence, for the model on one GPU.
    var components: [(String, Int)] = []
    func add(_ name: String, _ bytes: Int) throws {
      if let i = components.firstIndex(where: { $0.0 == name }) {
        components[i].1 = try x.add(components[i].1, bytes)
      } else {
        components.append((name, bytes))
      }
    }
    if full {
      try add("checkpointed_block_inputs", try x.mul(l, blockInputs))
      try add(recomputePeakComponent, block.total)
    } else {
      let dropScores = setup.recompute == .selective
      for tensor in saved.firstBlock where !(dropScores && tensor.split == .scores) {
        try add(tensor.name, tensor.bytes)
      }
      for tensor in saved.block where !(dropScores && tensor.split == .scores) {
        try add(tensor.name, try x.mul(l - 1, tensor.bytes))
      }
    }
    for tensor in saved.last { try add(tensor.name, tensor.bytes) }
    var accounting = Accounting(
      parameters: parameters.total, layer: parameters.layer, firstStage: parameters.first,
      lastStage: parameters.last, tiedHead: parameters.tiedHead, layerKept: kept,
      workingSet: full ? block : .zero, firstStageActivations: .zero,
      lastStageActivations: split(saved.last) + lossMask,
      fixedPerLayer: full ? .zero : saved.blockFixed,
      fixedEveryStage: ActivationSplit(whole: fixed.every), fixedFirstStage: .zero,
      fixedLastStage: saved.headFixed + ActivationSplit(whole: lossWeight),
      components: components.map { NamedBytes(name: $0.0, bytes: $0.1) },
      flops: try flops(run, attention: setup.attention, checkpointing: setup.recompute),
      paddedVocabulary: vocab)
    accounting.firstLayerKept = firstKept
    accounting.firstLayerFixed = full ? nil : saved.firstBlockFixed
    accounting.gatheredLayerBuffers = true
    return accounting
  }

  static func split(_ tensors: [Saved]) -> ActivationSplit {
    var out = ActivationSplit.zero
    for tensor in tensors {
      switch tensor.split {
      case .replicated: out.replicated += tensor.bytes
      case .sharded: out.sharded += tensor.bytes
      case .scores: out.scores += tensor.bytes
      case .whole: out.whole += tensor.bytes
      }
    }
    return out
  }

  /// Every parameter, placed as Megatron's layers place them (`ParameterTensors`). The totals
  /// equal `parameterCount`.
  static func placedParameters(_ model: ModelConfig) throws -> ParameterTensors.Model {
    try ParameterTensors.of(model, matricesOnly: false)
  }
}
