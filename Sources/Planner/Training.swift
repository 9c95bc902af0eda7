/// Which parameters train: all of them, or low-rank adapters on a frozen base (LoRA), or on a
/// frozen base stored in 4 bits (QLoRA, Dettmers et al. 2023).
public enum FineTuning: String, Sendable, CaseIterable, Codable {
  case full, lora, qlora
}

/// A linear layer of a block, as LoRA targets name them. `qkv` is a fused Q, K, V matrix
/// (GPT-2's `c_attn`, GPT-NeoX's `query_key_value`): one adapter, h → h + 2·kv.
public enum Projection: String, Sendable, CaseIterable, Codable, Comparable {
  case q, k, v, o, gate, up, down, qkv

  public static func < (a: Projection, b: Projection) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// LoRA's adapters: each adapted d_out × d_in matrix gains A (R × d_in) and B (d_out × R).
public struct LoRA: Equatable, Hashable, Sendable {
  public var rank: Int
  public var targets: Set<Projection>
  /// The adapters' weights and gradients: bf16 (the default) or fp32.
  public var dtype: TrainingPrecision

  public init(rank: Int = 16, targets: Set<Projection> = [.q, .v], dtype: TrainingPrecision = .bf16) {
    self.rank = rank
    self.targets = targets
    self.dtype = dtype
  }
}

/// The optimizer, by what it keeps per trainable parameter and what its update costs.
public enum Optimizer: String, Sendable, CaseIterable, Codable {
  case adamw
  case adamw8bit = "adamw-8bit"
  case pagedAdamw8bit = "paged-adamw-8bit"
  case adafactor, lion
  case sgdMomentum = "sgd-momentum"
  case sgd

  /// Bytes of state for one trainable tensor of `rows` × `cols` elements (cols = 1 for a
  /// vector), on the GPU, without a master copy:
  /// - AdamW: two fp32 moments, 8 bytes a parameter (torch.optim.AdamW);
  /// - 8-bit AdamW (bitsandbytes, paged or not): two 8-bit moments and an fp32 absmax per
  ///   block of 2,048 elements each; tensors under 4,096 elements stay 32-bit (min_8bit_size);
  /// - Adafactor (no first moment, transformers' default): a matrix keeps an fp32 row and
  ///   column of its second moment, 4·(rows + cols); a vector its full second moment;
  /// - Lion and SGD with momentum: one fp32 moment, 4 bytes; SGD: none.
  public func stateBytes(rows: Int, cols: Int) -> Int {
    let n = rows * cols
    switch self {
    case .adamw: return 8 * n
    case .adamw8bit, .pagedAdamw8bit:
      if n < 4_096 { return 8 * n }
      return 2 * (n + 4 * ceilDiv(n, 2_048))
    case .adafactor: return cols == 1 || rows == 1 ? 4 * n : 4 * (rows + cols)
    case .lion, .sgdMomentum: return 4 * n
    case .sgd: return 0
    }
  }

  /// Element-wise operations of one update per parameter: AdamW's 16 (the seed's) — the two
  /// moment updates (7), bias corrections (2), the step with weight decay (7); 8-bit AdamW adds
  /// dequantising and quantising both moments (4); Adafactor: squares and row/column sums (3),
  /// the factored estimate (2), the scaled step with its RMS clip (6); Lion: the interpolation
  /// (3), sign and step with decay (4), the moment update (3); SGD with momentum: the moment
  /// (2) and the step (2); SGD: the step (2).
  public var flopsPerParameter: Int {
    switch self {
    case .adamw: return 16
    case .adamw8bit, .pagedAdamw8bit: return 20
    case .adafactor: return 11
    case .lion: return 10
    case .sgdMomentum: return 4
    case .sgd: return 2
    }
  }
}

/// What leaves the GPU for the host (ZeRO-Offload, ZeRO-Infinity).
public enum Offload: String, Sendable, CaseIterable, Codable {
  case none, optimizer
  case optimizerAndParameters = "optimizer+parameters"
}

/// The training part of a setup: which parameters carry gradients and state, and where.
public struct Training: Equatable, Hashable, Sendable {
  public var fineTuning: FineTuning
  public var lora: LoRA
  public var optimizer: Optimizer
  public var offload: Offload

  public init(
    fineTuning: FineTuning = .full, lora: LoRA = LoRA(), optimizer: Optimizer = .adamw,
    offload: Offload = .none
  ) {
    self.fineTuning = fineTuning
    self.lora = lora
    self.optimizer = optimizer
    self.offload = offload
  }

  public var isDefault: Bool { self == Training() }

  public func validate() throws {
    guard fineTuning != .full else { return }
    if lora.rank <= 0 { throw PlannerError.notPositive(.loraRank, String(lora.rank)) }
    if lora.targets.isEmpty {
      throw PlannerError.outOfRange(.loraTargets, "", rule: "must name at least one projection")
    }
    if lora.dtype != .bf16 && lora.dtype != .fp32 {
      throw PlannerError.outOfRange(.loraDtype, lora.dtype.rawValue, rule: "must be bf16 or fp32")
    }
  }
}
