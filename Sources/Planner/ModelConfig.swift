/// The feed-forward block of a transformer layer.
public enum FeedForwardKind: String, Sendable, CaseIterable, Codable {
  /// Gated (SwiGLU): W1 and W3 map h→f, W2 maps f→h. The seed architecture.
  case swiglu
  /// Two matrices, h→f and f→h, with a GELU between them (GPT-2).
  case gelu

  /// How many h×f matrices the block holds.
  public var matrixCount: Int {
    switch self {
    case .swiglu: return 3
    case .gelu: return 2
    }
  }
}

/// The normalisation layers.
public enum NormKind: String, Sendable, CaseIterable, Codable {
  /// A gain of h per norm: the seed architecture.
  case rmsnorm
  /// A gain and a bias, 2h per norm (GPT-2, GPT-NeoX).
  case layernorm
}

/// Which linear layers carry a bias.
public enum BiasKind: String, Sendable, CaseIterable, Codable {
  /// No biases: the seed architecture (Llama, Mistral).
  case none
  /// Only the Q, K and V projections (Qwen2).
  case qkv
  /// Every linear layer of the blocks (GPT-2, GPT-NeoX); never the LM head.
  case all
}

/// How positions enter the model.
public enum PositionalKind: String, Sendable, CaseIterable, Codable {
  /// Rotary embeddings: no parameters. The seed architecture.
  case rope
  /// A learned s×h table added to the token embeddings (GPT-2).
  case learned
}

/// The shape of a decoder-only transformer LM, named as in SPEC.md's symbol table.
public struct ModelConfig: Equatable, Hashable, Sendable {
  public var name: String
  /// v
  public var vocabSize: Int
  /// s, tokens per sequence
  public var contextLength: Int
  /// l, transformer blocks
  public var numLayers: Int
  /// h, model width
  public var dModel: Int
  /// n, attention heads
  public var numHeads: Int
  /// Key/value heads (grouped-query attention); equal to `numHeads` in the seed.
  public var numKVHeads: Int
  /// f, feed-forward width; 4h in the seed.
  public var dFF: Int
  public var ffn: FeedForwardKind
  /// Whether the LM head shares the embedding matrix.
  public var tiedEmbeddings: Bool
  public var norm: NormKind
  public var bias: BiasKind
  public var positional: PositionalKind
  /// Whether training applies dropout (a 1-byte mask per dropped element). Only the megatron
  /// method counts the masks; configs are taken to have them (the paper's GPT layer) unless an
  /// imported config sets every dropout probability to 0.
  public var dropout: Bool
  /// Whether Q, K and V are one fused matrix (GPT-2's `c_attn`, GPT-NeoX's
  /// `query_key_value`): LoRA then adapts them as one.
  public var fusedQKV: Bool
  /// A mixture-of-experts feed-forward; nil for a dense model.
  public var experts: Experts?
  /// Each head's width when it is not h/n (Qwen3, gpt-oss); nil for h/n.
  public var headDim: Int?
  /// RMSNorm of Q and K: per head (Qwen3), 2 × head dim per layer, unless
  /// `qkNormWholeProjection`.
  public var qkNorm: Bool = false
  /// With `qkNorm`, the norms span the whole Q and K projections (OLMoE's q_norm over h and
  /// k_norm over h/n × KV heads): (n + KV heads) × head dim per layer.
  public var qkNormWholeProjection: Bool = false
  /// gpt-oss's attention sinks: one learned logit per head and layer.
  public var attentionSinks: Bool = false
  /// DeepSeek's multi-head latent attention; nil for standard attention.
  public var latentAttention: LatentAttention?

  public init(
    name: String = "", vocabSize: Int, contextLength: Int, numLayers: Int, dModel: Int,
    numHeads: Int, numKVHeads: Int? = nil, dFF: Int? = nil, ffn: FeedForwardKind = .swiglu,
    tiedEmbeddings: Bool = false, norm: NormKind = .rmsnorm, bias: BiasKind = .none,
    positional: PositionalKind = .rope, dropout: Bool = true, fusedQKV: Bool = false
  ) {
    self.name = name
    self.vocabSize = vocabSize
    self.contextLength = contextLength
    self.numLayers = numLayers
    self.dModel = dModel
    self.numHeads = numHeads
    self.numKVHeads = numKVHeads ?? numHeads
    // 4h saturates for absurd widths, so the parameter count reports it as too large.
    let fourH = dModel.multipliedReportingOverflow(by: 4)
    self.dFF = dFF ?? (fourH.overflow ? Int.max : fourH.partialValue)
    self.ffn = ffn
    self.tiedEmbeddings = tiedEmbeddings
    self.norm = norm
    self.bias = bias
    self.positional = positional
    self.dropout = dropout
    self.fusedQKV = fusedQKV
  }

  /// A head's width: `headDim`, else h/n.
  public var headWidth: Int { headDim ?? dModel / numHeads }
  /// Width of the Q projection and of the attention output: n × head width.
  public var qWidth: Int { numHeads * headWidth }
  /// Width of the K and V projections: kv × head width (h·kv/n without `headDim`).
  public var kvWidth: Int { headWidth * numKVHeads }

  /// Checks every rule of the shape; throws the first broken one.
  public func validate() throws {
    let sizes: [(Field, Int)] = [
      (.vocabSize, vocabSize), (.contextLength, contextLength), (.numLayers, numLayers),
      (.dModel, dModel), (.numHeads, numHeads), (.numKVHeads, numKVHeads), (.dFF, dFF),
    ]
    for (field, value) in sizes where value <= 0 {
      throw PlannerError.notPositive(field, String(value))
    }
    if let d = headDim {
      if d <= 0 || d > 1 << 20 {
        throw PlannerError.outOfRange(.headDim, String(d), rule: "must be in 1…1048576")
      }
      if numHeads > (1 << 40) / d {
        throw PlannerError.outOfRange(
          .headDim, String(d), rule: "times the heads is too large to plan")
      }
    } else if dModel % numHeads != 0 {
      throw PlannerError.notDivisible(.numHeads, numHeads, divides: .dModel, dModel)
    }
    try experts?.validate(layers: numLayers)
    try latentAttention?.validate()
    if numHeads % numKVHeads != 0 {
      throw PlannerError.notDivisible(.numKVHeads, numKVHeads, divides: .numHeads, numHeads)
    }
  }
}
