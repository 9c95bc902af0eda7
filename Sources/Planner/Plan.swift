/// Where a run's length came from.
public enum RunLengthBasis: Equatable, Hashable, Sendable {
  case steps
  case tokens
  /// The default: this many tokens per parameter (Hoffmann et al., 2022).
  case tokensPerParameter(Int)
}

/// Every plan option with its value decided: what a stored plan records.
public struct ResolvedSetup: Equatable, Hashable, Sendable {
  /// b, the micro-batch per GPU.
  public var batchSize: Int
  /// True when no batch size was asked for and the planner chose the largest that fits.
  public var batchSizeChosen: Bool
  public var globalBatchSize: Int
  public var gradientAccumulationSteps: Int
  public var steps: Int
  public var tokens: Int
  public var runLengthBasis: RunLengthBasis
  public var mfu: Double
  public var numGPUs: Int
  public var precision: TrainingPrecision
  public var attention: AttentionKernel
  public var checkpointing: Checkpointing
  public var zeroStage: Int
  public var fp32Gradients: Bool
  public var reserveBytes: Int
  public var method: AccountingMethod
  /// S, tokens per training sequence.
  public var sequenceLength: Int
  public var layout = ParallelLayout()
  /// The cluster the step time was predicted on; nil when the time follows from the MFU.
  public var cluster: ClusterProfile?
  public var training = Training()
  /// D = G / (T·P·C), the data-parallel replicas.
  public var dataParallel = 1
  /// F under `--capacity-factor`; nil routes dropless.
  public var capacityFactor: Double?

  /// m = B / (D·b), micro-batches per pipeline per step.
  public var microBatches: Int { globalBatchSize / max(1, batchSize * dataParallel) }

  /// The recomputation, under its newer name.
  public var recompute: Recompute { checkpointing }

  public init(
    batchSize: Int, batchSizeChosen: Bool, globalBatchSize: Int, gradientAccumulationSteps: Int,
    steps: Int, tokens: Int, runLengthBasis: RunLengthBasis, mfu: Double, numGPUs: Int,
    precision: TrainingPrecision, attention: AttentionKernel, checkpointing: Checkpointing,
    zeroStage: Int, fp32Gradients: Bool, reserveBytes: Int, method: AccountingMethod = .seed,
    sequenceLength: Int
  ) {
    self.batchSize = batchSize
    self.batchSizeChosen = batchSizeChosen
    self.globalBatchSize = globalBatchSize
    self.gradientAccumulationSteps = gradientAccumulationSteps
    self.steps = steps
    self.tokens = tokens
    self.runLengthBasis = runLengthBasis
    self.mfu = mfu
    self.numGPUs = numGPUs
    self.precision = precision
    self.attention = attention
    self.checkpointing = checkpointing
    self.zeroStage = zeroStage
    self.fp32Gradients = fp32Gradients
    self.reserveBytes = reserveBytes
    self.method = method
    self.sequenceLength = sequenceLength
  }
}

/// A computed plan: the inputs as they were, and every result figure.
public struct Plan: Equatable, Sendable {
  public var model: ModelConfig
  public var hardware: HardwareProfile
  public var setup: ResolvedSetup
  /// P
  public var parameters: Int
  /// Per-GPU memory at the setup's micro-batch.
  public var memory: MemoryBreakdown
  /// GPU memory less the reserve: what `fits` and `maxBatchSize` compare against.
  public var usableBytes: Int
  public var fits: Bool
  /// The largest micro-batch that fits; 0 when none does.
  public var maxBatchSize: Int
  /// The smallest GPU count at which the micro-batch fits under the ZeRO stage; nil when none.
  public var gpusNeeded: Int?
  public var compute: ComputeEstimate
  /// Non-fatal remarks on the options.
  public var notes: [String]
  /// Every pipeline stage's memory on one GPU; `memory` is the heaviest's.
  public var stages: [StageMemory]
  public var peakStage: Int
  /// Where a step's time goes.
  public var time: StepTime
  /// Parameters that carry gradients and optimizer state (LoRA: the adapters).
  public var trainableParameters: Int
  /// Parameters a token uses (MoE: the routed experts it skips left out); all for dense.
  public var activeParameters: Int
  /// What `--offload` keeps in host memory per GPU (the heaviest stage's); 0 without it.
  public var hostBytes: Int

  public init(
    model: ModelConfig, hardware: HardwareProfile, setup: ResolvedSetup, parameters: Int,
    memory: MemoryBreakdown, usableBytes: Int, fits: Bool, maxBatchSize: Int, gpusNeeded: Int?,
    compute: ComputeEstimate, notes: [String] = [], stages: [StageMemory]? = nil,
    peakStage: Int = 0, time: StepTime? = nil, trainableParameters: Int? = nil,
    activeParameters: Int? = nil, hostBytes: Int = 0
  ) {
    self.model = model
    self.hardware = hardware
    self.setup = setup
    self.parameters = parameters
    self.memory = memory
    self.usableBytes = usableBytes
    self.fits = fits
    self.maxBatchSize = maxBatchSize
    self.gpusNeeded = gpusNeeded
    self.compute = compute
    self.notes = notes
    self.stages =
      stages ?? [
        StageMemory(
          stage: 0, layers: model.numLayers, microBatchesInFlight: 1,
          parametersBytes: memory.parametersBytes, gradientsBytes: memory.gradientsBytes,
          optimizerStateBytes: memory.optimizerStateBytes,
          activationsBytes: memory.activationsBytes, totalBytes: memory.totalBytes)
      ]
    self.peakStage = peakStage
    self.time = time ?? StepTime.fromMFU(compute, setup: setup)
    self.trainableParameters = trainableParameters ?? parameters
    self.activeParameters = activeParameters ?? parameters
    self.hostBytes = hostBytes
  }

  /// Bytes over the usable memory when the plan does not fit; 0 when it does.
  public var shortfallBytes: Int { max(0, memory.totalBytes - usableBytes) }

  /// Bytes left over when the plan fits; 0 when it does not.
  public var spareBytes: Int { max(0, usableBytes - memory.totalBytes) }

  /// The spare memory under which a real run will likely run out of memory: the CUDA context,
  /// NCCL buffers and allocator fragmentation take about that much, which no method counts.
  public var tightSpareBytes: Int { max(1 << 30, Int(Double(hardware.memoryBytes) * 0.03)) }

  /// True when the plan fits on paper with less than `tightSpareBytes` to spare.
  public var isTight: Bool { fits && spareBytes < tightSpareBytes }
}
