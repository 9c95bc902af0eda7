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

  /// The name of the component that holds, under full checkpointing, the one block that the
  /// backward pass recomputes at a time. The measurement is taken at the end of the forward
  /// pass, when no block is recomputed, so it equals `fixed + b × (perSequence − this)`; the
  /// planner keeps it because the peak comes during the backward pass.
  public static let recomputePeakComponent = "recompute_peak"

  /// Bytes autograd holds for backward at the end of the forward pass: per sequence, by
  /// component, and a part shared by the whole micro-batch (`fixed`). Under full
  /// checkpointing `perSequence` also holds `recompute_peak`, one block's activations.
  /// fp16 is treated like bf16 (a 2-byte autocast).
  public static func activations(
    _ model: ModelConfig, precision: TrainingPrecision, attention: AttentionKernel,
    checkpointing: Checkpointing
  ) throws -> ActivationBytes {
    try model.validate()
    let x = Exact(quantity: "the activation bytes per sequence")
    let s = model.contextLength
    let h = model.dModel
    let f = model.dFF
    let v = model.vocabSize
    let l = model.numLayers
    let mixed = precision != .fp32
    // Bytes of an element that an autocast op (linear, matmul, attention) produces.
    let c = mixed ? 2 : 4
    let sh = try x.mul(s, h)
    let sf = try x.mul(s, f)
    // A norm: its fp32 input and input·rsqrt (s·h each) and the rsqrt column (s).
    let norm = try x.mul(4, try x.add(try x.mul(2, sh), s))
    // What the linears reading a norm's output keep: the fp32 output once, or one bf16 copy each.
    func normOutput(readers: Int) throws -> Int {
      mixed ? try x.product(readers, 2, sh) : try x.mul(4, sh)
    }

    var block: [(String, Int)] = [
      ("norm_1", norm),
      ("attention_input", try normOutput(readers: 3)),
    ]
    switch attention {
    case .naive:
      block += [
        ("query_key", try x.product(2, c, sh)),
        ("attention_probs", try x.product(c, model.numHeads, s, s)),
        ("attention_values", try x.mul(c, sh)),
        ("attention_output", try x.mul(c, sh)),
      ]
    case .flash:
      block += [
        ("flash_qkv", try x.product(3, c, sh)),
        ("flash_output", try x.mul(c, sh)),
        ("flash_logsumexp", try x.product(4, model.numHeads, s)),
      ]
    }
    let hidden = try x.mul(c, sf)
    block += [
      ("norm_2", norm),
      ("ffn_input", try normOutput(readers: model.ffn == .swiglu ? 2 : 1)),
      ("ffn_w1_output", hidden),
    ]
    switch model.ffn {
    case .swiglu: block += [("ffn_silu", hidden), ("ffn_w3_output", hidden), ("ffn_gated", hidden)]
    case .gelu: block += [("ffn_gelu", hidden)]
    }
    let oneBlock = try x.sum(block.map(\.1))

    var parts: [(String, Int)] = [("token_ids", try x.mul(8, s))]
    switch checkpointing {
    case .none:
      parts += try block.map { ($0.0, try x.mul(l, $0.1)) }
    case .full:
      // Each block's fp32 input, kept by torch.utils.checkpoint, plus the block recomputed.
      parts += [
        ("checkpointed_block_inputs", try x.product(l, 4, sh)),
        (recomputePeakComponent, oneBlock),
      ]
    }
    parts += [
      ("final_norm", norm),
      ("lm_head_input", try normOutput(readers: 1)),
      ("log_softmax", try x.product(4, s, v)),
      ("targets", try x.mul(8, s)),
    ]
    let perSequence = try x.sum(parts.map(\.1))

    let y = Exact(quantity: "the fixed activation bytes")
    var fixed = 4  // cross-entropy's total weight, an fp32 scalar
    if attention == .naive { fixed = try y.add(fixed, try y.mul(s, s)) }  // causal mask, bools
    switch model.positional {
    case .rope: fixed = try y.add(fixed, try y.product(2, s, h / model.numHeads, c))
    case .learned: fixed = try y.add(fixed, try y.mul(8, s))  // int64 position indices
    }
    if mixed {
      let head = try y.mul(v, h)
      let matrices =
        checkpointing == .none
        ? try y.add(try y.mul(l, try blockMatrices(model, y)), head)
        : head  // the checkpointed blocks keep nothing of theirs after the forward pass
      fixed = try y.add(fixed, try y.mul(2, matrices))
    }
    return ActivationBytes(
      perSequence: perSequence, fixed: fixed,
      components: parts.map { NamedBytes(name: $0.0, bytes: $0.1) })
  }

  /// What FlopCounterMode counts for one sequence: matrix products only, 2·m·n·k each, the
  /// full s×s attention (no causal discount); the CPU flash kernel's backward counts 5
  /// products (it recomputes the scores), the naive one 4. An embedding lookup costs none.
  /// Under full checkpointing `recompute` is each block's forward again less W2: the
  /// recomputation stops early once the last saved tensor (W2's input) is back.
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
      recompute: checkpointing == .full ? l * (linears + scores - w2) : 0)
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
