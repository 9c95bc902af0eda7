/// The search for the fastest layout that fits (`trainplan search`): every legal combination of
/// tensor, pipeline (with interleaving), context, expert and data parallelism, sequence
/// parallelism, micro-batch, recomputation and ZeRO stage on a cluster, the ones whose heaviest stage fits
/// ranked by predicted step time (ties: more spare memory).
///
/// Pruning is exact under the model: for a fixed layout, micro-batch and ZeRO stage, lighter
/// recomputation is never slower, so the first that fits in that order is the best (each ZeRO
/// stage is evaluated: they trade communication against the optimizer step); sequence
/// parallelism is never slower; memory grows with the micro-batch, so the first that fits
/// nowhere ends the micro-batches of a layout.
public struct LayoutSearch: Sendable {
  /// A dimension the user fixed; nil searches it.
  public struct Pins: Equatable, Sendable {
    public var tensorParallel: Int?
    public var pipelineParallel: Int?
    public var virtualStages: Int?
    public var contextParallel: Int?
    public var sequenceParallel: Bool?
    public var microBatch: Int?
    public var recompute: Recompute?
    public var zeroStage: Int?
    public var expertParallel: Int?

    public init(
      tensorParallel: Int? = nil, pipelineParallel: Int? = nil, virtualStages: Int? = nil,
      contextParallel: Int? = nil, sequenceParallel: Bool? = nil, microBatch: Int? = nil,
      recompute: Recompute? = nil, zeroStage: Int? = nil, expertParallel: Int? = nil
    ) {
      self.tensorParallel = tensorParallel
      self.pipelineParallel = pipelineParallel
      self.virtualStages = virtualStages
      self.contextParallel = contextParallel
      self.sequenceParallel = sequenceParallel
      self.microBatch = microBatch
      self.recompute = recompute
      self.zeroStage = zeroStage
      self.expertParallel = expertParallel
    }
  }

  public struct Result: Sendable {
    /// Legal layouts whose memory was computed.
    public var candidates: Int
    /// How many combinations were refused, by reason.
    public var rejected: [String: Int]
    /// The best plans first, at most `top`.
    public var plans: [Plan]
  }

  public let model: ModelConfig
  public let cluster: ClusterProfile
  public let numGPUs: Int
  /// The options every candidate shares: B, S, precision, attention, method, run length, …
  public let base: TrainingSetup
  public let pins: Pins

  public init(
    model: ModelConfig, cluster: ClusterProfile, numGPUs: Int, base: TrainingSetup,
    pins: Pins = Pins()
  ) {
    self.model = model
    self.cluster = cluster
    self.numGPUs = numGPUs
    self.base = base
    self.pins = pins
  }

  /// A layout that fits, with what ranks it.
  struct Found {
    let setup: TrainingSetup
    let stepSeconds: Double
    let spareBytes: Int
  }

  /// Checks what the search needs before it starts: a valid model, cluster and options, and a
  /// global batch, which it returns. Invalid options throw; a search with no legal layout
  /// returns none.
  func validate() throws -> Int {
    try model.validate()
    try cluster.validate()
    var probe = base
    probe.numGPUs = numGPUs
    probe.cluster = cluster
    if let e = pins.expertParallel { probe.layout.expertParallel = e }
    try probe.validate()
    // E against the model (experts, their count); T is checked per candidate.
    try LayoutRules.checkExperts(
      ParallelLayout(expertParallel: probe.layout.expertParallel), model: model)
    try ExpertCapacity.check(base.capacityFactor, model: model)
    guard let global = base.globalBatchSize else {
      throw PlannerError.notPositive(.globalBatchSize, "none")
    }
    _ = try Planner.peakFLOPS(cluster.gpu, base.precision)
    return global
  }

  public func run(top: Int) throws -> Result {
    let global = try validate()
    var result = Result(candidates: 0, rejected: [:], plans: [])
    var found: [Found] = []
    var accountings: [Accounting.Key: Accounting] = [:]
    let usable = cluster.gpu.memoryBytes - (base.reserveBytes ?? cluster.gpu.reserveBytes)
    func reject(_ reason: String, _ count: Int = 1) { result.rejected[reason, default: 0] += count }
    var reachable = false

    for t in Self.divisors(numGPUs) where pins.tensorParallel.map({ $0 == t }) ?? true {
      if let reason = tensorRule(t) {
        reject(reason)
        continue
      }
      for c in Self.divisors(numGPUs / t) where pins.contextParallel.map({ $0 == c }) ?? true {
        if let reason = contextRule(c) {
          reject(reason)
          continue
        }
        for p in Self.divisors(numGPUs / (t * c))
        where pins.pipelineParallel.map({ $0 == p }) ?? true {
          if p > model.numLayers {
            reject("pipeline stages exceed the layers")
            continue
          }
          let d = numGPUs / (t * c * p)
          reachable = reachable || d <= global
          if d > global {
            reject("data-parallel degree exceeds the global batch")
            continue
          }
          if global % d != 0 {
            reject("global batch not divisible by the data-parallel degree")
            continue
          }
          let experts = expertParallelChoices(d * c)
          if experts.isEmpty { reject("data-parallel × context-parallel group not divisible by E") }
          for e in experts {
            for v in virtualStageChoices(p) {
              for sp in sequenceParallelChoices(t) {
                let layout = ParallelLayout(
                  tensorParallel: t, pipelineParallel: p, contextParallel: c, virtualStages: v,
                  sequenceParallel: sp, expertParallel: e)
                try searchBatches(
                  layout, dataParallel: d, global: global, usable: usable,
                  accountings: &accountings, found: &found, result: &result)
              }
            }
          }
        }
      }
    }
    if !reachable && pins == Pins() {
      throw PlannerError.outOfRange(
        .numGPUs, String(numGPUs),
        rule:
          "leaves more data-parallel replicas than sequences in the global batch (\(global)) under every legal tensor × pipeline × context split"
      )
    }
    found.sort {
      ($0.stepSeconds, -$0.spareBytes) < ($1.stepSeconds, -$1.spareBytes)
    }
    result.plans = try found.prefix(top).map {
      try Planner.plan(model: model, hardware: cluster.gpu, setup: $0.setup)
    }
    return result
  }

  /// Every micro-batch of one layout, each at its lightest recomputation and lowest ZeRO stage
  /// that fit.
  func searchBatches(
    _ layout: ParallelLayout, dataParallel d: Int, global: Int, usable: Int,
    accountings: inout [Accounting.Key: Accounting], found: inout [Found], result: inout Result
  ) throws {
    let stageLayers: [Int]
    do { stageLayers = try layout.stageLayers(numLayers: model.numLayers) } catch {
      result.rejected["layers do not divide into the stages", default: 0] += 1
      return
    }
    let perReplica = global / d
    for b in Self.divisors(perReplica) where pins.microBatch.map({ $0 == b }) ?? true {
      let m = perReplica / b
      if layout.virtualStages > 1 && m % layout.pipelineParallel != 0 {
        result.rejected["micro-batches not a multiple of the stages (interleaving)", default: 0] +=
          1
        continue
      }
      var fitted = false
      var heaviest = 0
      var best: Found?
      // Per ZeRO stage, the lightest recomputation that fits is that stage's fastest; the
      // stages differ in communication and optimizer time, so each is evaluated.
      for zero in 0...3 where pins.zeroStage.map({ $0 == zero }) ?? true {
        recomputes: for recompute in [Recompute.none, .selective, .full]
        where pins.recompute.map({ $0 == recompute }) ?? true {
          if recompute == .selective && base.attention == .flash && pins.recompute == nil {
            continue
          }
          var setup = base
          (setup.microBatchSize, setup.numGPUs, setup.layout) = (b, numGPUs, layout)
          (setup.recompute, setup.zeroStage, setup.cluster) = (recompute, zero, cluster)
          let key = Accounting.Key(setup)
          let accounting = try accountings[key] ?? Planner.accounting(model, setup)
          accountings[key] = accounting
          let memory = try StageMemoryModel(
            accounting: accounting, layout: layout, stageLayers: stageLayers, setup: setup,
            sequencesPerReplica: layout.pipelineParallel > 1 ? perReplica : nil)
          result.candidates += 1
          let shards = d * layout.contextParallel
          let stages = try memory.candidateStages.map {
            try memory.stage($0, batch: b, shards: shards)
          }
          let peak = stages.max { $0.totalBytes < $1.totalBytes }!
          if peak.totalBytes > usable {
            heaviest = peak.stage
            continue
          }
          let candidate = try evaluate(
            setup, memory, accounting, batch: b, microBatches: m, dataParallel: d,
            spare: usable - peak.totalBytes)
          if best.map({
            (candidate.stepSeconds, -candidate.spareBytes) < ($0.stepSeconds, -$0.spareBytes)
          }) ?? true {
            best = candidate
          }
          fitted = true
          break recomputes
        }
      }
      if let best { found.append(best) }
      if !fitted {
        result.rejected["does not fit on stage \(heaviest)", default: 0] += 1
        if pins.microBatch == nil { return }  // larger micro-batches need more memory still
      }
    }
  }

  func evaluate(
    _ setup: TrainingSetup, _ memory: StageMemoryModel, _ accounting: Accounting, batch b: Int,
    microBatches m: Int, dataParallel d: Int, spare: Int
  ) throws -> Found {
    let stateBytes = try memory.stageLayers.indices.map { k -> Int in
      let s = try memory.state(stage: k, shards: d * setup.layout.contextParallel)
      return s.params + s.grads + s.optimizer
    }
    let time = Planner.predictStep(
      model, sequence: setup.sequenceLength ?? model.contextLength, setup: setup,
      cluster: cluster, accounting: accounting, memory: memory, batch: b, microBatches: m,
      sequencesPerStep: setup.globalBatchSize!, dataParallel: d, stageStateBytes: stateBytes)
    return Found(setup: setup, stepSeconds: time.stepSeconds, spareBytes: spare)
  }

  func tensorRule(_ t: Int) -> String? {
    if model.numHeads % t != 0 { return "heads not divisible by T" }
    if model.numKVHeads % t != 0 { return "KV heads not divisible by T" }
    if model.dFF % t != 0 { return "d_ff not divisible by T" }
    if let e = model.experts, e.ffn % t != 0 || (e.shared > 0 && e.sharedFFN % t != 0) {
      return "expert width not divisible by T"
    }
    let s = base.sequenceLength ?? model.contextLength
    if t > 1 && pins.sequenceParallel == true && s % t != 0 { return "sequence not divisible by T" }
    return nil
  }

  func contextRule(_ c: Int) -> String? {
    guard c > 1 else { return nil }
    if base.attention != .flash { return "context parallelism needs flash attention" }
    let s = base.sequenceLength ?? model.contextLength
    if s % (2 * c) != 0 { return "sequence not divisible by 2 × C" }
    return nil
  }

  /// Sequence parallelism moves the same bytes as plain tensor parallelism, keeps less and
  /// does less element-wise work, so it is never slower: searched only when pinned off or when
  /// the sequence does not split T ways.
  func sequenceParallelChoices(_ t: Int) -> [Bool] {
    if let pinned = pins.sequenceParallel { return [pinned && t > 1] }
    let s = base.sequenceLength ?? model.contextLength
    return [t > 1 && s % t == 0]
  }

  /// Expert parallelism E for an MoE model: each E that divides the routed experts and the
  /// data-parallel × context-parallel group (Megatron's rules, `LayoutRules`); 1 otherwise.
  func expertParallelChoices(_ group: Int) -> [Int] {
    if let e = pins.expertParallel { return group % e == 0 ? [e] : [] }
    guard let experts = model.experts else { return [1] }
    return Self.divisors(experts.count).filter { group % $0 == 0 }
  }

  func virtualStageChoices(_ p: Int) -> [Int] {
    if let v = pins.virtualStages { return [v] }
    guard p > 1, model.numLayers % p == 0 else { return [1] }
    return Self.divisors(model.numLayers / p)
  }

  /// The divisors of n in ascending order.
  static func divisors(_ n: Int) -> [Int] {
    guard n > 0 else { return [] }
    var small: [Int] = []
    var large: [Int] = []
    var i = 1
    while i <= n / i {
      if n % i == 0 {
        small.append(i)
        if i != n / i { large.append(n / i) }
      }
      i += 1
    }
    return small + large.reversed()
  }
}
