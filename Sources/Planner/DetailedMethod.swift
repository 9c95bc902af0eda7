/// The detailed method (SPEC.md, "Real architectures and the detailed method"): every
/// parameter counted exactly, and the activations and FLOPs of SPEC's PyTorch reference
/// implementation, tensor by tensor, as `validation/measure.py` measures them on the CPU
/// (`Tests/PlannerTests/DetailedMethodTests.swift` holds every figure to the measurements).
///
/// What autograd keeps, per block and per sequence (s tokens, width h, n heads, f hidden):
/// - each norm (RMSNorm or LayerNorm, written out): its input and `x·rsqrt` (s·h each, saved by
///   `pow` and the gain's `mul`) and the `rsqrt` column (s); always fp32, since the residual
///   stream stays fp32 under autocast;
/// - the input of the Q, K, V projections: one s·h tensor in fp32; under autocast each linear
///   casts it to bf16 itself (no cache for non-leaf tensors), so three s·h bf16 copies;
/// - naive attention: the contiguous copies of q and kᵀ that `matmul` hands to `bmm` (s·h
///   each), the softmax output (n·s²; scores and the masked scores are not kept), v (s·h) and
///   the merged heads, the input of Wo (s·h). K and V are expanded to n heads first under
///   GQA, so none of these shrinks with fewer KV heads;
/// - flash (CPU `scaled_dot_product_attention`): q, k, v and the output (s·h each; Wo's input is
///   a view of the output) and the fp32 log-sum-exp (n·s);
/// - the feed-forward input: one s·h in fp32, one bf16 copy per h→f linear under autocast;
///   SwiGLU keeps W1·y, silu(W1·y), W3·y and their product (4·s·f); GELU keeps W1·y and its
///   GELU (2·s·f).
/// After the blocks: the final norm (as above), the LM head's input, the fp32 log-softmax (s·v;
/// the logits themselves are not kept) and the int64 token ids and targets (8·s bytes each).
/// Shared by every sequence (`fixed`): the causal mask (s² bools, naive only), the RoPE cos
/// and sin tables (2·s·h/n at the autocast width) or the learned positions' int64 indices
/// (8·s), the loss's 4-byte total weight, and under autocast the bf16 copies of every matrix
/// the linears use (autocast caches the cast of a parameter for the whole forward).
///
/// That is full training. Under LoRA and QLoRA the accounting counts what a fine-tune of a
/// frozen base keeps instead, the first block apart (`DetailedMethod+LoRA.swift`).
public enum DetailedMethod {
  /// Every parameter: embeddings, a learned positional table, each block's norms, attention
  /// and feed-forward matrices with their biases, the final norm and an untied LM head.
  /// Llama-2 7B: 6,738,415,616; GPT-2 small: 124,439,808.
  public static func parameterCount(_ model: ModelConfig) throws -> Int {
    try model.validate()
    return try ParameterTensors.of(model, matricesOnly: false).total
  }

  /// Parameters a token uses: the total less, in each MoE layer, the (E − k)/E of the routed
  /// experts it skips (the input embedding counted, as Mixtral's and Qwen's cards count it).
  public static func activeParameterCount(_ model: ModelConfig) throws -> Int {
    let total = try parameterCount(model)
    guard let e = model.experts else { return total }
    let perExpert = 3 * model.dModel * e.ffn + (e.expertBias ? 2 * e.ffn + model.dModel : 0)
    return try total
      - Exact(quantity: "the parameter count").product(
        e.moeLayers(in: 0..<model.numLayers), e.count - e.topK, perExpert)
  }

  /// The name of the component that holds, under full checkpointing, the one block that the
  /// backward pass recomputes at a time. The measurement is taken at the end of the forward
  /// pass, when no block is recomputed, so it equals `fixed + b × (perSequence − this)`; the
  /// planner keeps it because the peak comes during the backward pass.
  public static let recomputePeakComponent = "recompute_peak"

  /// How a layout splits each tensor (see `ActivationSplit`).
  enum Split { case replicated, sharded, scores, whole }

  /// One saved tensor (or group of them): its component name, bytes per sequence, and split.
  struct Saved {
    let name: String
    let bytes: Int
    let split: Split
  }

  /// What autograd keeps per sequence, by place: in one block, before the blocks (first
  /// stage) and after them (last stage). Inputs of column-parallel linears (the norm outputs
  /// they read) and the norms are replicated in the tensor-parallel region; everything per
  /// head or per feed-forward unit is sharded; the log-softmax is split over the vocabulary.
  static func saved(_ model: ModelConfig, precision: TrainingPrecision, attention: AttentionKernel)
    throws -> (block: [Saved], first: [Saved], last: [Saved])
  {
    let x = Exact(quantity: "the activation bytes per sequence")
    let s = model.contextLength
    let mixed = precision.isMixed
    // Bytes of an element that an autocast op (linear, matmul, attention) produces.
    let c = mixed ? 2 : 4
    let sh = try x.mul(s, model.dModel)
    let sf = try x.mul(s, model.dFF)
    // A norm: its fp32 input and input·rsqrt (s·h each) and the rsqrt column (s).
    let norm = try x.mul(4, try x.add(try x.mul(2, sh), s))
    // What the linears reading a norm's output keep: the fp32 output once, or one bf16 copy each.
    func normOutput(readers: Int) throws -> Int {
      mixed ? try x.product(readers, 2, sh) : try x.mul(4, sh)
    }
    var block = [
      Saved(name: "norm_1", bytes: norm, split: .replicated),
      Saved(name: "attention_input", bytes: try normOutput(readers: 3), split: .replicated),
    ]
    switch attention {
    case .naive:
      block += [
        Saved(name: "query_key", bytes: try x.product(2, c, sh), split: .sharded),
        Saved(
          name: "attention_probs", bytes: try x.product(c, model.numHeads, s, s), split: .scores),
        Saved(name: "attention_values", bytes: try x.mul(c, sh), split: .sharded),
        Saved(name: "attention_output", bytes: try x.mul(c, sh), split: .sharded),
      ]
    case .flash:
      block += [
        Saved(name: "flash_qkv", bytes: try x.product(3, c, sh), split: .sharded),
        Saved(name: "flash_output", bytes: try x.mul(c, sh), split: .sharded),
        Saved(name: "flash_logsumexp", bytes: try x.product(4, model.numHeads, s), split: .sharded),
      ]
    }
    let hidden = try x.mul(c, sf)
    block += [
      Saved(name: "norm_2", bytes: norm, split: .replicated),
      Saved(
        name: "ffn_input", bytes: try normOutput(readers: model.ffn == .swiglu ? 2 : 1),
        split: .replicated),
      Saved(name: "ffn_w1_output", bytes: hidden, split: .sharded),
    ]
    switch model.ffn {
    case .swiglu:
      block += ["ffn_silu", "ffn_w3_output", "ffn_gated"].map {
        Saved(name: $0, bytes: hidden, split: .sharded)
      }
    case .gelu: block += [Saved(name: "ffn_gelu", bytes: hidden, split: .sharded)]
    }
    let first = [Saved(name: "token_ids", bytes: try x.mul(8, s), split: .whole)]
    let last = [
      Saved(name: "final_norm", bytes: norm, split: .replicated),
      Saved(name: "lm_head_input", bytes: try normOutput(readers: 1), split: .replicated),
      Saved(name: "log_softmax", bytes: try x.product(4, s, model.vocabSize), split: .sharded),
      Saved(name: "targets", bytes: try x.mul(8, s), split: .whole),
    ]
    return (block, first, last)
  }

  /// Bytes autograd holds for backward at the end of the forward pass: per sequence, by
  /// component, and a part shared by the whole micro-batch (`fixed`). Under full
  /// checkpointing `perSequence` also holds `recompute_peak`, one block's activations;
  /// selective recomputation drops the attention probabilities. fp16 is treated like bf16.
  public static func activations(
    _ model: ModelConfig, precision: TrainingPrecision, attention: AttentionKernel,
    checkpointing: Checkpointing
  ) throws -> ActivationBytes {
    try model.validate()
    let x = Exact(quantity: "the activation bytes per sequence")
    let l = model.numLayers
    let saved = try saved(model, precision: precision, attention: attention)
    var block = saved.block
    if checkpointing == .selective { block.removeAll { $0.split == .scores } }
    let oneBlock = try x.sum(block.map(\.bytes))
    var parts: [(String, Int)] = saved.first.map { ($0.name, $0.bytes) }
    switch checkpointing {
    case .none, .selective:
      parts += try block.map { ($0.name, try x.mul(l, $0.bytes)) }
    case .full:
      // Each block's fp32 input, kept by torch.utils.checkpoint, plus the block recomputed.
      parts += [
        ("checkpointed_block_inputs", try x.product(l, 4, model.contextLength, model.dModel)),
        (recomputePeakComponent, oneBlock),
      ]
    }
    parts += saved.last.map { ($0.name, $0.bytes) }
    let perSequence = try x.sum(parts.map(\.1))
    let fixed = try fixedBytes(
      model, precision: precision, attention: attention, checkpointing: checkpointing)
    return ActivationBytes(
      perSequence: perSequence, fixed: fixed.total,
      components: parts.map { NamedBytes(name: $0.0, bytes: $0.1) })
  }

  /// What autograd keeps once per micro-batch, by place: the causal mask (s² bools, naive
  /// only) and the RoPE tables (2·s·h/n at the autocast width) on every stage; the learned
  /// positions' int64 indices (8·s) on the first; the loss's 4-byte total weight on the last;
  /// and under autocast the bf16 copies of every matrix the linears use (autocast caches the
  /// cast of a parameter for the whole forward): a layer's own, and the LM head's on the last.
  static func fixedBytes(
    _ model: ModelConfig, precision: TrainingPrecision, attention: AttentionKernel,
    checkpointing: Checkpointing
  ) throws -> (perLayer: Int, every: Int, first: Int, last: Int, total: Int) {
    let y = Exact(quantity: "the fixed activation bytes")
    let s = model.contextLength
    let mixed = precision.isMixed
    var every = 0
    if attention == .naive { every = try y.mul(s, s) }  // causal mask, bools
    var first = 0
    switch model.positional {
    case .rope:
      every = try y.add(every, try y.product(2, s, model.dModel / model.numHeads, mixed ? 2 : 4))
    case .learned: first = try y.mul(8, s)  // int64 position indices
    }
    // The checkpointed blocks keep nothing of theirs after the forward pass.
    let perLayer = mixed && checkpointing != .full ? try y.mul(2, try blockMatrices(model, y)) : 0
    let last = try y.add(4, mixed ? try y.product(2, model.vocabSize, model.dModel) : 0)
    let total = try y.sum([try y.mul(model.numLayers, perLayer), every, first, last])
    return (perLayer, every, first, last, total)
  }

  /// What FlopCounterMode counts for one sequence: matrix products only, 2·m·n·k each, the
  /// full s×s attention (no causal discount); the CPU flash kernel's backward counts 5
  /// products (it recomputes the scores), the naive one 4. An embedding lookup costs none.
  /// Under full checkpointing `recompute` is each block's forward again less W2: the
  /// recomputation stops early once the last saved tensor (W2's input) is back. Selective
  /// recomputation redoes the attention core (q·kᵀ and probs·v) of every block.
  public static func flops(
    _ model: ModelConfig, attention: AttentionKernel, checkpointing: Checkpointing
  ) throws -> SequenceFLOPs {
    try model.validate()
    let s = Double(model.contextLength)
    let h = Double(model.dModel)
    let kv = Double(model.kvWidth)
    let f = Double(model.dFF)
    let v = Double(model.vocabSize)
    let l = Double(model.numLayers)
    let linears = 2 * s * (h * h + 2 * h * kv + h * h + Double(model.ffn.matrixCount) * h * f)
    let scores = 2 * 2 * s * s * h  // q·kᵀ and probs·v over every head, K and V expanded
    let head = 2 * s * h * v
    let forward = l * (linears + scores) + head
    let scoresBackward = attention == .naive ? 2 * scores : 2.5 * scores
    let backward = l * (2 * linears + scoresBackward) + 2 * head
    let w2 = 2 * s * f * h
    return SequenceFLOPs(
      forward: forward, backward: backward,
      recompute: checkpointing == .full
        ? l * (linears + scores - w2)
        : checkpointing == .selective && attention == .naive ? l * scores : 0)
  }

  /// Elements of the matrices one block's linears multiply by (autocast copies each once).
  static func blockMatrices(_ model: ModelConfig, _ x: Exact) throws -> Int {
    let h = model.dModel
    return try x.sum([
      try x.product(2, h, h), try x.product(2, h, model.kvWidth),
      try x.product(model.ffn.matrixCount, h, model.dFF),
    ])
  }
}
