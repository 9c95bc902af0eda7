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

  /// Estimates a run of `steps` optimizer steps of `tokensPerStep` tokens each.
  public init(
    parameters: Int, tokensPerStep: Int, steps: Int, tokens: Int, recompute: Bool,
    hardware: HardwareProfile, peakFLOPS: Double, numGPUs: Int, mfu: Double
  ) {
    let p = Double(parameters)
    let pbs = p * Double(tokensPerStep)
    forwardPerStep = 2 * pbs
    backwardPerStep = 4 * pbs
    recomputePerStep = recompute ? 2 * pbs : 0
    optimizerPerStep = 16 * p
    self.steps = steps
    self.tokens = tokens
    self.peakFLOPS = peakFLOPS
    let total =
      Double(steps) * (forwardPerStep + backwardPerStep + recomputePerStep + optimizerPerStep)
    trainingDays = total / (Double(numGPUs) * peakFLOPS * mfu * 86_400)
    gpuHours = trainingDays * 24 * Double(numGPUs)
    cost = hardware.pricePerHour.map { gpuHours * $0 }
    energyKWh = hardware.powerWatts.map { gpuHours * $0 / 1_000 }
  }
}
