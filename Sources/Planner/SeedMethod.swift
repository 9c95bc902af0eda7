/// SPEC.md's seed method, placed by a layout: matrices only (no norm gains or biases), the
/// activations of its component table. Its tensors fall into the classes of PARALLEL.md §11.2:
/// replicated in the tensor-parallel region — both RMSNorm outputs, the output projection's
/// and W2's outputs (4sh); sharded — Q, K, V (sh + 2s·h·kv/n), P·V (sh), W1 and the SiLU (2sf);
/// scores — the scores and softmax (2ns²); after the blocks, the final norm (sh, replicated)
/// and the logits and cross-entropy (2sv, split over the vocabulary).
enum SeedMethod {
  static func accounting(_ model: ModelConfig, run: ModelConfig, setup: TrainingSetup) throws
    -> Accounting
  {
    let x = Exact(quantity: "the seed accounting")
    let t = setup.layout.tensorParallel
    let vocab = t > 1 ? model.vocabSize.roundedUp(toMultipleOf: 128 * t) : model.vocabSize
    var padded = model
    padded.vocabSize = vocab
    var paddedRun = run
    paddedRun.vocabSize = vocab
    let tensors = try ParameterTensors.of(padded, matricesOnly: true)
    let e = setup.precision.bytesPerElement
    let (s, h, f) = (run.contextLength, run.dModel, run.dFF)
    let sh = try x.mul(s, h)
    let block = ActivationSplit(
      replicated: try x.product(4, sh, e),
      sharded: try x.product(
        e, try x.sum([sh, try x.product(2, s, run.kvWidth), sh, try x.product(2, s, f)])),
      scores: setup.attention == .naive ? try x.product(2, run.numHeads, s, s, e) : 0)
    let kept: ActivationSplit
    switch setup.recompute {
    case .none: kept = block
    case .selective: kept = block.withoutScores
    case .full: kept = ActivationSplit(replicated: try x.mul(sh, e))
    }
    let elements = try ActivationMemory(
      model: paddedRun, attention: setup.attention, checkpointing: setup.recompute)
    return Accounting(
      parameters: tensors.total,
      layer: tensors.layer, firstStage: tensors.first, lastStage: tensors.last,
      tiedHead: tensors.tiedHead,
      layerKept: kept,
      workingSet: setup.recompute == .full ? block : .zero,
      firstStageActivations: .zero,
      lastStageActivations: ActivationSplit(
        replicated: try x.mul(sh, e), sharded: try x.product(2, s, vocab, e)),
      fixedPerLayer: .zero, fixedEveryStage: .zero, fixedFirstStage: .zero, fixedLastStage: .zero,
      components: try ActivationBytes(seed: elements, precision: setup.precision).components,
      flops: .seed(
        parameters: tensors.total, contextLength: s, checkpointing: setup.recompute,
        attention: setup.attention, layers: run.numLayers, width: h),
      paddedVocabulary: vocab)
  }
}
