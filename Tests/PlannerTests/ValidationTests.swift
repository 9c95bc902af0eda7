import Testing

@testable import Planner

@Suite struct ValidationTests {
  func model(_ edit: (inout ModelConfig) -> Void) -> ModelConfig {
    var m = Shapes.gpt2XL
    edit(&m)
    return m
  }

  @Test(
    arguments: [
      (Field.vocabSize, \ModelConfig.vocabSize), (.contextLength, \.contextLength),
      (.numLayers, \.numLayers), (.dModel, \.dModel), (.numHeads, \.numHeads),
      (.numKVHeads, \.numKVHeads), (.dFF, \.dFF),
    ] as [(Field, WritableKeyPath<ModelConfig, Int> & Sendable)])
  func everySizeMustBePositive(_ field: Field, _ path: WritableKeyPath<ModelConfig, Int> & Sendable)
  {
    for bad in [0, -1, Int.min] {
      let m = model { $0[keyPath: path] = bad }
      #expect(throws: PlannerError.notPositive(field, String(bad))) { try m.validate() }
    }
  }

  @Test func defaultFeedForwardWidthNeverTraps() {
    for h in [Int.min, Int.max, Int.max / 3] {
      let m = ModelConfig(vocabSize: 1, contextLength: 1, numLayers: 1, dModel: h, numHeads: 1)
      #expect(throws: PlannerError.self) { try Planner.plan(model: m, hardware: Shapes.a100_80GiB) }
    }
  }

  @Test func headsMustDivideWidth() {
    let m = model {
      $0.numHeads = 7
      $0.numKVHeads = 7
    }
    #expect(throws: PlannerError.notDivisible(.numHeads, 7, divides: .dModel, 1_600)) {
      try m.validate()
    }
    #expect(
      PlannerError.notDivisible(.numHeads, 7, divides: .dModel, 1_600).message()
        == "num_heads 7 does not divide d_model 1600")
  }

  @Test func kvHeadsMustDivideHeads() {
    let m = model { $0.numKVHeads = 4 }
    #expect(throws: PlannerError.notDivisible(.numKVHeads, 4, divides: .numHeads, 25)) {
      try m.validate()
    }
  }

  @Test(arguments: [0.0, -0.1, 1.01, .nan, .infinity])
  func mfuMustBeInZeroOne(_ mfu: Double) {
    #expect(throws: PlannerError.self) {
      try Planner.plan(
        model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: TrainingSetup(mfu: mfu))
    }
  }

  @Test func mfuOfOneIsAllowed() throws {
    _ = try Planner.plan(
      model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: TrainingSetup(mfu: 1))
  }

  @Test func memoryMustBePositive() {
    for bytes in [0, -85_899_345_920] {
      var gpu = Shapes.a100_80GiB
      gpu.memoryBytes = bytes
      #expect(throws: PlannerError.notPositive(.memoryBytes, String(bytes))) { try gpu.validate() }
    }
  }

  @Test(arguments: [0.0, -19.5e12, .nan, .infinity, -.infinity])
  func peakMustBePositiveAndFinite(_ peak: Double) {
    var gpu = Shapes.a100_80GiB
    gpu.peak.fp32 = peak
    #expect(throws: PlannerError.self) { try gpu.validate() }
    gpu.peak.fp32 = 1
    gpu.peak.bf16 = peak
    #expect(throws: PlannerError.self) { try gpu.validate() }
  }

  @Test func setupRules() {
    let bad: [TrainingSetup] = [
      TrainingSetup(microBatchSize: 0), TrainingSetup(globalBatchSize: -4),
      TrainingSetup(runLength: .steps(0)), TrainingSetup(runLength: .tokens(-1)),
      TrainingSetup(numGPUs: 0), TrainingSetup(zeroStage: 4), TrainingSetup(zeroStage: -1),
    ]
    for setup in bad {
      #expect(throws: PlannerError.self) { try setup.validate() }
    }
  }

  @Test func precisionWithoutAPeakIsRefused() {
    let v100 = HardwareProfile(
      name: "v100", memoryBytes: 16 << 30, peak: PeakThroughput(fp32: 15.7e12, fp16: 125e12))
    #expect(
      throws: PlannerError.unsupported(
        .precision, "bf16", reason: "GPU v100 lists no bf16 peak FLOP/s")
    ) {
      try Planner.plan(model: Shapes.gpt2XL, hardware: v100, setup: TrainingSetup(precision: .bf16))
    }
  }
}

/// Inputs far beyond any real model: computed in range, or refused, never a trap.
@Suite struct ExtremeInputTests {
  @Test func aBillionLayersIsComputed() throws {
    var m = Shapes.gpt2XL
    m.numLayers = 1_000_000_000
    let plan = try Planner.plan(
      model: m, hardware: Shapes.a100_80GiB, setup: TrainingSetup(runLength: .steps(1)))
    #expect(plan.parameters == 2 * 50_257 * 1_600 + 1_000_000_000 * 16 * 1_600 * 1_600)
    #expect(plan.maxBatchSize == 0)
    #expect(!plan.fits)
  }

  @Test(arguments: [Int.max, Int.max / 2, 1 << 40, 3_037_000_500])
  func hugeSizesAreRefusedOrComputed(_ n: Int) {
    let shapes = [
      ModelConfig(vocabSize: n, contextLength: 1_024, numLayers: 48, dModel: 1_600, numHeads: 25),
      ModelConfig(vocabSize: 50_257, contextLength: n, numLayers: 48, dModel: 1_600, numHeads: 25),
      ModelConfig(
        vocabSize: 50_257, contextLength: 1_024, numLayers: n, dModel: 1_600, numHeads: 25),
      ModelConfig(vocabSize: 50_257, contextLength: 1_024, numLayers: 48, dModel: n, numHeads: 1),
      ModelConfig(
        vocabSize: 50_257, contextLength: 1_024, numLayers: 48, dModel: 1_600, numHeads: 25, dFF: n),
    ]
    for m in shapes {
      do {
        let plan = try Planner.plan(model: m, hardware: Shapes.a100_80GiB)
        #expect(plan.parameters > 0)
      } catch let error as PlannerError {
        #expect(error.message().contains("too large"))
      } catch {
        Issue.record("unexpected error \(error)")
      }
    }
  }

  @Test func hugeRunsStayInFloatingPoint() throws {
    let setup = TrainingSetup(
      microBatchSize: 1, globalBatchSize: Int.max / 2_048,
      runLength: .steps(Int.max / 1_000_000_000_000))
    // B·s still fits in 64 bits, but steps × tokens per step does not.
    #expect(throws: PlannerError.tooLarge(quantity: "the run length")) {
      try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: setup)
    }
    let long = TrainingSetup(
      microBatchSize: 1, globalBatchSize: 1_024, runLength: .steps(4_000_000_000))
    let plan = try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: long)
    #expect(plan.compute.total > 9.2e18)
    #expect(plan.compute.total.isFinite)
  }

  @Test func gpuCountsAtTheLimit() throws {
    let setup = TrainingSetup(microBatchSize: 1, numGPUs: Int.max, zeroStage: 3)
    #expect(throws: PlannerError.self) {
      try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: setup)
    }
  }
}
