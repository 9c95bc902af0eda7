/// The FLOPs one sequence costs in a training step, before the optimizer.
public struct SequenceFLOPs: Equatable, Sendable {
  public var forward: Double
  public var backward: Double
  /// The extra forward pass of activation checkpointing; 0 without it.
  public var recompute: Double

  public init(forward: Double, backward: Double, recompute: Double) {
    self.forward = forward
    self.backward = backward
    self.recompute = recompute
  }

  /// The seed method: forward 2·P·s, backward 4·P·s, recompute 2·P·s under full
  /// recomputation; selective recomputation redoes the attention core, 4·s²·h per layer
  /// (Korthikanti et al. 2022, Eq. 8), which the seed's 6·P·s leaves out of the model FLOPs.
  public static func seed(
    parameters: Int, contextLength: Int, checkpointing: Checkpointing,
    attention: AttentionKernel = .naive, layers: Int = 0, width: Int = 0
  ) -> SequenceFLOPs {
    let ps = Double(parameters) * Double(contextLength)
    let s = Double(contextLength)
    let recompute: Double
    switch checkpointing {
    case .none: recompute = 0
    case .selective:
      recompute = attention == .naive ? 4 * s * s * Double(width) * Double(layers) : 0
    case .full: recompute = 2 * ps
    }
    return SequenceFLOPs(forward: 2 * ps, backward: 4 * ps, recompute: recompute)
  }
}

/// FLOPs and time of a run. FLOPs are floating point: a long run's total exceeds 9.2 × 10¹⁸,
/// the 64-bit integer range.
///
/// Per optimizer step over a global batch of B sequences of s tokens: forward 2·P·B·s,
/// backward 4·P·B·s, one more forward 2·P·B·s under full checkpointing, AdamW update 16·P.
/// training days = run FLOPs / (G × peak FLOP/s at the precision × MFU × 86,400).
public struct ComputeEstimate: Equatable, Sendable {
  public var forwardPerStep: Double
  public var backwardPerStep: Double
  public var recomputePerStep: Double
  public var optimizerPerStep: Double
  public var steps: Int
  public var tokens: Int
  /// Peak FLOP/s of one GPU at the training precision.
  public var peakFLOPS: Double
  public var trainingDays: Double
  public var gpuHours: Double
  /// US dollars, where the GPU has a price.
  public var cost: Double?
  /// Kilowatt-hours, where the GPU has a board power.
  public var energyKWh: Double?

  public var perStep: Double {
    forwardPerStep + backwardPerStep + recomputePerStep + optimizerPerStep
  }
  public var total: Double { Double(steps) * perStep }
  /// The step without recomputation: what MFU counts (PaLM's convention).
  public var modelPerStep: Double { forwardPerStep + backwardPerStep + optimizerPerStep }

  /// A recorded estimate, as stored with a plan.
  public init(
    forwardPerStep: Double, backwardPerStep: Double, recomputePerStep: Double,
    optimizerPerStep: Double, steps: Int, tokens: Int, peakFLOPS: Double, trainingDays: Double,
    gpuHours: Double, cost: Double?, energyKWh: Double?
  ) {
    self.forwardPerStep = forwardPerStep
    self.backwardPerStep = backwardPerStep
    self.recomputePerStep = recomputePerStep
    self.optimizerPerStep = optimizerPerStep
    self.steps = steps
    self.tokens = tokens
    self.peakFLOPS = peakFLOPS
    self.trainingDays = trainingDays
    self.gpuHours = gpuHours
    self.cost = cost
    self.energyKWh = energyKWh
  }

  /// Estimates a run of `steps` optimizer steps of `sequencesPerStep` sequences each.
  public init(
    perSequence: SequenceFLOPs, sequencesPerStep: Int, parameters: Int, steps: Int, tokens: Int,
    hardware: HardwareProfile, peakFLOPS: Double, numGPUs: Int, mfu: Double,
    optimizerFLOPs: Double? = nil, stepSeconds: Double? = nil
  ) {
    let b = Double(sequencesPerStep)
    forwardPerStep = perSequence.forward * b
    backwardPerStep = perSequence.backward * b
    recomputePerStep = perSequence.recompute * b
    optimizerPerStep = optimizerFLOPs ?? 16 * Double(parameters)
    self.steps = steps
    self.tokens = tokens
    self.peakFLOPS = peakFLOPS
    let total =
      Double(steps) * (forwardPerStep + backwardPerStep + recomputePerStep + optimizerPerStep)
    // A predicted step time sets the days; else the MFU does (SPEC's formula, as written).
    trainingDays =
      stepSeconds.map { Double(steps) * $0 / 86_400 }
      ?? total / (Double(numGPUs) * peakFLOPS * mfu * 86_400)
    gpuHours = trainingDays * 24 * Double(numGPUs)
    cost = hardware.pricePerHour.map { gpuHours * $0 }
    energyKWh = hardware.powerWatts.map { gpuHours * $0 / 1_000 }
  }
}
