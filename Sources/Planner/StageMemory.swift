/// One pipeline stage's memory on one GPU.
public struct StageMemory: Equatable, Hashable, Sendable {
  public var stage: Int
  public var layers: Int
  public var microBatchesInFlight: Int
  public var parametersBytes: Int
  public var gradientsBytes: Int
  public var optimizerStateBytes: Int
  public var activationsBytes: Int
  public var totalBytes: Int

  public init(
    stage: Int, layers: Int, microBatchesInFlight: Int, parametersBytes: Int,
    gradientsBytes: Int, optimizerStateBytes: Int, activationsBytes: Int, totalBytes: Int
  ) {
    self.stage = stage
    self.layers = layers
    self.microBatchesInFlight = microBatchesInFlight
    self.parametersBytes = parametersBytes
    self.gradientsBytes = gradientsBytes
    self.optimizerStateBytes = optimizerStateBytes
    self.activationsBytes = activationsBytes
    self.totalBytes = totalBytes
  }
}

/// Where a method's counts, a layout and the training setup meet: the memory of every
/// pipeline stage on one GPU, at any micro-batch b and data-parallel degree D.
///
/// Stage k holds its layers' parameters (÷ T where sharded), the embedding on stage 0 and the
/// final norm and LM head on the last; gradients and optimizer state by the precision's bytes
/// per parameter, each divided by the ZeRO group D·C where the stage shards it. Its activations
/// are n_k = min(m, P − k) micro-batches of its layers (1F1B; stage 0's × (1 + (P − 1)/(P·V))
/// when interleaved), one layer's working set under full recomputation, the embedding's per
/// micro-batch in flight on stage 0, one micro-batch of the head's on the last, and what the
/// method keeps once per micro-batch.
///
/// Expert parallelism E (`--expert-parallel`) keeps count/E of each MoE layer's routed experts
/// on a rank, everything else as before, and shards the experts' state over the expert data-
/// parallel group D·C/E instead of D·C, as Megatron's distributed optimizer does (expert TP =
/// T, so G / (E·T·P) = D·C/E). Activations are unchanged: with balanced routing a rank's
/// experts process as many token copies (k per local token) as without it; the dispatch
/// buffers are already the gathered inputs and scattered outputs counted per token.
public struct StageMemoryModel: Sendable {
  public let accounting: Accounting
  public let layout: ParallelLayout
  public let stageLayers: [Int]
  let precision: TrainingPrecision
  let zeroStage: Int
  let fp32Gradients: Bool
  /// B / D when the global batch is given: m = this / b. Without it m = 1.
  let sequencesPerReplica: Int?
  let training: Training
  /// What each kind of stage holds (`StageKind.Holdings`), and each stage's kind: stages alike
  /// in layers and in what they hold beyond them are worked out once (a 64-stage pipeline has
  /// at most four kinds under the most even split), so a plan's cost does not grow with P.
  let kinds: [StageKind.Holdings]
  let stageKinds: [Int]
  /// E, and one MoE layer's fixed activations on a rank holding count/E experts.
  let expertParallel: Int
  let moeFixedPerLayer: ActivationSplit
  /// One layer's, for ZeRO 3's gathered buffers (the larger of a dense and an MoE layer).
  let layerState: TrainingMemory.Bytes
  /// How many of each stage's layers are MoE layers (0 for a dense model).
  let stageMoELayers: [Int]
  let hasMoE: Bool
  /// The activations that do not grow with the micro-batch (`ActivationTerms.Fixed`).
  let fixedActivations: ActivationTerms.Fixed
  /// The routed experts' capacity under `--capacity-factor`; nil routes dropless.
  let capacity: ExpertCapacity?

  /// Whether layer 0 exists on stage 0 and has a dense feed-forward.
  let firstLayerIsDense: Bool
  /// The stages that can be the heaviest: the first, the last, and for each layer count the
  /// first stage that has it (the most micro-batches in flight). Others never weigh more.
  let candidateStages: [Int]

  public init(
    accounting: Accounting, layout: ParallelLayout, stageLayers: [Int], setup: TrainingSetup,
    sequencesPerReplica: Int?
  ) throws {
    self.accounting = accounting
    self.layout = layout
    self.stageLayers = stageLayers
    self.precision = setup.precision
    self.zeroStage = setup.zeroStage
    self.fp32Gradients = setup.fp32Gradients
    self.sequencesPerReplica = sequencesPerReplica
    self.training = setup.training
    let memory = TrainingMemory(
      training: setup.training, targets: accounting.loraTargets, precision: setup.precision,
      fp32Gradients: setup.fp32Gradients, tensorParallel: layout.tensorParallel)
    let x = Exact(quantity: "the parameters of a stage")
    let (t, p) = (layout.tensorParallel, layout.pipelineParallel)
    var start = 0
    var moeLayers: [Int] = []
    moeLayers.reserveCapacity(stageLayers.count)
    for layers in stageLayers {
      moeLayers.append(accounting.experts?.moeLayers(in: start..<(start + layers)) ?? 0)
      start += layers
    }
    stageMoELayers = moeLayers
    hasMoE = moeLayers.contains { $0 > 0 }
    capacity =
      hasMoE
      ? ExpertCapacity(setup.capacityFactor, accounting: accounting, recompute: setup.recompute)
      : nil
    let e = layout.expertParallel
    expertParallel = e
    // An MoE layer on one rank: its shell plus count/E routed experts (T divides their width,
    // so the per-rank counts add up exactly to the whole layer's at E = 1).
    let shell = accounting.moeShell ?? accounting.layer
    let expert = accounting.routedExpert ?? ParameterSplit()
    let expertCount = accounting.experts?.count ?? 0
    let localExperts = expertCount / e
    var moeFixed = accounting.moeFixedPerLayer
    // The 16-bit copies of the experts another rank holds are that rank's.
    let elsewhere = try x.mul(expertCount - localExperts, accounting.fixedPerRoutedExpert)
    moeFixed.sharded = max(0, moeFixed.sharded - elsewhere)
    moeFixedPerLayer = moeFixed
    firstLayerIsDense = stageLayers[0] > 0 && !(accounting.experts?.isMoE(layer: 0) ?? false)
    fixedActivations = try ActivationTerms.Fixed(
      accounting, layout, moePerLayer: hasMoE ? moeFixed : nil,
      firstLayerIsDense: firstLayerIsDense)
    let moeShellPerRank = shell.perRank(t)
    let expertsPerRank = try x.mul(localExperts, expert.perRank(t))
    var kinds: [StageKind.Holdings] = []
    var stageKinds: [Int] = []
    stageKinds.reserveCapacity(p)
    for (k, layers) in stageLayers.enumerated() {
      let moeCount = moeLayers[k]
      let kind = StageKind(layers: layers, moeLayers: moeCount, first: k == 0, last: k == p - 1)
      if let known = kinds.firstIndex(where: { $0.kind == kind }) {
        stageKinds.append(known)
        continue
      }
      var n = try x.add(
        try x.mul(layers - moeCount, accounting.layer.perRank(t)),
        try x.mul(moeCount, try x.add(moeShellPerRank, expertsPerRank)))
      if kind.first { n = try x.add(n, accounting.firstStage.perRank(t)) }
      if kind.last {
        n = try x.add(n, accounting.lastStage.perRank(t))
        if p > 1 { n = try x.add(n, accounting.tiedHead.perRank(t)) }
      }
      var experts = try memory.bytes(expert, count: try x.mul(moeCount, localExperts))
      var state = try [
        try memory.bytes(accounting.layer, count: layers - moeCount),
        try memory.bytes(shell, count: moeCount),
        try memory.bytes(accounting.firstStage, count: kind.first ? 1 : 0),
        try memory.bytes(accounting.lastStage, count: kind.last ? 1 : 0),
        try memory.bytes(accounting.tiedHead, count: kind.last && p > 1 ? 1 : 0),
      ].reduce(TrainingMemory.Bytes()) { try $0.adding($1, x) }
      if e == 1 {
        // One ZeRO group for all: the experts' bytes join the rest, rounded as one.
        state = try state.adding(experts, x)
        experts = TrainingMemory.Bytes()
      }
      stageKinds.append(kinds.count)
      kinds.append(StageKind.Holdings(kind: kind, parameters: n, state: state, experts: experts))
    }
    self.kinds = kinds
    self.stageKinds = stageKinds
    // Only ZeRO 3 and parameter offload gather layers: skip the work otherwise (sweeps).
    if setup.zeroStage >= 3 || setup.training.offload == .optimizerAndParameters {
      let denseState = try memory.bytes(accounting.layer, count: 1)
      let shellState = try memory.bytes(shell, count: 1)
      let localState = try memory.bytes(expert, count: localExperts)
      let moeState = TrainingMemory.Bytes(
        params: try x.add(shellState.params, localState.params),
        grads: try x.add(shellState.grads, localState.grads),
        optimizer: try x.add(shellState.optimizer, localState.optimizer),
        trainable: try x.add(shellState.trainable, localState.trainable))
      layerState = moeState.params > denseState.params ? moeState : denseState
    } else {
      layerState = TrainingMemory.Bytes()
    }
    // Stages alike in layers (dense and MoE) weigh the most on the first of them.
    var candidates = [0]
    for (i, holdings) in kinds.enumerated().dropFirst()
    where !kinds[..<i].contains(where: {
      $0.kind.layers == holdings.kind.layers && $0.kind.moeLayers == holdings.kind.moeLayers
    }) {
      candidates.append(stageKinds.firstIndex(of: i) ?? 0)
    }
    if p > 1 && !candidates.contains(p - 1) { candidates.append(p - 1) }
    candidateStages = candidates.sorted()
  }

  /// What decides a stage's parameters and state: its layers, and the embedding or the head.
  struct StageKind: Equatable {
    let layers: Int
    let moeLayers: Int
    let first: Bool
    let last: Bool

    /// What one GPU of a stage of this kind keeps for its parameters, before ZeRO
    /// (`TrainingMemory`): all but the routed experts, sharded over D·C, and this rank's routed
    /// experts, sharded over the expert data-parallel group D·C/E.
    struct Holdings {
      let kind: StageKind
      /// Parameter elements.
      let parameters: Int
      let state: TrainingMemory.Bytes
      let experts: TrainingMemory.Bytes
    }
  }

  /// Parameter elements one GPU of each stage holds.
  var stageParameters: [Int] { stageKinds.map { kinds[$0].parameters } }

  /// Bytes per parameter for (parameters, gradients, optimizer state) in full AdamW training,
  /// before sharding: the figures the time model moves over the network.
  var bytesPerParameter: (params: Int, grads: Int, optimizer: Int) {
    precision.isMixed ? (2, fp32Gradients ? 4 : 2, 12) : (4, 4, 8)
  }

  /// Stage k's model state on the GPU over a ZeRO group of `shards` GPUs, each part rounded up;
  /// what `--offload` moves to the host is 0 here (`hostBytes`).
  func state(stage k: Int, shards: Int) throws -> (params: Int, grads: Int, optimizer: Int) {
    let x = Exact(quantity: "the model state bytes")
    let (whole, experts) = (kinds[stageKinds[k]].state, kinds[stageKinds[k]].experts)
    let expertShards = max(1, shards / expertParallel)
    // The rest over the ZeRO group, the routed experts over the expert data-parallel group.
    func share(_ bytes: Int, _ expertBytes: Int, sharded: Bool) throws -> Int {
      guard sharded else { return try x.add(bytes, expertBytes) }
      return try x.add(ceilDiv(bytes, shards), ceilDiv(expertBytes, expertShards))
    }
    let offload = training.offload
    var state = (
      params: offload == .optimizerAndParameters
        ? 0 : try share(whole.params, experts.params, sharded: zeroStage >= 3),
      grads: try share(whole.grads, experts.grads, sharded: zeroStage >= 2),
      optimizer: offload == .none
        ? try share(whole.optimizer, experts.optimizer, sharded: zeroStage >= 1) : 0
    )
    let gathers = zeroStage >= 3 && shards > 1 || offload == .optimizerAndParameters
    if gathers && accounting.gatheredLayerBuffers && stageLayers[k] > 0 {
      // Two gathered layers (the running one, the prefetched next) and one full gradient.
      state.params = try x.add(state.params, try x.mul(2, layerState.params))
      state.grads = try x.add(state.grads, layerState.grads)
    }
    return state
  }

  /// What `--offload` keeps in host memory for stage k, per GPU (its ZeRO shard).
  func hostBytes(stage k: Int, shards: Int) -> Int {
    let (whole, experts) = (kinds[stageKinds[k]].state, kinds[stageKinds[k]].experts)
    let expertShards = max(1, shards / expertParallel)
    func share(_ bytes: Int, _ expertBytes: Int, sharded: Bool) -> Int {
      sharded
        ? ceilDiv(bytes, shards) + ceilDiv(expertBytes, expertShards) : bytes + expertBytes
    }
    let optimizer = share(whole.optimizer, experts.optimizer, sharded: zeroStage >= 1)
    switch training.offload {
    case .none: return 0
    case .optimizer: return optimizer
    case .optimizerAndParameters:
      return optimizer + share(whole.params, experts.params, sharded: zeroStage >= 3)
    }
  }

  /// Micro-batches per pipeline per step, m = B/(D·b); 1 without a global batch.
  func microBatches(_ b: Int) -> Int {
    guard let perReplica = sequencesPerReplica, b > 0 else { return 1 }
    return max(1, perReplica / b)
  }

  /// Stage k's activation bytes at micro-batch b. Where b does not divide B/D (only while
  /// searching for the largest b that fits) the in-flight count is taken as the fraction
  /// (B/D)/b, which keeps the bytes growing with b and equals the real count at divisors.
  func activations(stage k: Int, batch b: Int) throws -> Int {
    try activations(stage: k, try ActivationTerms(self, batch: b))
  }

  func activations(stage k: Int, _ terms: ActivationTerms) throws -> Int {
    let x = Exact(quantity: "the activation bytes")
    let p = layout.pipelineParallel
    let (layers, moe) = (stageLayers[k], stageMoELayers[k])
    let kept = try layerActivations(stage: k, terms)
    let working = max(layers > moe ? terms.working : 0, moe > 0 ? terms.moeWorking : 0)
    var fixedLayers = try x.mul(layers - moe, terms.fixed.perLayer)
    if moe > 0 { fixedLayers = try x.add(fixedLayers, try x.mul(moe, terms.fixed.moePerLayer)) }
    if k == 0, let first = terms.fixed.firstLayer {
      fixedLayers = try x.add(fixedLayers - terms.fixed.perLayer, first)
    }
    var total = try x.add(try x.add(kept, working), try x.add(fixedLayers, terms.fixed.everyStage))
    if k == 0 {
      let inFlight = layout.inFlight(stage: 0, microBatches: terms.microBatches)
      let embedding = try x.add(try x.mul(inFlight, terms.firstStage), terms.fixed.firstStage)
      total = try x.add(total, embedding)
    }
    if k == p - 1 {
      total = try x.add(total, try x.add(terms.lastStage, terms.fixed.lastStage))
    }
    return total
  }

  /// What stage k's layers keep for its micro-batches in flight (Korthikanti's Eq. 5 on stage
  /// 0 under interleaving): the activations without the working set and the extras. Stage 0's
  /// first layer keeps `firstLayerKept` where the method counts it apart.
  func layerActivations(stage k: Int, batch b: Int) throws -> Int {
    try layerActivations(stage: k, try ActivationTerms(self, batch: b))
  }

  func layerActivations(stage k: Int, _ terms: ActivationTerms) throws -> Int {
    let x = Exact(quantity: "the activation bytes")
    let (p, b) = (layout.pipelineParallel, terms.batch)
    let moe = stageMoELayers[k]
    var kept = try x.mul(stageLayers[k] - moe, terms.layerKept)
    if moe > 0 { kept = try x.add(kept, try x.mul(moe, terms.moeLayerKept)) }
    // LoRA's block 0 keeps less (its input needs no gradient): swapped in where it is dense.
    if k == 0, let first = terms.firstLayerKept {
      kept = try x.add(kept - terms.layerKept, first)
    }
    let depth = p - k
    if let perReplica = sequencesPerReplica, try x.mul(b, depth) > perReplica {
      kept = ceilDiv(try x.mul(kept, perReplica), b)
    } else {
      kept = try x.mul(kept, sequencesPerReplica == nil ? 1 : depth)
    }
    if k == 0 && layout.virtualStages > 1 {
      let pv = p * layout.virtualStages
      kept = ceilDiv(try x.mul(kept, pv + p - 1), pv)
    }
    return kept
  }

  public func stage(_ k: Int, batch b: Int, shards: Int) throws -> StageMemory {
    try stage(k, try ActivationTerms(self, batch: b), shards: shards)
  }

  func stage(_ k: Int, _ terms: ActivationTerms, shards: Int) throws -> StageMemory {
    let s = try state(stage: k, shards: shards)
    let act = try activations(stage: k, terms)
    let x = Exact(quantity: "the total memory")
    return StageMemory(
      stage: k, layers: stageLayers[k],
      microBatchesInFlight: layout.inFlight(stage: k, microBatches: terms.microBatches),
      parametersBytes: s.params, gradientsBytes: s.grads, optimizerStateBytes: s.optimizer,
      activationsBytes: act,
      totalBytes: try x.add(try x.add(s.params, s.grads), try x.add(s.optimizer, act)))
  }

  public func stages(batch b: Int, shards: Int) throws -> [StageMemory] {
    try stages(try ActivationTerms(self, batch: b), shards: shards)
  }

  func stages(_ terms: ActivationTerms, shards: Int) throws -> [StageMemory] {
    var stages: [StageMemory] = []
    stages.reserveCapacity(stageLayers.count)
    // A stage of the same kind as the one before it, whose layers keep as many micro-batches
    // (`depthFactor`), weighs the same: a pipeline's middle stages are worked out once.
    var previous: (kind: Int, factor: Int, inFlight: Int)?
    for k in stageLayers.indices {
      let key = (
        kind: stageKinds[k], factor: depthFactor(stage: k, batch: terms.batch),
        inFlight: layout.inFlight(stage: k, microBatches: terms.microBatches)
      )
      if let previous, let last = stages.last, previous == key {
        var same = last
        same.stage = k
        stages.append(same)
        continue
      }
      stages.append(try stage(k, terms, shards: shards))
      previous = key
    }
    return stages
  }

  /// How stage k's depth enters its kept activations (`layerActivations`): not at all without a
  /// global batch (0), capped at B/D when b × (P − k) exceeds it (−1), else the depth P − k.
  func depthFactor(stage k: Int, batch b: Int) -> Int {
    guard let perReplica = sequencesPerReplica else { return 0 }
    let (product, overflow) = b.multipliedReportingOverflow(by: layout.pipelineParallel - k)
    return overflow || product > perReplica ? -1 : layout.pipelineParallel - k
  }

  func fits(batch b: Int, shards: Int, usable: Int) throws -> Bool {
    try fits(try ActivationTerms(self, batch: b), shards: shards, usable: usable)
  }

  func fits(_ terms: ActivationTerms, shards: Int, usable: Int) throws -> Bool {
    for k in candidateStages where try stage(k, terms, shards: shards).totalBytes > usable {
      return false
    }
    return true
  }

  /// The largest micro-batch at which every stage fits; 0 when even 1 does not. With a global
  /// batch and a pipeline, at most B/D (more would leave a replica less than one micro-batch).
  public func maxBatchSize(usableBytes usable: Int, shards: Int) throws -> Int {
    if stageLayers.count == 1 && layout.tensorParallel == 1 && layout.contextParallel == 1
      && capacity == nil
    {
      // One stage, nothing split, no capacity to round: the bytes are linear in b, as in SPEC.
      let x = Exact(quantity: "the total memory")
      let s = try state(stage: 0, shards: shards)
      let fixed = try activations(stage: 0, batch: 0)
      let constant = try x.sum([s.params, s.grads, s.optimizer, fixed])
      if constant >= usable { return 0 }
      return (usable - constant) / max(1, try activations(stage: 0, batch: 1) - fixed)
    }
    let one = try ActivationTerms(self, batch: 1)
    guard try fits(one, shards: shards, usable: usable) else { return 0 }
    // The largest b ≤ B/D (with a pipeline and a global batch) or ≤ 2^62 that fits; fits(b)
    // only turns false as b grows. Searching from the line through b = 1 and 2 takes a few
    // steps where searching from 1 took two dozen a plan; the answer is the same.
    let cap = layout.pipelineParallel > 1 ? sequencesPerReplica ?? Int.max : Int.max
    let upper = min(cap, 1 << 62)
    let guess = min(max(1, try linearGuess(one, usableBytes: usable, shards: shards)), upper)
    // fits(low); high is past the answer (it does not fit, or it is past `upper`).
    var (low, high) = (1, upper + 1)
    var step = 1
    if try fits(batch: guess, shards: shards, usable: usable) {
      low = guess
      while low < upper {
        let probe = low + min(step, upper - low)
        guard try fits(batch: probe, shards: shards, usable: usable) else {
          high = probe
          break
        }
        low = probe
        step = step < 1 << 61 ? step * 2 : step
      }
      if low == upper { return upper }
    } else {
      high = guess
      while high - low > 1 {
        let probe = max(low + 1, high - step)
        guard try !fits(batch: probe, shards: shards, usable: usable) else {
          low = probe
          break
        }
        high = probe
        step = step < 1 << 61 ? step * 2 : step
      }
    }
    while high - low > 1 {
      let mid = low + (high - low) / 2
      if try fits(batch: mid, shards: shards, usable: usable) { low = mid } else { high = mid }
    }
    return low
  }

  /// Where the heaviest candidate stage's bytes, taken as a line through b = 1 and b = 2, reach
  /// the usable memory: exact when nothing is rounded or capped, close otherwise.
  func linearGuess(_ one: ActivationTerms, usableBytes usable: Int, shards: Int) throws -> Int {
    let two = try ActivationTerms(self, batch: 2)
    var guess = Int.max
    for k in candidateStages {
      let atOne = try stage(k, one, shards: shards).totalBytes
      let slope = try stage(k, two, shards: shards).totalBytes - atOne
      if slope > 0 { guess = min(guess, 1 + max(0, usable - atOne) / slope) }
    }
    return guess
  }

  /// The smallest ZeRO group (data-parallel degree × C) at which micro-batch b fits on every
  /// stage, or nil when none can (the unsharded part alone is too large).
  public func shardsNeeded(batch b: Int, usableBytes usable: Int) throws -> Int? {
    try shardsNeeded(try ActivationTerms(self, batch: b), usableBytes: usable)
  }

  func shardsNeeded(_ terms: ActivationTerms, usableBytes usable: Int) throws -> Int? {
    var needed = 1
    for k in candidateStages {
      guard let g = try shardsNeeded(stage: k, terms, usable: usable) else { return nil }
      needed = max(needed, g)
    }
    return needed
  }

  /// The bytes ZeRO 3's gathered layers add on stage k with more than one shard.
  func zeroBuffers(stage k: Int) throws -> Int {
    guard zeroStage >= 3 && accounting.gatheredLayerBuffers && stageLayers[k] > 0 else { return 0 }
    return try Exact(quantity: "the model state bytes").add(
      try Exact(quantity: "the model state bytes").mul(2, layerState.params), layerState.grads)
  }

  func shardsNeeded(stage k: Int, _ terms: ActivationTerms, usable: Int) throws -> Int? {
    let x = Exact(quantity: "the total memory")
    let whole = try state(stage: k, shards: 1)
    let activations = try activations(stage: k, terms)
    let unsharded = try x.add(try x.add(whole.params, whole.grads), whole.optimizer)
    if try x.add(unsharded, activations) <= usable { return 1 }
    let (dense, experts) = (kinds[stageKinds[k]].state, kinds[stageKinds[k]].experts)
    // (bytes, sharded by ZeRO, over the group ÷ E: the routed experts' state).
    let parts = [
      (whole.params, zeroStage >= 3), (whole.grads, zeroStage >= 2),
      (whole.optimizer, zeroStage >= 1),
    ]
    let split = [
      (dense.params, experts.params, zeroStage >= 3), (dense.grads, experts.grads, zeroStage >= 2),
      (dense.optimizer, experts.optimizer, zeroStage >= 1),
    ]
    // ZeRO 3's gathered buffers do not shrink with the group: they join the fixed part.
    let buffers = try zeroBuffers(stage: k)
    let fixed = try x.add(try x.sum(parts.filter { !$0.1 }.map(\.0)), buffers)
    let sharded =
      split.filter { $0.2 && $0.0 > 0 }.map { ($0.0, 1) }
      + split.filter { $0.2 && $0.1 > 0 }.map { ($0.1, expertParallel) }
    let room = usable - (try x.add(fixed, activations))
    if room < 0 { return nil }
    guard let largest = sharded.map({ try? x.mul($0.0, $0.1) }).compactMap({ $0 }).max() else {
      return 1
    }
    // Each sharded part keeps at least one byte however many GPUs share it.
    if room < sharded.count { return nil }
    // The per-GPU share only shrinks as the group grows (the experts' over the group ÷ E),
    // and at the largest part × E every share is one byte, which fits: search up to there.
    func fits(_ g: Int) -> Bool {
      sharded.reduce(0) { $0 + ceilDiv($1.0, max(1, g / $1.1)) } <= room
    }
    var (low, high) = (1, largest)
    while low < high {
      let mid = low + (high - low) / 2
      if fits(mid) { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
