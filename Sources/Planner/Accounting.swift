/// One parameter tensor of a model, as the layouts and the training setups see it: its
/// shape (rows × cols; cols = 1 for a vector), what it is, and whether tensor parallelism
/// splits it.
public struct ParameterTensor: Equatable, Hashable, Sendable {
  public enum Role: Equatable, Hashable, Sendable {
    case projection(Projection)
    case embedding, positions, head, norm, bias
    /// A routed or shared expert's matrix, and the MoE router.
    case expert, router
  }

  public var role: Role
  public var rows: Int
  public var cols: Int
  public var sharded: Bool

  public init(_ role: Role, rows: Int, cols: Int = 1, sharded: Bool) {
    self.role = role
    self.rows = rows
    self.cols = cols
    self.sharded = sharded
  }

  /// rows × cols; the method counted the totals exactly first, so this cannot overflow.
  public var elements: Int { rows * cols }
}

/// A group of parameter tensors split the way tensor parallelism splits them.
public struct ParameterSplit: Equatable, Hashable, Sendable {
  public var tensors: [ParameterTensor]
  /// Elements split T ways (column- and row-parallel matrices, their split biases, the
  /// vocabulary).
  public let sharded: Int
  /// Elements on every tensor-parallel rank (norms, row-parallel biases, a learned position
  /// table).
  public let replicated: Int

  public init(tensors: [ParameterTensor]) {
    self.tensors = tensors
    sharded = tensors.filter(\.sharded).reduce(0) { $0 + $1.elements }
    replicated = tensors.filter { !$0.sharded }.reduce(0) { $0 + $1.elements }
  }

  /// Counts without shapes (a test's synthetic accounting): one tensor each.
  public init(sharded: Int = 0, replicated: Int = 0) {
    self.init(
      tensors: [
        ParameterTensor(.bias, rows: sharded, sharded: true),
        ParameterTensor(.bias, rows: replicated, sharded: false),
      ].filter { $0.elements > 0 })
  }

  public var total: Int { sharded + replicated }

  /// What one rank of T holds, the shard rounded up.
  func perRank(_ t: Int) -> Int { ceilDiv(sharded, t) + replicated }
}

/// Activation bytes per sequence, in the classes a layout splits differently. Every class is
/// also split C ways under context parallelism (each rank holds s/C of the sequence).
public struct ActivationSplit: Equatable, Hashable, Sendable {
  /// Replicated in the tensor-parallel region (norm inputs, residual-side tensors): ÷ T only
  /// under sequence parallelism.
  public var replicated: Int
  /// Split over the tensor-parallel ranks (heads, the feed-forward width, the vocabulary).
  public var sharded: Int
  /// The attention scores and softmax: ÷ T; dropped by selective recomputation.
  public var scores: Int
  /// On every rank whatever T (token ids, targets, shared tables).
  public var whole: Int

  public init(replicated: Int = 0, sharded: Int = 0, scores: Int = 0, whole: Int = 0) {
    self.replicated = replicated
    self.sharded = sharded
    self.scores = scores
    self.whole = whole
  }

  public static let zero = ActivationSplit()

  public var total: Int { replicated + sharded + scores + whole }

  /// The same without the scores: what selective recomputation keeps.
  var withoutScores: ActivationSplit {
    ActivationSplit(replicated: replicated, sharded: sharded, whole: whole)
  }

  /// Bytes one rank holds for `b` sequences: each class's share, rounded up.
  /// `shardedExtra` is added to the b sequences' sharded bytes before they are split: what
  /// does not grow linearly with b (an expert capacity's padded slots, `ExpertCapacity`).
  func bytes(_ b: Int, _ layout: ParallelLayout, shardedExtra: Int = 0) throws -> Int {
    let x = Exact(quantity: "the activation bytes")
    let (t, c) = (layout.tensorParallel, layout.contextParallel)
    let tr = layout.sequenceParallel ? t : 1
    func share(_ bytes: Int, _ ways: Int, plus extra: Int = 0) throws -> Int {
      bytes == 0 && extra == 0 ? 0 : ceilDiv(try x.add(try x.mul(bytes, b), extra), ways)
    }
    let split = try x.add(
      try share(replicated, tr * c), try share(sharded, t * c, plus: shardedExtra))
    return try x.add(split, try x.add(try share(scores, t * c), try share(whole, c)))
  }

  static func + (a: ActivationSplit, b: ActivationSplit) -> ActivationSplit {
    ActivationSplit(
      replicated: a.replicated + b.replicated, sharded: a.sharded + b.sharded,
      scores: a.scores + b.scores, whole: a.whole + b.whole)
  }

  func scaled(_ k: Int) -> ActivationSplit {
    ActivationSplit(
      replicated: replicated * k, sharded: sharded * k, scores: scores * k, whole: whole * k)
  }
}

/// What a method counts for a model under a setup, in the parts a layout places: what one
/// transformer layer holds and keeps, and what only the first stage (embedding) and the last
/// stage (final norm, LM head, loss) add. Recomputation is already applied: `layerKept` is what
/// a layer keeps per sequence for each micro-batch in flight, `workingSet` the one layer a
/// full recomputation rebuilds at a time (zero otherwise).
public struct Accounting: Sendable {
  /// Every parameter, the vocabulary padded where the layout pads it.
  public let parameters: Int
  let layer: ParameterSplit
  /// An MoE layer's parameters and what it keeps; nil for a dense model. Which layers are MoE
  /// is `experts`' pattern.
  var moeLayer: ParameterSplit? = nil
  /// One routed expert's parameters and an MoE layer's without its routed experts: expert
  /// parallelism keeps count/E of the first and all of the second on each rank.
  var routedExpert: ParameterSplit? = nil
  var moeShell: ParameterSplit? = nil
  /// What one routed expert adds to `moeFixedPerLayer` (the detailed method's 16-bit copy of
  /// its matrices, in the TP-sharded class); a rank holding fewer experts keeps fewer copies.
  var fixedPerRoutedExpert = 0
  /// The bytes of one routed token copy an MoE layer keeps, in the TP-sharded class of
  /// `moeLayerKept` (or `moeWorkingSet` under full recomputation), which holds s·k of them per
  /// sequence: what a capacity factor scales from k copies per token to E × capacity slots
  /// (`ExpertCapacity`).
  var routedCopyBytes = 0
  /// s, the tokens of one sequence an MoE layer routes (the run's sequence length).
  var routedTokensPerSequence = 0
  var moeLayerKept = ActivationSplit.zero
  var moeWorkingSet = ActivationSplit.zero
  var moeFixedPerLayer = ActivationSplit.zero
  var experts: Experts? = nil
  /// Parameters a token uses: all but the (E − k)/E of each MoE layer's routed experts it
  /// skips (the input embedding included).
  public internal(set) var activeParameters = 0
  let firstStage: ParameterSplit
  let lastStage: ParameterSplit
  /// A tied LM head's own copy, which the last stage keeps when P > 1 (Megatron does).
  let tiedHead: ParameterSplit
  let layerKept: ActivationSplit
  let workingSet: ActivationSplit
  /// Per sequence, per micro-batch in flight on the first stage (token ids, embedding dropout).
  let firstStageActivations: ActivationSplit
  /// Per sequence, for the one micro-batch the last stage holds (final norm, logits, loss).
  let lastStageActivations: ActivationSplit
  /// Shared by the micro-batch: per layer, on every stage, on the first and on the last.
  let fixedPerLayer: ActivationSplit
  let fixedEveryStage: ActivationSplit
  let fixedFirstStage: ActivationSplit
  let fixedLastStage: ActivationSplit
  /// Per sequence by component, for the model on one GPU.
  public let components: [NamedBytes]
  public internal(set) var flops: SequenceFLOPs
  /// The padded vocabulary V_p, and whether it differs from the model's.
  public let paddedVocabulary: Int
  /// Whether ZeRO 3 keeps gathered working copies (the methods that describe a framework:
  /// detailed, megatron). The seed keeps SPEC's rule: parameters divided, nothing more.
  var gatheredLayerBuffers = false
  /// The first block where it keeps other tensors than the rest (`layerKept`,
  /// `fixedPerLayer`); nil where it keeps the same. Under LoRA its input, the frozen
  /// embedding's output, does not require grad (`DetailedMethod.savedLoRA`). Stage 0 holds it.
  var firstLayerKept: ActivationSplit?
  var firstLayerFixed: ActivationSplit?
  /// The projections LoRA adapts in this model (empty for full training).
  var loraTargets: Set<Projection> = []
  /// Parameters that carry gradients and optimizer state: all, or LoRA's adapters.
  public internal(set) var trainableParameters = 0
  /// Notes on what a fine-tuning setup assumed.
  var notes: [String] = []

  /// The options an accounting depends on: setups with equal keys count the same.
  public struct Key: Hashable, Sendable {
    let method: AccountingMethod
    let precision: TrainingPrecision
    let attention: AttentionKernel
    let recompute: Recompute
    let sequenceLength: Int?
    let tensorParallel: Int
    let training: Training

    public init(_ setup: TrainingSetup) {
      (method, precision) = (setup.method, setup.precision)
      (attention, recompute) = (setup.attention, setup.recompute)
      (sequenceLength, tensorParallel) = (setup.sequenceLength, setup.layout.tensorParallel)
      training = setup.training
    }
  }

  /// Activation bytes per sequence of the whole model on one GPU (P = T = C = 1).
  public var activationBytesPerSequence: Int {
    components.reduce(0) { $0 + $1.bytes }
  }
}

extension Int {
  /// The smallest multiple of `k` at or above this value.
  func roundedUp(toMultipleOf k: Int) -> Int { ceilDiv(self, k) * k }
}
