/// The detailed method placed by a layout: every parameter where Megatron's layers keep it,
/// and every saved tensor of the reference implementation in its class (`DetailedMethod.saved`).
extension DetailedMethod {
  static func accounting(_ model: ModelConfig, run: ModelConfig, setup: TrainingSetup) throws
    -> Accounting
  {
    let t = setup.layout.tensorParallel
    let vocab = t > 1 ? model.vocabSize.roundedUp(toMultipleOf: 128 * t) : model.vocabSize
    var (padded, paddedRun) = (model, run)
    (padded.vocabSize, paddedRun.vocabSize) = (vocab, vocab)
    let parameters = try placedParameters(padded)
    let saved = try saved(paddedRun, precision: setup.precision, attention: setup.attention)
    let block = split(saved.block)
    let kept: ActivationSplit
    switch setup.recompute {
    case .none: kept = block
    case .selective: kept = block.withoutScores
    case .full:
      kept = ActivationSplit(replicated: try Exact(quantity: "the activation bytes").product(4, run.contextLength, run.dModel))
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
