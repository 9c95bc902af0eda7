/// A mixture-of-experts feed-forward: E routed experts of width f_e of which each token uses
/// k, plus shared experts every token uses, chosen by a linear router h → E.
public struct Experts: Equatable, Hashable, Sendable {
  public var count: Int
  public var topK: Int
  public var shared: Int
  /// `moe_intermediate_size`: each routed expert's feed-forward width.
  public var ffn: Int
  /// Each shared expert's width (Qwen2-MoE's differs; DeepSeek's equals `ffn`).
  public var sharedFFN: Int
  /// The first `firstDenseLayers` layers keep a dense feed-forward (DeepSeek's
  /// `first_k_dense_replace`); after them a layer i is MoE when i is a multiple of `every`.
  public var firstDenseLayers: Int
  public var every: Int
  public var routerBias: Bool
  /// Biases on the experts' matrices (gpt-oss).
  public var expertBias: Bool
  /// Qwen2-MoE's `shared_expert_gate`: a linear h → 1 whose sigmoid scales the shared
  /// experts' output, one per MoE layer, replicated like the router and always active.
  public var sharedExpertGate: Bool

  public init(
    count: Int, topK: Int, shared: Int = 0, ffn: Int, sharedFFN: Int? = nil,
    firstDenseLayers: Int = 0, every: Int = 1, routerBias: Bool = false, expertBias: Bool = false,
    sharedExpertGate: Bool = false
  ) {
    self.count = count
    self.topK = topK
    self.shared = shared
    self.ffn = ffn
    self.sharedFFN = sharedFFN ?? ffn
    self.firstDenseLayers = firstDenseLayers
    self.every = every
    self.routerBias = routerBias
    self.expertBias = expertBias
    self.sharedExpertGate = sharedExpertGate
  }

  public func isMoE(layer i: Int) -> Bool { i >= firstDenseLayers && i % every == 0 }

  /// How many of layers `range` are MoE.
  public func moeLayers(in range: Range<Int>) -> Int {
    range.lazy.filter { isMoE(layer: $0) }.count
  }

  func validate(layers: Int) throws {
    let sizes: [(Field, Int)] = [
      (.experts, count), (.topK, topK), (.expertFFN, ffn), (.moeEvery, every),
    ]
    for (field, value) in sizes where value <= 0 {
      throw PlannerError.notPositive(field, String(value))
    }
    if topK > count {
      throw PlannerError.outOfRange(
        .topK, String(topK), rule: "must be at most the number of experts (\(count))")
    }
    if shared < 0 { throw PlannerError.negative(.sharedExperts, String(shared)) }
    if sharedExpertGate && shared == 0 {
      throw PlannerError.outOfRange(
        .sharedExperts, "0", rule: "must be at least 1 when a shared-expert gate scales them")
    }
    if shared > 0 && sharedFFN <= 0 {
      throw PlannerError.notPositive(.expertFFN, String(sharedFFN))
    }
    if firstDenseLayers < 0 || firstDenseLayers >= layers {
      throw PlannerError.outOfRange(
        .firstDenseLayers, String(firstDenseLayers),
        rule: "must be between 0 and the model's layers less one (\(layers - 1))")
    }
    // Bounds of the arithmetic and of the tensor lists a layer is counted from, not of taste:
    // each shared expert is a list entry, so 2T of them would exhaust memory.
    for (field, value, limit) in [
      (Field.experts, count, 1 << 20), (.sharedExperts, shared, 1 << 20),
      (.expertFFN, ffn, 1 << 30),
    ] where value > limit {
      throw PlannerError.outOfRange(
        field, String(value), rule: "is too large to plan (at most \(limit))")
    }
  }
}

/// DeepSeek's multi-head latent attention: Q through an optional low-rank bottleneck, K and V
/// through a shared latent of `kvLoraRank` with a separate rotary part.
public struct LatentAttention: Equatable, Hashable, Sendable {
  /// nil: a plain q projection (`q_lora_rank: null`).
  public var qLoraRank: Int?
  public var kvLoraRank: Int
  public var qkNopeHeadDim: Int
  public var qkRopeHeadDim: Int
  public var vHeadDim: Int

  public init(
    qLoraRank: Int?, kvLoraRank: Int, qkNopeHeadDim: Int, qkRopeHeadDim: Int, vHeadDim: Int
  ) {
    self.qLoraRank = qLoraRank
    self.kvLoraRank = kvLoraRank
    self.qkNopeHeadDim = qkNopeHeadDim
    self.qkRopeHeadDim = qkRopeHeadDim
    self.vHeadDim = vHeadDim
  }

  func validate() throws {
    let sizes: [(Field, Int)] = [
      (.kvLoraRank, kvLoraRank), (.qkNopeHeadDim, qkNopeHeadDim),
      (.qkRopeHeadDim, qkRopeHeadDim), (.vHeadDim, vHeadDim),
    ]
    for (field, value) in sizes where value <= 0 || value > 1 << 20 {
      throw PlannerError.outOfRange(field, String(value), rule: "must be in 1…1048576")
    }
    if let q = qLoraRank, q <= 0 || q > 1 << 20 {
      throw PlannerError.outOfRange(.qLoraRank, String(q), rule: "must be in 1…1048576, or none")
    }
  }
}
