/// Megatron-LM's accounting (`--method megatron`), as Korthikanti et al. 2022 give it for the
/// GPT layer and Megatron-LM's code generalises it. Bytes, 16-bit activations, 1-byte dropout
/// masks; per layer and sequence of s tokens (a heads, width h, feed-forward f):
///
/// - replicated in the TP region (÷ T only under SP): the inputs of both LayerNorms, of QKV and
///   of the first MLP matrix (2sh each) and the two dropout masks (sh each): 10sh, 8sh without
///   dropout;
/// - sharded (÷ T): Q (2sh), K and V (2s·kv each, kv = h·g/a, the GQA width — 2sh each for the
///   paper's MHA), the output projection's input (2sh), and the MLP's hidden tensors: GELU keeps
///   the input of the GELU and of the second matrix (4sf; 16sh at f = 4h), SwiGLU its 2f-wide
///   first-matrix output and the f-wide input of the second (6sf) — the ×3/2 Megatron's FLOP
///   count gives SwiGLU. At MHA and f = 4h: 24sh, Table 2's 24/t;
/// - scores (÷ T, gone under selective recomputation or flash): softmax output 2as², its dropout
///   mask as² and the dropout output 2as² — 5as², Table 2's 5as/(ht) — or 2as² without dropout.
///
/// Full recomputation keeps each layer's input (2sh, ÷ T under SP) plus one layer's working set
/// as the "none" row gives it (scores unless flash), once per stage. Everything ÷ C under context
/// parallelism. The first stage adds the embedding dropout mask, sh per micro-batch in flight
/// (÷ T); the last stage, for one micro-batch, 4sh + 4s·V_p (the final LayerNorm's output and the
/// LM head's input, fp32 logits over the padded vocabulary), ÷ T with or without SP.
enum MegatronMethod {
  static func accounting(_ model: ModelConfig, run: ModelConfig, setup: TrainingSetup) throws
    -> Accounting
  {
    let x = Exact(quantity: "the megatron accounting")
    let t = setup.layout.tensorParallel
    let vocab = model.vocabSize.roundedUp(toMultipleOf: 128 * t)
    var padded = model
    padded.vocabSize = vocab
    let parameters = try DetailedMethod.placedParameters(padded)
    let (s, h, f) = (run.contextLength, run.dModel, run.dFF)
    let sh = try x.mul(s, h)
    let d = run.dropout ? 1 : 0
    let mlp = try x.product(run.ffn == .swiglu ? 6 : 4, s, f)
    let attentionSharded = try x.sum([
      try x.mul(2, sh), try x.product(4, s, run.kvWidth), try x.mul(2, sh),
    ])
    let scores = try x.product(2 + 3 * d, run.numHeads, s, s)
    let none = ActivationSplit(
      replicated: try x.mul(8 + 2 * d, sh), sharded: try x.add(attentionSharded, mlp),
      scores: setup.attention == .naive ? scores : 0)
    let kept: ActivationSplit
    switch setup.recompute {
    case .none: kept = none
    case .selective: kept = none.withoutScores
    case .full: kept = ActivationSplit(replicated: try x.mul(2, sh))
    }
    let components = [
      NamedBytes(name: "layers", bytes: try x.mul(run.numLayers, kept.total)),
      NamedBytes(name: "recomputed_layer", bytes: setup.recompute == .full ? none.total : 0),
      NamedBytes(name: "embedding_dropout", bytes: try x.mul(d, sh)),
      NamedBytes(name: "final_norm_and_head_input", bytes: try x.mul(4, sh)),
      NamedBytes(name: "logits_fp32", bytes: try x.product(4, s, vocab)),
    ].filter { $0.bytes > 0 }
    var accounting = Accounting(
      parameters: parameters.total, layer: parameters.layer, firstStage: parameters.first,
      lastStage: parameters.last, tiedHead: parameters.tiedHead, layerKept: kept,
      workingSet: setup.recompute == .full ? none : .zero,
      firstStageActivations: ActivationSplit(sharded: try x.mul(d, sh)),
      lastStageActivations: ActivationSplit(
        sharded: try x.add(try x.mul(4, sh), try x.product(4, s, vocab))),
      fixedPerLayer: .zero, fixedEveryStage: .zero, fixedFirstStage: .zero, fixedLastStage: .zero,
      components: components,
      flops: flops(run, vocabulary: vocab, attention: setup.attention, recompute: setup.recompute),
      paddedVocabulary: vocab)
    // FSDP/ZeRO 3 gathers a layer's parameters to run it (and prefetches the next) and holds
    // its full gradient until the reduce-scatter.
    accounting.gatheredLayerBuffers = true
    return accounting
  }

  /// Korthikanti et al. 2022 Appendix A, generalised as Megatron-LM's FLOP count does: per layer
  /// and sequence the forward costs 2s × the layer's matrix elements (GQA and SwiGLU widths
  /// included) plus 4s²h for q·kᵀ and probs·v, the logits 2s·h·V_p; the backward twice that.
  /// Full recomputation redoes every layer's forward, selective the attention core (4s²h per
  /// layer, Eq. 8) unless flash, which recomputes it inside its own backward.
  static func flops(
    _ model: ModelConfig, vocabulary: Int, attention: AttentionKernel, recompute: Recompute
  ) -> SequenceFLOPs {
    let (s, h, kv, f) = (
      Double(model.contextLength), Double(model.dModel), Double(model.kvWidth),
      Double(model.dFF)
    )
    let l = Double(model.numLayers)
    let matrices = 2 * h * h + 2 * h * kv + Double(model.ffn.matrixCount) * h * f
    let layer = 2 * s * matrices + 4 * s * s * h
    let forward = l * layer + 2 * s * h * Double(vocabulary)
    let redo: Double
    switch recompute {
    case .none: redo = 0
    case .selective: redo = attention == .naive ? l * 4 * s * s * h : 0
    case .full: redo = l * layer
    }
    return SequenceFLOPs(forward: forward, backward: 2 * forward, recompute: redo)
  }
}
