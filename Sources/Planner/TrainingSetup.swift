/// The number format training runs in.
public enum TrainingPrecision: String, Sendable, CaseIterable, Codable {
  /// Every tensor in float32: the seed method.
  case fp32
  /// Mixed precision: 16-bit weights, gradients and activations, fp32 master weights and moments.
  case bf16, fp16
  /// fp32 storage with TF32 matrix products (days at the GPU's tf32 peak).
  case tf32
  /// Transformer Engine's fp8: fp8 matrix products on bf16 weights with fp32 master state, plus
  /// the fp8 copy of every matrix it caches for the backward pass (days at the fp8 peak).
  case fp8

  /// 16-bit weights, gradients and activations with fp32 master weights (bf16, fp16, fp8).
  public var isMixed: Bool { self == .bf16 || self == .fp16 || self == .fp8 }

  /// Bytes per activation element, per parameter copy, per gradient.
  public var bytesPerElement: Int { isMixed ? 2 : 4 }

  /// The GPU peak that training days use.
  public var format: NumericFormat {
    switch self {
    case .fp32: return .fp32
    case .tf32: return .tf32
    case .bf16: return .bf16
    case .fp16: return .fp16
    case .fp8: return .fp8
    }
  }
}

/// The attention kernel.
public enum AttentionKernel: String, Sendable, CaseIterable, Codable {
  /// Materialises the n·s² scores and softmax: the seed method.
  case naive
  /// FlashAttention: keeps no n·s² matrices.
  case flash
}

/// Activation recomputation (`--recompute`; `--checkpointing` is its older name).
public enum Recompute: String, Sendable, CaseIterable, Codable {
  case none
  /// Drop the attention scores and softmax; recompute them in the backward pass (Korthikanti
  /// et al. 2022). FlashAttention keeps none to begin with, so the two do not stack.
  case selective
  /// Keep each block's input; recompute one block at a time in the backward pass.
  case full
}

/// The name the seed gave recomputation; stored plans and old commands use it.
public typealias Checkpointing = Recompute

/// Which accounting the planner uses.
public enum AccountingMethod: String, Sendable, CaseIterable, Codable {
  /// SPEC.md's seed method: matrices only, the activations of its component table. Default.
  case seed
  /// Every parameter, and the activations and FLOPs of SPEC's PyTorch reference implementation.
  case detailed
  /// Megatron-LM's accounting: Korthikanti et al. 2022's per-layer activations in bytes, its
  /// parameter placement and padded vocabulary; 16-bit precisions only.
  case megatron
}

/// How long a run is.
public enum RunLength: Equatable, Hashable, Sendable {
  case steps(Int)
  case tokens(Int)
  /// `tokensPerParameter` × P tokens (Hoffmann et al., 2022, use 20).
  case tokensPerParameter(Int)

  public static let computeOptimal = RunLength.tokensPerParameter(20)
}

/// How a model is trained: the plan options of SPEC.md, each with its default.
public struct TrainingSetup: Equatable, Hashable, Sendable {
  /// b, sequences per GPU per forward/backward pass; nil plans at the largest that fits.
  public var microBatchSize: Int?
  /// B, sequences per optimizer step; nil means b × GPUs.
  public var globalBatchSize: Int?
  public var runLength: RunLength
  /// Model FLOPs utilisation, in (0, 1].
  public var mfu: Double
  public var numGPUs: Int
  public var precision: TrainingPrecision
  public var attention: AttentionKernel
  public var checkpointing: Checkpointing
  /// ZeRO stage 0…3: 1 shards optimizer state, 2 also gradients, 3 also parameters.
  public var zeroStage: Int
  /// Mixed precision with fp32 gradients (Megatron's 18 bytes per parameter) instead of 16.
  public var fp32Gradients: Bool
  /// Overrides the GPU's reserved bytes when set.
  public var reserveBytes: Int?
  public var method: AccountingMethod
  /// S, tokens per training sequence; nil trains at the model's context length.
  public var sequenceLength: Int?
  /// How the model is split over GPUs besides data parallelism.
  public var layout: ParallelLayout
  /// The cluster to predict the step time on; without one the time follows from the MFU.
  public var cluster: ClusterProfile?
  /// Which parameters train, the optimizer and what is offloaded.
  public var training: Training
  /// F, Megatron-LM's `moe_capacity_factor` with its inputs padded to capacity
  /// (`ExpertCapacity`); nil routes dropless.
  public var capacityFactor: Double?

  public init(
    microBatchSize: Int? = nil, globalBatchSize: Int? = nil,
    runLength: RunLength = .computeOptimal, mfu: Double = 0.5, numGPUs: Int = 1,
    precision: TrainingPrecision = .fp32, attention: AttentionKernel = .naive,
    checkpointing: Checkpointing = .none, zeroStage: Int = 0, fp32Gradients: Bool = false,
    reserveBytes: Int? = nil, method: AccountingMethod = .seed, sequenceLength: Int? = nil,
    layout: ParallelLayout = ParallelLayout(), cluster: ClusterProfile? = nil,
    training: Training = Training(), capacityFactor: Double? = nil
  ) {
    self.microBatchSize = microBatchSize
    self.globalBatchSize = globalBatchSize
    self.runLength = runLength
    self.mfu = mfu
    self.numGPUs = numGPUs
    self.precision = precision
    self.attention = attention
    self.checkpointing = checkpointing
    self.zeroStage = zeroStage
    self.fp32Gradients = fp32Gradients
    self.reserveBytes = reserveBytes
    self.method = method
    self.sequenceLength = sequenceLength
    self.layout = layout
    self.cluster = cluster
    self.training = training
    self.capacityFactor = capacityFactor
  }

  /// `checkpointing` under its newer name.
  public var recompute: Recompute {
    get { checkpointing }
    set { checkpointing = newValue }
  }

  public func validate() throws {
    if let b = microBatchSize, b <= 0 { throw PlannerError.notPositive(.batchSize, String(b)) }
    if let g = globalBatchSize, g <= 0 {
      throw PlannerError.notPositive(.globalBatchSize, String(g))
    }
    switch runLength {
    case .steps(let n) where n <= 0: throw PlannerError.notPositive(.steps, String(n))
    case .tokens(let t) where t <= 0: throw PlannerError.notPositive(.tokens, String(t))
    case .tokensPerParameter(let k) where k <= 0: throw PlannerError.notPositive(.tokens, String(k))
    default: break
    }
    if let s = sequenceLength, s <= 0 { throw PlannerError.notPositive(.seqLen, String(s)) }
    if !mfu.isFinite { throw PlannerError.notFinite(.mfu, String(mfu)) }
    if !(mfu >= ExactRange.smallest && mfu <= 1) {
      throw PlannerError.outOfRange(
        .mfu, String(mfu), rule: "must be in [\(ExactRange.smallestText), 1]\(ExactRange.why)")
    }
    if numGPUs <= 0 { throw PlannerError.notPositive(.numGPUs, String(numGPUs)) }
    try layout.validate()
    try cluster?.validate()
    try training.validate()
    if let f = capacityFactor { try ExpertCapacity.validate(f) }
    if training.offload == .optimizerAndParameters && zeroStage < 3 {
      throw PlannerError.unsupported(
        .offload, training.offload.rawValue,
        reason:
          "parameter offload (ZeRO-Infinity) gathers layers back from the host; it needs --zero 3")
    }
    if method == .megatron && !precision.isMixed {
      throw PlannerError.unsupported(
        .precision, precision.rawValue,
        reason: "the megatron method describes 16-bit training only; use --precision bf16 or fp16")
    }
    if !(0...3).contains(zeroStage) {
      throw PlannerError.outOfRange(.zeroStage, String(zeroStage), rule: "must be 0, 1, 2 or 3")
    }
    if let r = reserveBytes, r < 0 { throw PlannerError.negative(.reserveBytes, String(r)) }
  }

  /// Non-fatal remarks on the options, e.g. ZeRO with a single GPU.
  public var notes: [String] {
    var notes: [String] = []
    if zeroStage > 0 && numGPUs == 1 {
      notes.append("ZeRO stage \(zeroStage) on 1 GPU shards nothing; it changes no figure")
    }
    if fp32Gradients && !precision.isMixed {
      notes.append("fp32 gradients are already the fp32 convention; it changes no figure")
    }
    if layout.sequenceParallel && layout.tensorParallel == 1 {
      notes.append(
        "sequence parallelism with tensor parallel 1 splits nothing; it changes no figure")
    }
    if zeroStage >= 2 && layout.pipelineParallel > 1 {
      notes.append(
        "ZeRO \(zeroStage) with pipeline parallelism: DeepSpeed refuses it and Megatron's distributed optimizer is ZeRO 1; planned as asked (FSDP with pipelines exists)"
      )
    }
    if recompute == .selective && attention == .flash {
      notes.append(
        "selective recompute drops the attention scores, which flash attention never keeps; it changes no memory figure"
      )
    }
    return notes
  }
}
