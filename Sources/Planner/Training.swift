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
  /// The targets as typed: projection names (q, k, v, o, gate, up, down), Hugging Face module
  /// names (q_proj, c_attn, query_key_value, …), `attention` or `all-linear`. What they adapt
  /// depends on the model (`projections(for:)`).
  public var targets: [String]
  /// The adapters' weights and gradients: bf16 (the default) or fp32.
  public var dtype: TrainingPrecision

  public init(rank: Int = 16, targets: [String] = ["q", "v"], dtype: TrainingPrecision = .bf16) {
    self.rank = rank
    self.targets = targets
    self.dtype = dtype
  }

  /// The projections of `model` the targets name. A Hugging Face name means the modules PEFT
  /// wraps, matched by suffix: GPT-2's `c_attn` and GPT-NeoX's `query_key_value` are the fused
  /// QKV; `c_proj` is both GPT-2's attention output and its MLP output; `dense` is GPT-NeoX's
  /// attention output. `all-linear` is every linear of the blocks, not the LM head.
  public func projections(for model: ModelConfig) throws -> Set<Projection> {
    let present = Self.present(model)
    var out: Set<Projection> = []
    for name in targets {
      let key = name.lowercased()
      let named: [Projection]
      switch key {
      case "attention": named = model.fusedQKV ? [.qkv, .o] : [.q, .k, .v, .o]
      case "all-linear", "all_linear": named = Array(present)
      default:
        guard let found = Self.aliases[key] else {
          let all = Self.aliases.keys.filter { alias in
            Self.aliases[alias]!.allSatisfy(present.contains)
          }
          throw PlannerError.unsupported(
            .loraTargets, name,
            reason:
              "not a projection of \(model.name.isEmpty ? "the model" : model.name)\(Self.didYouMean(key, all.sorted()))"
          )
        }
        named = found
      }
      for p in named where !present.contains(p) {
        let hint: String
        switch p {
        case .q, .k, .v:
          hint = "; did you mean qkv (c_attn, query_key_value): its Q, K, V are one fused matrix"
        case .qkv: hint = "; did you mean q, k, v: its Q, K, V are separate matrices"
        case .gate: hint = "; did you mean up: its feed-forward is GELU, without a gate"
        default: hint = ""
        }
        throw PlannerError.unsupported(
          .loraTargets, name,
          reason:
            "\(model.name.isEmpty ? "the model" : model.name) has no \(p.rawValue) projection\(hint)"
        )
      }
      out.formUnion(named)
    }
    return out
  }

  static let aliases: [String: [Projection]] = [
    "q": [.q], "k": [.k], "v": [.v], "o": [.o], "gate": [.gate], "up": [.up], "down": [.down],
    "qkv": [.qkv], "q_proj": [.q], "k_proj": [.k], "v_proj": [.v], "o_proj": [.o],
    "gate_proj": [.gate], "up_proj": [.up], "down_proj": [.down], "c_attn": [.qkv],
    "c_proj": [.o, .down], "c_fc": [.up], "query_key_value": [.qkv], "dense": [.o],
    "dense_h_to_4h": [.up], "dense_4h_to_h": [.down], "w1": [.gate], "w2": [.down], "w3": [.up],
    "wq": [.q], "wk": [.k], "wv": [.v], "wo": [.o],
  ]

  static func present(_ model: ModelConfig) -> Set<Projection> {
    var out: Set<Projection> =
      model.fusedQKV ? [.qkv, .o, .up, .down] : [.q, .k, .v, .o, .up, .down]
    if model.ffn == .swiglu { out.insert(.gate) }
    return out
  }

  static func didYouMean(_ typed: String, _ names: [String]) -> String {
    let close = names.filter { $0.hasPrefix(String(typed.prefix(1))) }.prefix(4)
    return close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"
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
  /// vector), on the GPU, without a master copy, as each library keeps it after a step
  /// (`validation/optimizer_state.json` measures them):
  /// - AdamW: two fp32 moments, 8 bytes a parameter (SPEC's; torch also keeps a 4-byte step
  ///   count per tensor, which SPEC leaves out);
  /// - 8-bit AdamW (bitsandbytes ≥ 0.44, paged or not): two 8-bit moments and an fp32 absmax per
  ///   block of 256 elements each, 2n + 8·⌈n/256⌉; tensors under 4,096 elements stay 32-bit, 8n
  ///   (plus 2 KiB of quantisation tables once per optimizer);
  /// - Adafactor (transformers', no first moment by default): a matrix keeps an fp32 row and
  ///   column of its second moment, 4·(rows + cols), a vector its full second moment, 4n; each
  ///   4 bytes more for its RMS;
  /// - Lion and SGD with momentum: one fp32 moment, 4 bytes; SGD: none.
  public func stateBytes(rows: Int, cols: Int) -> Int {
    let n = rows * cols
    switch self {
    case .adamw: return 8 * n
    case .adamw8bit, .pagedAdamw8bit:
      if n < 4_096 { return 8 * n }
      return 2 * n + 8 * ceilDiv(n, 256)
    case .adafactor: return (cols == 1 || rows == 1 ? 4 * n : 4 * (rows + cols)) + 4
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
    if lora.rank > 1 << 20 {
      throw PlannerError.outOfRange(.loraRank, String(lora.rank), rule: "must be at most 1048576")
    }
    if lora.dtype != .bf16 && lora.dtype != .fp32 {
      throw PlannerError.outOfRange(.loraDtype, lora.dtype.rawValue, rule: "must be bf16 or fp32")
    }
  }
}
