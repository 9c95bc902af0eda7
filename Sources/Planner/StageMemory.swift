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
  /// Parameter elements one GPU of each stage holds.
  let stageParameters: [Int]
  let training: Training
  /// What each stage keeps for its parameters on one rank, before ZeRO (`TrainingMemory`):
  /// all but the routed experts, sharded over D·C, and this rank's routed experts, sharded
  /// over the expert data-parallel group D·C/E.
  let stageState: [TrainingMemory.Bytes]
  let stageExpertState: [TrainingMemory.Bytes]
  /// E, and one MoE layer's fixed activations on a rank holding count/E experts.
  let expertParallel: Int
  let moeFixedPerLayer: ActivationSplit
  /// One layer's, for ZeRO 3's gathered buffers (the larger of a dense and an MoE layer).
  let layerState: TrainingMemory.Bytes
  /// How many of each stage's layers are MoE layers (0 for a dense model).
  let stageMoELayers: [Int]

  /// Whether layer 0 exists on stage 0 and has a dense feed-forward.
  var firstLayerIsDense: Bool {
    stageLayers[0] > 0 && !(accounting.experts?.isMoE(layer: 0) ?? false)
  }
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
    for layers in stageLayers {
      moeLayers.append(accounting.experts?.moeLayers(in: start..<(start + layers)) ?? 0)
      start += layers
    }
    stageMoELayers = moeLayers
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
    let moeShellPerRank = shell.perRank(t)
    let expertsPerRank = try x.mul(localExperts, expert.perRank(t))
    var perStage: [Int] = []
    var states: [TrainingMemory.Bytes] = []
    var expertStates: [TrainingMemory.Bytes] = []
    for (k, layers) in stageLayers.enumerated() {
      let moeCount = moeLayers[k]
      var n = try x.add(
        try x.mul(layers - moeCount, accounting.layer.perRank(t)),
        try x.mul(moeCount, try x.add(moeShellPerRank, expertsPerRank)))
      if k == 0 { n = try x.add(n, accounting.firstStage.perRank(t)) }
      if k == p - 1 {
        n = try x.add(n, accounting.lastStage.perRank(t))
        if p > 1 { n = try x.add(n, accounting.tiedHead.perRank(t)) }
      }
      perStage.append(n)
      expertStates.append(try memory.bytes(expert, count: try x.mul(moeCount, localExperts)))
      let parts = [
        try memory.bytes(accounting.layer, count: layers - moeCount),
        try memory.bytes(shell, count: moeCount),
        try memory.bytes(accounting.firstStage, count: k == 0 ? 1 : 0),
        try memory.bytes(accounting.lastStage, count: k == p - 1 ? 1 : 0),
        try memory.bytes(accounting.tiedHead, count: k == p - 1 && p > 1 ? 1 : 0),
      ]
      states.append(
        TrainingMemory.Bytes(
          params: try x.sum(parts.map { $0.params }), grads: try x.sum(parts.map { $0.grads }),
          optimizer: try x.sum(parts.map { $0.optimizer }),
          trainable: try x.sum(parts.map { $0.trainable })))
    }
    stageParameters = perStage
    if e == 1 {
      // One ZeRO group for all: the experts' bytes join the rest, rounded as one.
      for k in states.indices {
        states[k] = TrainingMemory.Bytes(
          params: try x.add(states[k].params, expertStates[k].params),
          grads: try x.add(states[k].grads, expertStates[k].grads),
          optimizer: try x.add(states[k].optimizer, expertStates[k].optimizer),
          trainable: try x.add(states[k].trainable, expertStates[k].trainable))
        expertStates[k] = TrainingMemory.Bytes()
      }
    }
    stageState = states
    stageExpertState = expertStates
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
    for k in stageLayers.indices.dropFirst()
    where !candidates.contains(where: {
      stageLayers[$0] == stageLayers[k] && moeLayers[$0] == moeLayers[k]
    }) {
      candidates.append(k)
    }
    if p > 1 && candidates.last != p - 1 { candidates.append(p - 1) }
    candidateStages = candidates
  }

  /// Bytes per parameter for (parameters, gradients, optimizer state) in full AdamW training,
  /// before sharding: the figures the time model moves over the network.
  var bytesPerParameter: (params: Int, grads: Int, optimizer: Int) {
    precision.isMixed ? (2, fp32Gradients ? 4 : 2, 12) : (4, 4, 8)
  }

  /// Stage k's model state on the GPU over a ZeRO group of `shards` GPUs, each part rounded up;
  /// what `--offload` moves to the host is 0 here (`hostBytes`).
  func state(stage k: Int, shards: Int) throws -> (params: Int, grads: Int, optimizer: Int) {
    let x = Exact(quantity: "the model state bytes")
    let (whole, experts) = (stageState[k], stageExpertState[k])
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
    let (whole, experts) = (stageState[k], stageExpertState[k])
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
    let x = Exact(quantity: "the activation bytes")
    let a = accounting
    let p = layout.pipelineParallel
    let layers = stageLayers[k]
    let kept = try layerActivations(stage: k, batch: b)
    let moe = stageMoELayers[k]
    let working = max(
      layers > moe ? try a.workingSet.bytes(b, layout) : 0,
      moe > 0 ? try a.moeWorkingSet.bytes(b, layout) : 0)
    var fixedLayers = try x.mul(layers - moe, try a.fixedPerLayer.bytes(1, layout))
    if moe > 0 {
      fixedLayers = try x.add(fixedLayers, try x.mul(moe, try moeFixedPerLayer.bytes(1, layout)))
    }
    if k == 0 && firstLayerIsDense, let first = a.firstLayerFixed {
      fixedLayers = try x.add(
        fixedLayers - (try a.fixedPerLayer.bytes(1, layout)), try first.bytes(1, layout))
    }
    var total = try x.sum([
      kept, working, fixedLayers,
      try a.fixedEveryStage.bytes(1, layout),
    ])
    if k == 0 {
      let inFlight = layout.inFlight(stage: 0, microBatches: microBatches(b))
      total = try x.sum([
        total, try x.mul(inFlight, try a.firstStageActivations.bytes(b, layout)),
        try a.fixedFirstStage.bytes(1, layout),
      ])
    }
    if k == p - 1 {
      total = try x.sum([
        total, try a.lastStageActivations.bytes(b, layout), try a.fixedLastStage.bytes(1, layout),
      ])
    }
    return total
  }

  /// What stage k's layers keep for its micro-batches in flight (Korthikanti's Eq. 5 on stage
  /// 0 under interleaving): the activations without the working set and the extras. Stage 0's
  /// first layer keeps `firstLayerKept` where the method counts it apart.
  func layerActivations(stage k: Int, batch b: Int) throws -> Int {
    let x = Exact(quantity: "the activation bytes")
    let p = layout.pipelineParallel
    let moe = stageMoELayers[k]
    let perLayer = try accounting.layerKept.bytes(b, layout)
    var kept = try x.mul(stageLayers[k] - moe, perLayer)
    if moe > 0 {
      kept = try x.add(kept, try x.mul(moe, try accounting.moeLayerKept.bytes(b, layout)))
    }
    // LoRA's block 0 keeps less (its input needs no gradient): swapped in where it is dense.
    if k == 0 && firstLayerIsDense, let first = accounting.firstLayerKept {
      kept = try x.add(kept - perLayer, try first.bytes(b, layout))
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
    let s = try state(stage: k, shards: shards)
    let act = try activations(stage: k, batch: b)
    let x = Exact(quantity: "the total memory")
    return StageMemory(
      stage: k, layers: stageLayers[k],
      microBatchesInFlight: layout.inFlight(stage: k, microBatches: microBatches(b)),
      parametersBytes: s.params, gradientsBytes: s.grads, optimizerStateBytes: s.optimizer,
      activationsBytes: act, totalBytes: try x.sum([s.params, s.grads, s.optimizer, act]))
  }

  public func stages(batch b: Int, shards: Int) throws -> [StageMemory] {
    try stageLayers.indices.map { try stage($0, batch: b, shards: shards) }
  }

  func fits(batch b: Int, shards: Int, usable: Int) throws -> Bool {
    for k in candidateStages where try stage(k, batch: b, shards: shards).totalBytes > usable {
      return false
    }
    return true
  }

  /// The largest micro-batch at which every stage fits; 0 when even 1 does not. With a global
  /// batch and a pipeline, at most B/D (more would leave a replica less than one micro-batch).
  public func maxBatchSize(usableBytes usable: Int, shards: Int) throws -> Int {
    if stageLayers.count == 1 && layout.tensorParallel == 1 && layout.contextParallel == 1 {
      // One stage, nothing split: the bytes are linear in b, as in SPEC.
      let x = Exact(quantity: "the total memory")
      let s = try state(stage: 0, shards: shards)
      let fixed = try activations(stage: 0, batch: 0)
      let constant = try x.sum([s.params, s.grads, s.optimizer, fixed])
      if constant >= usable { return 0 }
      return (usable - constant) / max(1, try activations(stage: 0, batch: 1) - fixed)
    }
    guard try fits(batch: 1, shards: shards, usable: usable) else { return 0 }
    let cap = layout.pipelineParallel > 1 ? sequencesPerReplica ?? Int.max : Int.max
    var (low, high) = (1, 2)
    while high <= cap, try fits(batch: high, shards: shards, usable: usable) {
      low = high
      if high > Int.max / 2 { return high }
      high *= 2
    }
    high = min(high, cap == Int.max ? high : cap + 1)
    // fits(low) and not fits(high) (or high past the cap): bisect.
    while high - low > 1 {
      let mid = low + (high - low) / 2
      if try fits(batch: mid, shards: shards, usable: usable) { low = mid } else { high = mid }
    }
    return low
  }

  /// The smallest ZeRO group (data-parallel degree × C) at which micro-batch b fits on every
  /// stage, or nil when none can (the unsharded part alone is too large).
  public func shardsNeeded(batch b: Int, usableBytes usable: Int) throws -> Int? {
    var needed = 1
    for k in candidateStages {
      guard let g = try shardsNeeded(stage: k, batch: b, usable: usable) else { return nil }
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

  func shardsNeeded(stage k: Int, batch b: Int, usable: Int) throws -> Int? {
    let x = Exact(quantity: "the total memory")
    let whole = try state(stage: k, shards: 1)
    let (dense, experts) = (stageState[k], stageExpertState[k])
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
    let activations = try activations(stage: k, batch: b)
    if try x.sum([whole.params, whole.grads, whole.optimizer, activations]) <= usable { return 1 }
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
