/// What a mixture-of-experts feed-forward changes in a method's counts. Every expert's
/// weights are stored (and carry gradients and optimizer state); each token's activations and
/// FLOPs go through the router, its k routed experts and the shared experts.
///
/// Per token of an MoE layer, in place of the dense feed-forward's tensors (detailed method,
/// measured by `validation/measure_moe.py`, dropless dispatch; routing does not change the
/// bytes): the router's input (the norm output) and its fp32 softmax over E, the top-k
/// indices, weights and dispatch indices (32·k bytes), the gathered expert inputs and their
/// scattered outputs, each routed expert's SwiGLU tensors for its tokens, the combine weight
/// (4 bytes), and the shared experts' SwiGLU tensors. fp32: 4h + 4E + 4 + 32k + 8kh + 16k·f_e
/// (+ 16·f_s per shared expert); bf16: 2h + 4E + 4 + 32k + 6kh + 8k·f_e (+ 4h + 8f_s), plus
/// once per micro-batch the bf16 copies of the router and of every expert's matrices.
/// The seed keeps its table's shape: the router's logits s·E in place of nothing, and k·2s·f_e
/// (+ 2s·f_s per shared expert) in place of the dense 2s·f.
enum MoEAccounting {
  static func apply(
    _ e: Experts, to a: inout Accounting, model: ModelConfig, run: ModelConfig,
    setup: TrainingSetup
  ) throws {
    var padded = model
    padded.vocabSize = a.paddedVocabulary
    let tensors = try ParameterTensors.of(padded, matricesOnly: setup.method == .seed)
    guard let moe = tensors.moeLayer else { return }
    a.experts = e
    a.moeLayer = moe
    a.routedExpert = tensors.routedExpert
    a.moeShell = tensors.moeShell
    a.routedTokensPerSequence = run.contextLength
    let x = Exact(quantity: "the activation bytes per sequence")
    let (s, h, f) = (run.contextLength, run.dModel, run.dFF)
    let mixed = setup.precision.isMixed
    let (k, fe, fs, shared, count) = (e.topK, e.ffn, e.sharedFFN, e.shared, e.count)
    // The dense feed-forward's part of a layer, and the MoE one that replaces it.
    let dense: ActivationSplit
    let routed: ActivationSplit
    var fixedDelta = 0
    switch setup.method {
    case .seed:
      let b = setup.precision.bytesPerElement
      dense = ActivationSplit(sharded: try x.product(2, s, f, b))
      a.routedCopyBytes = try x.product(2, fe, b)
      routed = ActivationSplit(
        replicated: try x.product(s, count, b),
        sharded: try x.product(
          b, s, try x.add(try x.product(2, k, fe), try x.product(2, shared, fs))))
    case .megatron:
      // Korthikanti's MLP bytes per expert token (16-bit), the router's fp32 softmax.
      let mlp = model.ffn == .swiglu ? 6 : 4
      dense = ActivationSplit(sharded: try x.product(mlp, s, f))
      a.routedCopyBytes = try x.mul(mlp, fe)
      routed = ActivationSplit(
        replicated: try x.product(4, s, count),
        sharded: try x.add(try x.product(mlp, s, k, fe), try x.product(mlp, s, shared, fs)))
    case .detailed:
      let swiglu = model.ffn == .swiglu
      let c = mixed ? 2 : 4
      let inputCopies = mixed ? (swiglu ? 2 : 1) * 2 : 4
      dense = ActivationSplit(
        replicated: try x.product(inputCopies, s, h),
        sharded: try x.product(swiglu ? 4 : 2, c, s, f))
      let perToken = try x.sum([
        mixed ? 2 * h : 4 * h, 4 * count, 4, 32 * k, try x.mul(mixed ? 6 * k : 8 * k, h),
        try x.mul(mixed ? 8 * k : 16 * k, fe),
        shared > 0 ? try x.mul(shared, mixed ? 4 * h + 8 * fs : 16 * fs) : 0,
      ])
      routed = ActivationSplit(sharded: try x.mul(s, perToken))
      // A copy's gathered input and scattered output, and its expert's SwiGLU tensors.
      a.routedCopyBytes = try x.add(
        try x.mul(mixed ? 6 : 8, h), try x.mul(mixed ? 8 : 16, fe))
      if mixed && setup.recompute != .full {
        // bf16 copies: the router and every expert's matrices, not the dense feed-forward's.
        let experts = try x.sum([
          try x.mul(count, h), try x.product(3 * count, h, fe), try x.product(3 * shared, h, fs),
        ])
        fixedDelta = try x.mul(2, experts) - 2 * model.ffn.matrixCount * h * f
        a.fixedPerRoutedExpert = try x.product(6, h, fe)
      }
    }
    func replaced(_ split: ActivationSplit) -> ActivationSplit {
      guard split != .zero else { return split }
      return ActivationSplit(
        replicated: split.replicated - dense.replicated + routed.replicated,
        sharded: split.sharded - dense.sharded + routed.sharded, scores: split.scores,
        whole: split.whole)
    }
    a.moeLayerKept = setup.recompute == .full ? a.layerKept : replaced(a.layerKept)
    a.moeWorkingSet = replaced(a.workingSet)
    a.moeFixedPerLayer = ActivationSplit(
      replicated: a.fixedPerLayer.replicated,
      sharded: max(0, a.fixedPerLayer.sharded + fixedDelta), whole: a.fixedPerLayer.whole)
    let moeLayers = e.moeLayers(in: 0..<model.numLayers)
    let perExpert = 3 * h * fe + (e.expertBias && setup.method != .seed ? 2 * fe + h : 0)
    let skipped = try x.product(moeLayers, count - k, perExpert)
    a.activeParameters = tensors.total - skipped
    // FLOPs: a token's MoE layer multiplies by the router, k experts and the shared ones.
    let sd = Double(s)
    let denseMatrices = Double(model.ffn.matrixCount * h * f)
    let moeMatrices = Double(count * h + 3 * h * (k * fe + shared * fs))
    let delta = Double(moeLayers) * 2 * sd * (moeMatrices - denseMatrices)
    a.flops = SequenceFLOPs(
      forward: a.flops.forward + delta, backward: a.flops.backward + 2 * delta,
      recompute: setup.recompute == .full ? a.flops.recompute + delta : a.flops.recompute)
  }
}
