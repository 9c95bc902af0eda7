/// Token dropping with a capacity factor F (`--capacity-factor`), as Megatron-LM defines it
/// (`--moe-expert-capacity-factor` with `--moe-pad-expert-input-to-capacity`,
/// `moe_utils.get_capacity`): each expert takes at most capacity = ceil(tokens × k / E × F)
/// of the tokens a rank routes in one micro-batch (computed in that order in doubles, as
/// Megatron's Python does), the rest are dropped, and every expert's input is padded to exactly
/// its capacity. So the routed experts process E × capacity slots instead of k × tokens copies.
///
/// What scales: the bytes an MoE layer keeps per routed token copy (`Accounting.routedCopyBytes`:
/// the detailed method's gathered expert input and scattered output and the expert's SwiGLU
/// tensors, Korthikanti's expert MLP bytes under megatron, the seed's 2·f_e elements), which go
/// from s·k per sequence to E × capacity slots per micro-batch. What does not: the router's input
/// and logits, the top-k indices and weights, the combine weight, the shared experts (one per
/// token, whatever F), and the experts' weights. The tokens a rank routes are b·s/C, ÷ T under
/// sequence parallelism (rounded up); the slots of the T·C ranks that split the layer's tensors
/// are then split as the dropless copies were. At F = 1 with E dividing tokens × k the bytes are
/// the dropless ones. The capacity rounds up, so the bytes are not linear in b, but they never
/// fall as b grows (the largest-micro-batch search relies on that). On a cluster the experts'
/// products and the all-to-alls carry the slots too, and hardware FLOPs count them; model FLOPs
/// stay the dropless active ones.
struct ExpertCapacity: Sendable {
  let factor: Double
  let experts: Int
  let topK: Int
  /// s, and the bytes of one routed copy.
  let sequence: Int
  let copyBytes: Int
  /// Whether the copies are in the working set (full recomputation) rather than in what a layer
  /// keeps per micro-batch in flight.
  let inWorkingSet: Bool

  /// F below 0.01 drops 99% of the routed copies; above 1,000 it pads far beyond the E/k of the
  /// models trainplan imports (DeepSeek-V3's 256/8 = 32; at F = E/k every expert can take every
  /// token): both are typos, not setups.
  static let smallest = 0.01
  static let largest = 1_000.0
  static let rule =
    "must be in [0.01, 1000]: each expert takes ceil(tokens × top-k × F / experts) tokens"

  static func validate(_ f: Double) throws {
    if !f.isFinite { throw PlannerError.notFinite(.capacityFactor, String(f)) }
    if f <= 0 { throw PlannerError.notPositive(.capacityFactor, ExactRange.trimmedText(f)) }
    if !(f >= smallest && f <= largest) {
      throw PlannerError.outOfRange(
        .capacityFactor, ExactRange.trimmedText(f),
        rule: rule)
    }
  }

  /// A capacity factor needs routed experts to drop tokens from.
  static func check(_ f: Double?, model: ModelConfig) throws {
    guard let f, model.experts == nil else { return }
    throw PlannerError.unsupported(
      .capacityFactor, ExactRange.trimmedText(f),
      reason:
        "\(model.name.isEmpty ? "the model" : model.name) has no routed experts; a capacity factor needs a mixture-of-experts model"
    )
  }

  /// nil when routing is dropless or the model has no MoE layer.
  init?(_ factor: Double?, accounting a: borrowing Accounting, recompute: Recompute) {
    guard let factor, let e = a.experts, a.routedCopyBytes > 0 else { return nil }
    self.factor = factor
    (experts, topK) = (e.count, e.topK)
    (sequence, copyBytes) = (a.routedTokensPerSequence, a.routedCopyBytes)
    inWorkingSet = recompute == .full
  }

  /// The tokens one rank routes in a micro-batch of b sequences.
  func tokens(_ b: Int, _ layout: ParallelLayout) throws -> Int {
    let ways = layout.contextParallel * (layout.sequenceParallel ? layout.tensorParallel : 1)
    return ceilDiv(try Exact(quantity: "the routed tokens").mul(b, sequence), ways)
  }

  /// Each expert's capacity for `tokens` routed tokens: Megatron's
  /// `math.ceil((num_tokens * topk / num_experts) * capacity_factor)`.
  func capacity(tokens: Int) throws -> Int {
    let copies = try Exact(quantity: "the routed token copies").mul(tokens, topK)
    let slots = (Double(copies) / Double(experts) * factor).rounded(.up)
    guard slots < 0x1p62 else { throw PlannerError.tooLarge(quantity: "the expert capacity") }
    return Int(slots)
  }

  /// The routed slots per token at micro-batch b, E × capacity / tokens (k when dropless and
  /// even): what the time model's expert products and all-to-alls carry.
  func copiesPerToken(_ b: Int, _ layout: ParallelLayout) -> Double {
    guard let tokens = try? tokens(b, layout), tokens > 0,
      let capacity = try? capacity(tokens: tokens)
    else { return Double(topK) }
    return Double(experts) * Double(capacity) / Double(tokens)
  }

  /// The slots one step's experts process beyond (or, below F = 1, short of) the dropless k
  /// copies per token, over all its sequences, times the FLOPs of a slot's forward pass
  /// (2 per weight of an expert's `weights`): what hardware FLOPs add to model FLOPs.
  func paddingForwardFLOPs(
    batch b: Int, sequencesPerStep n: Int, layout: ParallelLayout, moeLayers: Int,
    expertWeights weights: Int
  ) -> Double {
    let extraPerToken = copiesPerToken(b, layout) - Double(topK)
    return Double(n) * Double(sequence) * extraPerToken * Double(moeLayers) * 2 * Double(weights)
  }

  /// What `split` (an MoE layer's, per sequence, dropless) holds on one rank for b sequences
  /// with the routed copies padded to capacity.
  func bytes(_ split: ActivationSplit, _ b: Int, _ layout: ParallelLayout) throws -> Int {
    let x = Exact(quantity: "the activation bytes")
    var base = split
    // The copies are part of the class by construction (`MoEAccounting`); never below zero.
    base.sharded = max(0, base.sharded - (try x.product(sequence, topK, copyBytes)))
    // The slots of every rank that shares the split's sharded class: T·C, of which T route
    // apart only under sequence parallelism.
    let routers = layout.contextParallel * (layout.sequenceParallel ? layout.tensorParallel : 1)
    let slots = try x.product(experts, try capacity(tokens: try tokens(b, layout)), routers)
    return try base.bytes(b, layout, shardedExtra: try x.mul(slots, copyBytes))
  }
}

extension Planner {
  /// A capacity factor over a list of models (`fit`, `sweep`): refused up front when none of
  /// them has routed experts; otherwise each dense model's cells are refused one by one, as
  /// `--expert-parallel`'s are.
  public static func checkCapacityFactor(_ f: Double?, models: [ModelConfig]) throws {
    guard let first = models.first, !models.contains(where: { $0.experts != nil }) else { return }
    try ExpertCapacity.check(f, model: first)
  }
}
