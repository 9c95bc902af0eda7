/// Where a training step's time goes, in seconds.
public struct StepTime: Equatable, Hashable, Sendable {
  public enum Model: String, Sendable, CaseIterable { case mfu, predicted }

  public var model: Model
  public var stepSeconds: Double
  /// The critical stage's compute for every micro-batch (with recomputation), without the
  /// bubble and the exposed tensor-parallel communication.
  public var computeSeconds: Double
  /// (P − 1)/V micro-batches' forward and backward on the critical stage (1F1B, interleaved).
  public var bubbleSeconds: Double
  public var tensorParallelCommSeconds: Double
  public var pipelineCommSeconds: Double
  public var dataParallelCommSeconds: Double
  public var contextParallelCommSeconds: Double
  /// The MoE layers' exposed all-to-alls under expert parallelism.
  public var expertParallelCommSeconds: Double
  public var optimizerSeconds: Double
  /// What `--offload` moves over the host link and the compute does not hide.
  public var offloadSeconds: Double
  /// Model FLOPs (forward, backward, optimizer) per step over G × peak × step time.
  public var mfu: Double
  /// The same with recomputation counted.
  public var hfu: Double
  public var tokensPerSecond: Double

  public init(
    model: Model, stepSeconds: Double, computeSeconds: Double, bubbleSeconds: Double = 0,
    tensorParallelCommSeconds: Double = 0, pipelineCommSeconds: Double = 0,
    dataParallelCommSeconds: Double = 0, contextParallelCommSeconds: Double = 0,
    expertParallelCommSeconds: Double = 0,
    optimizerSeconds: Double = 0, offloadSeconds: Double = 0, mfu: Double, hfu: Double,
    tokensPerSecond: Double
  ) {
    self.model = model
    self.stepSeconds = stepSeconds
    self.computeSeconds = computeSeconds
    self.bubbleSeconds = bubbleSeconds
    self.tensorParallelCommSeconds = tensorParallelCommSeconds
    self.pipelineCommSeconds = pipelineCommSeconds
    self.dataParallelCommSeconds = dataParallelCommSeconds
    self.contextParallelCommSeconds = contextParallelCommSeconds
    self.expertParallelCommSeconds = expertParallelCommSeconds
    self.optimizerSeconds = optimizerSeconds
    self.offloadSeconds = offloadSeconds
    self.mfu = mfu
    self.hfu = hfu
    self.tokensPerSecond = tokensPerSecond
  }
}

extension StepTime {
  /// The step as `--mfu` gives it (SPEC): every FLOP of the step, recomputation included, over
  /// G × peak × MFU, all of it compute. The utilisation `--mfu` sets is thus a hardware one;
  /// the model FLOPs utilisation leaves the recomputation out.
  public static func fromMFU(_ c: ComputeEstimate, setup: ResolvedSetup) -> StepTime {
    let g = Double(setup.numGPUs)
    let step = c.perStep / (g * c.peakFLOPS * setup.mfu)
    return StepTime(
      model: .mfu, stepSeconds: step, computeSeconds: step,
      mfu: setup.mfu * c.modelPerStep / c.perStep, hfu: setup.mfu,
      tokensPerSecond: Double(setup.globalBatchSize * setup.sequenceLength) / step)
  }
}

/// The constants of the predicted step time: one set for every GPU and cluster, fitted once
/// on published A100 runs (Korthikanti et al. 2022 Tables 4–5, Narayanan et al. 2021 Table 1,
/// the Megatron-LM README run, MosaicML's A100 table; `validation/README.md` gives the fit and
/// every row's error). They are fractions of a GPU's own peaks, so they carry over to GPUs
/// with no published measurement.
public enum TimeConstants {
  /// Fraction of the peak FLOP/s the transformer's matrix products reach.
  public static let matmulEfficiency = 0.76
  /// Fraction of the peak the attention core (q·kᵀ, softmax, probs·v; flash or not) reaches.
  public static let attentionEfficiency = 0.60
  /// Passes over a layer's activation bytes that its element-wise ops (norms, dropout,
  /// activation functions, residuals, softmax) make in the forward pass; twice as many backward.
  public static let elementwisePasses = 3.0
  public static let backwardElementwiseFactor = 2.0
  /// Kernel launches and framework overhead per layer, forward and backward each.
  public static let layerOverheadSeconds = 0.5e-3
  /// Achieved fraction of the link bandwidth: NVLink/NVSwitch (Calculon's 0.65) and the
  /// inter-node network (Calculon's 0.9).
  public static let intraNodeLinkEfficiency = 0.65
  public static let interNodeLinkEfficiency = 0.90
  /// Without a recorded HBM bandwidth: the A100's ratio, 2,039 GB/s per 312 TFLOP/s of bf16.
  public static let bytesPerFLOPWithoutBandwidth = 2_039e9 / 312e12
}
