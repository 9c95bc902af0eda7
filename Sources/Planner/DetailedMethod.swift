/// The detailed method (SPEC.md, "Real architectures and the detailed method"): every
/// parameter counted exactly, and the activations and FLOPs of SPEC's PyTorch reference
/// implementation, validated against measurements in `validation/`.
public enum DetailedMethod {
  /// Every parameter: embeddings, a learned positional table, each block's norms, attention
  /// and feed-forward matrices with their biases, the final norm and an untied LM head.
  /// Llama-2 7B: 6,738,415,616; GPT-2 small: 124,439,808.
  public static func parameterCount(_ model: ModelConfig) throws -> Int {
    let x = Exact(quantity: "the parameter count")
    let h = model.dModel
    let f = model.dFF
    let kv = model.kvWidth
    let norm = model.norm == .layernorm ? try x.mul(2, h) : h
    var attention = try x.sum([try x.mul(h, h), try x.mul(2, try x.mul(h, kv)), try x.mul(h, h)])
    var feedForward = try x.product(model.ffn.matrixCount, h, f)
    switch model.bias {
    case .none: break
    case .qkv: attention = try x.sum([attention, h, kv, kv])
    case .all:
      attention = try x.sum([attention, h, kv, kv, h])
      feedForward = try x.sum([feedForward, try x.mul(model.ffn.matrixCount - 1, f), h])
    }
    let block = try x.sum([norm, attention, norm, feedForward])
    let embedding = try x.mul(model.vocabSize, h)
    return try x.sum([
      embedding,
      model.positional == .learned ? try x.mul(model.contextLength, h) : 0,
      try x.mul(model.numLayers, block),
      norm,
      model.tiedEmbeddings ? 0 : embedding,
    ])
  }

  /// Bytes autograd holds for backward at the end of the forward pass, per sequence and fixed.
  public static func activations(
    _ model: ModelConfig, precision: TrainingPrecision, attention: AttentionKernel,
    checkpointing: Checkpointing
  ) throws -> ActivationBytes {
    // A first analytic account of the reference implementation in fp32; validation/ refines it.
    let seed = try ActivationMemory(model: model, attention: attention, checkpointing: checkpointing)
    return try ActivationBytes(seed: seed, precision: precision)
  }

  /// What FlopCounterMode counts for one sequence: matrix products only, 2·m·n·k each.
  public static func flops(
    _ model: ModelConfig, attention: AttentionKernel, checkpointing: Checkpointing
  ) throws -> SequenceFLOPs {
    let s = Double(model.contextLength)
    let h = Double(model.dModel)
    let kv = Double(model.kvWidth)
    let f = Double(model.dFF)
    let v = Double(model.vocabSize)
    let linears = 2 * s * (h * h + 2 * h * kv + h * h + Double(model.ffn.matrixCount) * h * f)
    let scores = 2 * 2 * s * s * h  // q·kᵀ and probs·v over every head
    let block = linears + scores
    let forward = Double(model.numLayers) * block + 2 * s * h * v
    return SequenceFLOPs(
      forward: forward, backward: 2 * forward,
      recompute: checkpointing == .full ? Double(model.numLayers) * block : 0)
  }
}
