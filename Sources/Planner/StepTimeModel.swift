/// The predicted step time of a layout on a cluster (`--cluster`): Calculon's structure at the
/// granularity of a layer (PARALLEL.md §11.4), with `TimeConstants`.
///
/// Per micro-batch, a layer on one GPU takes its matrix products at `matmulEfficiency` of the
/// peak, its attention core at `attentionEfficiency`, its element-wise ops as passes over its
/// activation bytes (Korthikanti's per-layer bytes, split as the layout splits them) at the HBM
/// bandwidth, a fixed launch overhead, and in the forward pass its tensor-parallel collectives
/// (2 all-reduces, or SP's all-gathers and reduce-scatters of the same volume). The backward
/// pass costs twice the products (2.5× for the flash attention core, which recomputes its
/// scores) and twice the element-wise passes; its collectives overlap the weight-gradient
/// products, as in Megatron. Sequence parallelism's backward re-gathers the norm outputs it did
/// not keep, so its backward traffic is the unsplit one. Full recomputation adds the forward
/// again (its collectives exposed); selective, the attention core and its scores' traffic.
///
/// The step: m micro-batches on the critical stage, plus the bubble, (P − 1)/V of one
/// micro-batch's forward and backward; pipeline sends (b·s·h/T per boundary, Megatron's
/// scatter/gather), exposed; the data-parallel gradient all-reduce (ZeRO 1 and 2: reduce-
/// scatter and all-gather, the same volume), exposed as in Megatron (Korthikanti §6.3), while
/// ZeRO 3's parameter gathers and reduce-scatters overlap the compute as FSDP's prefetching
/// does (only what exceeds it is exposed); context parallelism's K/V exchange overlaps the
/// attention core; the optimizer step streams the GPU's model state through HBM twice.
///
/// Expert parallelism adds, per MoE layer and micro-batch, two all-to-alls forward (dispatch,
/// combine) and two backward (their gradients), two more under full recomputation, exposed
/// (Megatron overlaps them only with its opt-in `--overlap-moe-expert-parallel-comm`). Each
/// moves a rank's tokens × k × h × bytes per element, of which (E − 1)/E leave the rank
/// (uniform routing; the dispatch volume of Lepikhin et al. 2020 (GShard) and Rajbhandari et
/// al. 2022 (DeepSpeed-MoE) §5), over the span of T·E GPUs the expert group covers (Megatron's
/// expert ranks are ordered tp-ep-dp-pp): NVLink when it fits in a node, else the network.
struct StepTimeModel {
  let model: ModelConfig
  let vocabulary: Int
  let layout: ParallelLayout
  let stageLayers: [Int]
  /// How many of each stage's layers are MoE layers.
  var stageMoELayers: [Int] = []
  let cluster: ClusterProfile
  let precision: TrainingPrecision
  let attention: AttentionKernel
  let recompute: Recompute
  let zeroStage: Int
  let gradientBytes: Int
  let dataParallel: Int
  var offload: Offload = .none
  /// Under `--capacity-factor` the experts compute and the all-to-alls carry E × capacity
  /// padded slots, not k copies of each token.
  var capacity: ExpertCapacity? = nil

  struct Pass {
    var forward = 0.0
    var backward = 0.0
    var tensorParallel = 0.0
    /// The exposed K/V exchange of one forward pass, and of the whole micro-batch.
    var contextParallel = 0.0
    var contextParallelTotal = 0.0
  }

  var peak: Double { cluster.gpu.peakFLOPS(for: precision) }
  var hbm: Double {
    cluster.gpu.memoryBandwidth ?? (cluster.gpu.peak.bf16 ?? cluster.gpu.peak.fp32)
      * TimeConstants.bytesPerFLOPWithoutBandwidth
  }
  var elementBytes: Double { Double(precision.bytesPerElement) }

  /// (bandwidth × efficiency, latency) of a group of `span` consecutive GPUs.
  func link(span: Int) -> (Double, Double) {
    span <= cluster.gpusPerNode
      ? (
        cluster.intraNodeBandwidth * TimeConstants.intraNodeLinkEfficiency, cluster.intraNodeLatency
      )
      : (
        cluster.interNodeBandwidth * TimeConstants.interNodeLinkEfficiency, cluster.interNodeLatency
      )
  }

  /// One layer, one micro-batch of b sequences, on one GPU.
  /// An MoE layer (`moe`) multiplies each token by the router and its k routed and the shared
  /// experts in place of the dense feed-forward, and its element-wise work runs over their
  /// widths.
  func layer(batch b: Int, moe: Bool = false) -> Pass {
    let (t, c) = (Double(layout.tensorParallel), Double(layout.contextParallel))
    let (s, h) = (Double(model.contextLength), Double(model.dModel))
    let (kv, a, bb) = (Double(model.kvWidth), Double(model.numHeads), Double(b))
    let e = elementBytes
    var f = Double(model.dFF)
    var feedForward = Double(model.ffn.matrixCount) * h * f
    if moe, let x = model.experts {
      f = routedCopies(batch: b, x) * Double(x.ffn) + Double(x.shared * x.sharedFFN)
      feedForward = Double(x.count) * h + 3 * h * f
    }
    let matrices = 2 * h * h + 2 * h * kv + feedForward
    let products = 2 * bb * s * matrices / (t * c) / (peak * TimeConstants.matmulEfficiency)
    let core = 4 * bb * s * s * h / (t * c) / (peak * TimeConstants.attentionEfficiency)
    // Korthikanti's bytes at 16 bits (scaled to the precision): replicated, sharded, scores.
    let replicated = 10 * s * bb * h * e / 2 / c
    let sharded =
      (4 * s * bb * h + 4 * s * bb * kv + (model.ffn == .swiglu ? 6 : 4) * s * bb * f) * e / 2
      / (t * c)
    let scores = attention == .naive ? 5 * a * s * s * bb * e / 2 / (t * c) : 0
    let sp = layout.sequenceParallel ? t : 1
    let passes = TimeConstants.elementwisePasses
    let forwardTraffic = passes * (replicated / sp + sharded + scores) / hbm
    let backwardTraffic =
      TimeConstants.backwardElementwiseFactor * passes * (replicated + sharded + scores) / hbm
    var pass = Pass()
    if layout.tensorParallel > 1 {
      let (bw, latency) = link(span: layout.tensorParallel)
      let volume = 2 * (t - 1) / t * bb * s * h * e / c
      pass.tensorParallel = 2 * (latency + volume / bw)
    }
    if layout.contextParallel > 1 {
      let (bw, latency) = link(span: layout.tensorParallel * layout.contextParallel)
      let kvBytes = (c - 1) / c * 2 * bb * s * kv * e / t
      let exchange = latency * (c - 1) + kvBytes / bw
      pass.contextParallel = max(0, exchange - core)
    }
    let overhead = TimeConstants.layerOverheadSeconds
    pass.forward = products + core + forwardTraffic + overhead
    pass.backward =
      2 * products + (attention == .flash ? 2.5 : 2) * core + backwardTraffic + overhead
      + 2 * pass.contextParallel
    switch recompute {
    case .none: break
    case .selective: pass.backward += core + passes * scores / hbm
    case .full:
      pass.backward += pass.forward + pass.contextParallel
      pass.tensorParallel *= 2
    }
    pass.forward += pass.contextParallel
    pass.contextParallelTotal = pass.contextParallel * (recompute == .full ? 4 : 3)
    return pass
  }

  /// The routed copies per token an MoE layer's experts process: k, or E × capacity / tokens
  /// under a capacity factor.
  func routedCopies(batch b: Int, _ experts: Experts) -> Double {
    capacity?.copiesPerToken(b, layout) ?? Double(experts.topK)
  }

  /// The LM head and the loss on the last stage, one micro-batch.
  func head(batch b: Int) -> Double {
    let (t, c) = (Double(layout.tensorParallel), Double(layout.contextParallel))
    let (s, h, v, bb) = (
      Double(model.contextLength), Double(model.dModel), Double(vocabulary), Double(b)
    )
    let products = 3 * 2 * bb * s * h * v / (t * c) / (peak * TimeConstants.matmulEfficiency)
    let logits = 4 * s * bb * v / (t * c)  // fp32
    let traffic =
      (1 + TimeConstants.backwardElementwiseFactor) * TimeConstants.elementwisePasses * logits / hbm
    return products + traffic
  }

  /// The all-to-alls of one MoE layer for one micro-batch of b sequences on one GPU. A rank
  /// dispatches its b·s/C tokens (÷ T under sequence parallelism, which Megatron requires for
  /// MoE with T > 1), k copies of each, h elements a copy.
  func expertAllToAll(batch b: Int) -> Double {
    let e = layout.expertParallel
    guard e > 1, let experts = model.experts else { return 0 }
    let (bw, latency) = link(span: layout.tensorParallel * e)
    let sp = layout.sequenceParallel ? layout.tensorParallel : 1
    let tokens = Double(b) * Double(model.contextLength) / Double(layout.contextParallel * sp)
    let bytes =
      tokens * routedCopies(batch: b, experts) * Double(model.dModel) * elementBytes * Double(e - 1)
      / Double(e)
    let count = recompute == .full ? 6.0 : 4.0
    return count * (latency + bytes / bw)
  }

  func predict(
    batch b: Int, microBatches m: Int, stageParameters: [Int], stageStateBytes: [Int],
    modelFLOPs: Double, hardwareFLOPs: Double, tokensPerStep: Double, numGPUs: Int
  ) -> StepTime {
    let layer = layer(batch: b)
    let perLayer = layer.forward + layer.backward
    // A dense model has no MoE layer to time (the search calls this for every candidate).
    let moeLayer = model.experts == nil ? layer : self.layer(batch: b, moe: true)
    let perMoELayer = moeLayer.forward + moeLayer.backward
    let last = stageLayers.count - 1
    let allToAll = expertAllToAll(batch: b)
    var critical = 0.0
    var criticalLayers = 0
    var criticalMoELayers = 0
    for (k, layers) in stageLayers.enumerated() {
      let moe = k < stageMoELayers.count ? stageMoELayers[k] : 0
      let time =
        Double(layers - moe) * perLayer + Double(moe) * (perMoELayer + allToAll)
        + Double(layers) * layer.tensorParallel + (k == last ? head(batch: b) : 0)
      if time > critical { (critical, criticalLayers, criticalMoELayers) = (time, layers, moe) }
    }
    let (p, v, mm) = (
      Double(layout.pipelineParallel), Double(layout.virtualStages), Double(m)
    )
    let tensorParallel = mm * Double(criticalLayers) * layer.tensorParallel
    let contextParallel = mm * Double(criticalLayers) * layer.contextParallelTotal
    let expertParallel = mm * Double(criticalMoELayers) * allToAll
    let compute = mm * critical - tensorParallel - contextParallel - expertParallel
    let bubble = (p - 1) / v * critical
    var pipelineComm = 0.0
    if layout.pipelineParallel > 1 {
      let (bw, latency) = link(span: layout.modelParallelGPUs)
      let bytes =
        Double(b * model.contextLength * model.dModel) * elementBytes
        / Double(layout.tensorParallel * layout.contextParallel)
      pipelineComm = 2 * v * mm * (latency + bytes / bw)
    }
    let dataParallel = dataParallelComm(
      stageParameters.max() ?? 0, microBatches: m, over: mm * critical + bubble)
    let optimizer = 2 * Double(stageStateBytes.max() ?? 0) / hbm
    let offload = offloadTime(
      stageParameters.max() ?? 0, microBatches: m, over: mm * critical + bubble)
    let step = mm * critical + bubble + pipelineComm + dataParallel + optimizer + offload
    let denominator = Double(numGPUs) * peak * step
    return StepTime(
      model: .predicted, stepSeconds: step, computeSeconds: compute, bubbleSeconds: bubble,
      tensorParallelCommSeconds: tensorParallel, pipelineCommSeconds: pipelineComm,
      dataParallelCommSeconds: dataParallel,
      contextParallelCommSeconds: contextParallel, expertParallelCommSeconds: expertParallel,
      optimizerSeconds: optimizer, offloadSeconds: offload, mfu: modelFLOPs / denominator,
      hfu: hardwareFLOPs / denominator, tokensPerSecond: tokensPerStep / step)
  }

  /// What `--offload` moves over the host link each step, for the GPU's ZeRO shard: ZeRO-
  /// Offload sends the gradients down and takes the updated 16-bit weights back after the
  /// backward pass, exposed; ZeRO-Infinity also fetches the weights for every micro-batch's
  /// forward and backward, prefetched beside the compute (only what exceeds it is exposed).
  /// The optimizer's own step on the CPU is not timed.
  func offloadTime(_ parameters: Int, microBatches m: Int, over compute: Double) -> Double {
    guard offload != .none else { return 0 }
    let link = cluster.gpu.hostLinkBandwidth ?? 32e9
    let shard = Double(parameters) / Double(max(1, dataParallel * layout.contextParallel))
    let step = shard * (Double(gradientBytes) + elementBytes) / link
    guard offload == .optimizerAndParameters else { return step }
    let fetches = 2 * Double(m) * Double(parameters) * elementBytes / link
    return step + max(0, fetches - compute)
  }

  /// The exposed data-parallel communication of one step over the ZeRO group D·C.
  func dataParallelComm(_ parameters: Int, microBatches m: Int, over compute: Double) -> Double {
    let group = dataParallel * layout.contextParallel
    guard group > 1 else { return 0 }
    let g = Double(group)
    let (bw, latency) = link(span: layout.modelParallelGPUs * dataParallel)
    let ring = (g - 1) / g
    var seconds = 2 * latency * (g - 1) + 2 * ring * Double(parameters * gradientBytes) / bw
    guard zeroStage == 3 else { return seconds }
    seconds += 2 * Double(m) * ring * Double(parameters) * elementBytes / bw
    return max(0, seconds - compute)
  }
}
