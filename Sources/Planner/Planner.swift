/// The planner service: turns a model, a GPU and a training setup into a `Plan`.
public enum Planner {
  /// Validates every input and computes the plan. Without a micro-batch it plans at the
  /// largest that fits (or at 1 when none fits, to show by how much).
  public static func plan(
    model: ModelConfig, hardware: HardwareProfile, setup: TrainingSetup = TrainingSetup()
  ) throws -> Plan {
    try plan(model: model, hardware: hardware, setup: setup, accounting: nil)
  }

  /// The same, reusing an `Accounting` computed for this model and setup (a sweep plans one
  /// model on many GPUs and batch sizes; what the method counts does not change with them).
  public static func plan(
    model: ModelConfig, hardware: HardwareProfile, setup: TrainingSetup, accounting: Accounting?
  ) throws -> Plan {
    try model.validate()
    try hardware.validate()
    try setup.validate()
    let sequence = try sequenceLength(model, setup)
    let peak = try peakFLOPS(hardware, setup.precision)
    let method = try accounting ?? Self.accounting(model, setup)
    let parameters = method.parameters
    let memoryModel = MemoryModel(
      parameters: parameters, activations: method.activations, setup: setup)
    let reserve = setup.reserveBytes ?? hardware.reserveBytes
    let usable = hardware.memoryBytes - reserve
    if usable <= 0 {
      throw PlannerError.outOfRange(
        .reserveBytes, String(reserve),
        rule: "must be less than the GPU memory \(hardware.memoryBytes)")
    }
    let maxBatch = try memoryModel.maxBatchSize(usableBytes: usable, numGPUs: setup.numGPUs)
    let batch = try GlobalBatch.microBatch(
      asked: setup.microBatchSize, largestFitting: maxBatch, global: setup.globalBatchSize,
      dataParallel: setup.numGPUs)
    let memory = try memoryModel.breakdown(batchSize: batch, numGPUs: setup.numGPUs)
    let resolved = try resolve(
      setup, batchSize: batch, parameters: parameters, sequenceLength: sequence, reserve: reserve)
    let compute = ComputeEstimate(
      perSequence: method.flops, sequencesPerStep: resolved.globalBatchSize,
      parameters: parameters, steps: resolved.steps, tokens: resolved.tokens, hardware: hardware,
      peakFLOPS: peak, numGPUs: setup.numGPUs, mfu: setup.mfu)
    return Plan(
      model: model, hardware: hardware, setup: resolved, parameters: parameters, memory: memory,
      usableBytes: usable, fits: memory.totalBytes <= usable, maxBatchSize: maxBatch,
      gpusNeeded: try memoryModel.gpusNeeded(batchSize: batch, usableBytes: usable),
      compute: compute, notes: setup.notes + notes(model, sequence))
  }

  /// S: the setup's, else the model's context length. A learned position table has a row per
  /// position of the checkpoint, so a longer sequence has no position to read.
  static func sequenceLength(_ model: ModelConfig, _ setup: TrainingSetup) throws -> Int {
    guard let s = setup.sequenceLength else { return model.contextLength }
    if model.positional == .learned && s > model.contextLength {
      throw PlannerError.outOfRange(
        .seqLen, String(s),
        rule:
          "must be at most \(model.contextLength): \(model.name.isEmpty ? "the model" : model.name) has a learned position table of \(model.contextLength) positions"
      )
    }
    return s
  }

  static func notes(_ model: ModelConfig, _ sequence: Int) -> [String] {
    guard sequence > model.contextLength else { return [] }
    return [
      "sequences of \(sequence) tokens are longer than the model's context length \(model.contextLength); RoPE extrapolation beyond it is the user's to check"
    ]
  }

  /// What a method counts for a model under a setup: it depends on the model and on the
  /// setup's method, precision, attention, checkpointing and sequence length only.
  public struct Accounting: Sendable {
    let parameters: Int
    let activations: ActivationBytes
    let flops: SequenceFLOPs

    /// The options an accounting depends on: setups with equal keys count the same.
    public struct Key: Hashable, Sendable {
      let method: AccountingMethod
      let precision: TrainingPrecision
      let attention: AttentionKernel
      let checkpointing: Checkpointing
      let sequenceLength: Int?

      public init(_ setup: TrainingSetup) {
        (method, precision) = (setup.method, setup.precision)
        (attention, checkpointing) = (setup.attention, setup.checkpointing)
        sequenceLength = setup.sequenceLength
      }
    }
  }

  /// Parameters are the checkpoint's; activations and FLOPs are those of a sequence of S
  /// tokens, so they are counted on the model with its context set to S.
  public static func accounting(_ model: ModelConfig, _ setup: TrainingSetup) throws -> Accounting {
    var run = model
    run.contextLength = try sequenceLength(model, setup)
    switch setup.method {
    case .seed:
      let parameters = try ParameterCount(model: model).total
      let elements = try ActivationMemory(
        model: run, attention: setup.attention, checkpointing: setup.checkpointing)
      return Accounting(
        parameters: parameters,
        activations: try ActivationBytes(seed: elements, precision: setup.precision),
        flops: .seed(
          parameters: parameters, contextLength: run.contextLength,
          checkpointing: setup.checkpointing))
    case .detailed:
      return Accounting(
        parameters: try DetailedMethod.parameterCount(model),
        activations: try DetailedMethod.activations(
          run, precision: setup.precision, attention: setup.attention,
          checkpointing: setup.checkpointing),
        flops: try DetailedMethod.flops(
          run, attention: setup.attention, checkpointing: setup.checkpointing))
    }
  }

  static func peakFLOPS(_ hardware: HardwareProfile, _ precision: TrainingPrecision) throws
    -> Double
  {
    guard let peak = hardware.peak[precision.format] else {
      throw PlannerError.unsupported(
        .precision, precision.rawValue,
        reason: "GPU \(hardware.name) lists no \(precision.rawValue) peak FLOP/s")
    }
    return peak
  }

  /// Decides the global batch, accumulation steps and run length.
  static func resolve(
    _ setup: TrainingSetup, batchSize: Int, parameters: Int, sequenceLength: Int, reserve: Int
  ) throws -> ResolvedSetup {
    let x = Exact(quantity: "the run length")
    let perPass = try x.mul(batchSize, setup.numGPUs)
    let global = setup.globalBatchSize ?? perPass
    let tokensPerStep = try x.mul(global, sequenceLength)
    let steps: Int
    let tokens: Int
    let basis: RunLengthBasis
    switch setup.runLength {
    case .steps(let n):
      (steps, tokens, basis) = (n, try x.mul(n, tokensPerStep), .steps)
    case .tokens(let t):
      (steps, tokens, basis) = (ceilDiv(t, tokensPerStep), t, .tokens)
    case .tokensPerParameter(let k):
      let t = try x.mul(k, parameters)
      (steps, tokens, basis) = (ceilDiv(t, tokensPerStep), t, .tokensPerParameter(k))
    }
    return ResolvedSetup(
      batchSize: batchSize, batchSizeChosen: setup.microBatchSize == nil, globalBatchSize: global,
      gradientAccumulationSteps: global / perPass, steps: steps, tokens: tokens,
      runLengthBasis: basis, mfu: setup.mfu, numGPUs: setup.numGPUs, precision: setup.precision,
      attention: setup.attention, checkpointing: setup.checkpointing, zeroStage: setup.zeroStage,
      fp32Gradients: setup.fp32Gradients, reserveBytes: reserve, method: setup.method,
      sequenceLength: sequenceLength)
  }
}
