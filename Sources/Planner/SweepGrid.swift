/// Model shapes generated from ranges, for scaling studies: every (layers, width) pair with
/// heads of a fixed dimension, named after its shape (`l12-d768-n12`).
public struct ShapeGrid: Equatable, Sendable {
  public var layers: [Int]
  public var widths: [Int]
  public var headDim: Int
  public var vocabSize: Int
  public var contextLength: Int
  /// d_ff = multiplier × d_model.
  public var ffnMultiplier: Int
  public var ffn: FeedForwardKind

  public init(
    layers: [Int], widths: [Int], headDim: Int, vocabSize: Int, contextLength: Int,
    ffnMultiplier: Int = 4, ffn: FeedForwardKind = .swiglu
  ) {
    self.layers = layers
    self.widths = widths
    self.headDim = headDim
    self.vocabSize = vocabSize
    self.contextLength = contextLength
    self.ffnMultiplier = ffnMultiplier
    self.ffn = ffn
  }

  /// Every shape, layers outermost; refuses a width the head dimension does not divide.
  public func models() throws -> [ModelConfig] {
    if headDim <= 0 { throw PlannerError.notPositive(.dModel, "head dimension \(headDim)") }
    for w in widths where w <= 0 || w % headDim != 0 {
      throw PlannerError.outOfRange(
        .dModel, String(w), rule: "must be a positive multiple of the head dimension \(headDim)")
    }
    let x = Exact(quantity: "the feed-forward width")
    return try layers.flatMap { l in
      try widths.map { h in
        let model = ModelConfig(
          name: "l\(l)-d\(h)-n\(h / headDim)", vocabSize: vocabSize, contextLength: contextLength,
          numLayers: l, dModel: h, numHeads: h / headDim, dFF: try x.mul(ffnMultiplier, h), ffn: ffn
        )
        try model.validate()
        return model
      }
    }
  }
}

/// The cross product a sweep computes: models × GPUs × setups, enumerated lazily so a
/// million plans never sit in memory at once.
public struct SweepGrid: Sendable {
  public var models: [ModelConfig]
  public var gpus: [HardwareProfile]
  /// nil plans at the largest micro-batch that fits.
  public var batchSizes: [Int?]
  public var precisions: [TrainingPrecision]
  public var attentions: [AttentionKernel]
  public var checkpointings: [Checkpointing]
  public var gpuCounts: [Int]
  public var zeroStages: [Int]
  /// The model-parallel layouts (T, P, C, V); a layout that does not suit a cell (T not
  /// dividing the heads, T·P·C not dividing the GPUs) is one of the cells without a plan.
  public var layouts: [ParallelLayout]
  /// The options every plan shares (run length, MFU, method, …).
  public var base: TrainingSetup

  public init(
    models: [ModelConfig], gpus: [HardwareProfile], batchSizes: [Int?] = [nil],
    precisions: [TrainingPrecision] = [.fp32], attentions: [AttentionKernel] = [.naive],
    checkpointings: [Checkpointing] = [.none], gpuCounts: [Int] = [1], zeroStages: [Int] = [0],
    layouts: [ParallelLayout]? = nil, base: TrainingSetup = TrainingSetup()
  ) {
    self.models = models
    self.gpus = gpus
    self.batchSizes = batchSizes
    self.precisions = precisions
    self.attentions = attentions
    self.checkpointings = checkpointings
    self.gpuCounts = gpuCounts
    self.zeroStages = zeroStages
    self.layouts = layouts ?? [base.layout]
    self.base = base
  }

  /// How many plans the grid holds; throws when it passes the 64-bit range.
  public func count() throws -> Int {
    try Exact(quantity: "the number of plans").product(models.count, gpus.count, setupCount())
  }

  /// How many setups each (model, GPU) pair is planned with, counted without building them.
  public func setupCount() throws -> Int {
    try Exact(quantity: "the number of setups").product(
      batchSizes.count, precisions.count, attentions.count, checkpointings.count,
      gpuCounts.count, zeroStages.count, layouts.count)
  }

  /// Checks every option value once, so a bad one (`--zero 5`) is refused up front rather
  /// than failing every plan; builds no setups.
  public func validate() throws {
    var probe = base
    try probe.validate()
    try Planner.checkCapacityFactor(base.capacityFactor, models: models)
    for b in batchSizes {
      probe.microBatchSize = b
      try probe.validate()
    }
    for g in gpuCounts {
      probe.numGPUs = g
      try probe.validate()
    }
    for z in zeroStages {
      probe.zeroStage = z
      try probe.validate()
    }
    // Each degree on its own (T = 0 fails every cell); a combination that fails only some
    // cells (a per-stage split for another P) is left to the cells.
    probe.zeroStage = base.zeroStage
    for l in layouts {
      probe.layout = ParallelLayout(
        tensorParallel: l.tensorParallel, pipelineParallel: l.pipelineParallel,
        contextParallel: l.contextParallel, virtualStages: l.virtualStages,
        expertParallel: l.expertParallel)
      try probe.validate()
    }
  }

  /// Every setup of the grid, for one model and GPU, in a fixed order.
  public func setups() -> [TrainingSetup] {
    var out: [TrainingSetup] = []
    for precision in precisions {
      for attention in attentions {
        for checkpointing in checkpointings {
          for g in gpuCounts {
            for layout in layouts {
              for zero in zeroStages {
                for b in batchSizes {
                  var s = base
                  (s.precision, s.attention, s.checkpointing) = (
                    precision, attention, checkpointing
                  )
                  (s.numGPUs, s.layout, s.zeroStage, s.microBatchSize) = (g, layout, zero, b)
                  out.append(s)
                }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// Calls `body` with every (model, GPU, setup) in order; stops when it returns false.
  /// Plans every cell in order, or says why a cell has no plan; stops when `body` returns
  /// false. What the method counts is computed once per model and setup kind, not per GPU.
  public func forEachPlan(_ body: (Result<Plan, PlannerError>) throws -> Bool) rethrows {
    let setups = setups()
    let kinds = setups.map(Accounting.Key.init)
    for model in models {
      var cache: [Accounting.Key: Result<Accounting, PlannerError>] = [:]
      for gpu in gpus {
        for (i, setup) in setups.enumerated() {
          let accounting = cache[kinds[i]] ?? Self.catching { try Planner.accounting(model, setup) }
          cache[kinds[i]] = accounting
          let plan = accounting.flatMap { a in
            Self.catching {
              try Planner.plan(model: model, hardware: gpu, setup: setup, accounting: a)
            }
          }
          if try !body(plan) { return }
        }
      }
    }
  }

  static func catching<T>(_ body: () throws -> T) -> Result<T, PlannerError> {
    do { return .success(try body()) } catch let e as PlannerError { return .failure(e) } catch {
      return .failure(.unsupported(.name, "", reason: "\(error)"))
    }
  }
}
