import Testing

@testable import Planner

/// The global-batch rule: B a multiple of b·D, the chosen b the largest that fits and divides.
@Suite struct GlobalBatchTests {
  let model = Shapes.gpt2XL
  let gpu = Shapes.a100_80GiB

  @Test func chosenMicroBatchDividesTheGlobalBatch() throws {
    // SPEC: B = 1,024 → b = 2 (3 fits but does not divide), 512 accumulation steps.
    let plan = try Planner.plan(
      model: model, hardware: gpu, setup: TrainingSetup(globalBatchSize: 1_024))
    #expect(plan.maxBatchSize == 3)
    #expect(plan.setup.batchSize == 2)
    #expect(plan.setup.gradientAccumulationSteps == 512)
    #expect(plan.memory.totalBytes == 34_030_438_400 + 2 * 15_517_753_344)
    // B = 1,023 = 3 · 341: the largest that fits divides it.
    let odd = try Planner.plan(
      model: model, hardware: gpu, setup: TrainingSetup(globalBatchSize: 1_023))
    #expect(odd.setup.batchSize == 3)
    #expect(odd.setup.gradientAccumulationSteps == 341)
  }

  @Test func askedMicroBatchMustDivideAndTheErrorNamesTheNearest() {
    #expect(throws: PlannerError.self) {
      try Planner.plan(
        model: model, hardware: gpu, setup: TrainingSetup(microBatchSize: 3, globalBatchSize: 1_024)
      )
    }
    do {
      _ = try Planner.plan(
        model: model, hardware: gpu, setup: TrainingSetup(microBatchSize: 3, globalBatchSize: 1_024)
      )
    } catch let e as PlannerError {
      #expect(e.message().contains("nearest valid: 1023 or 1026"))
      #expect(e.field == .globalBatchSize)
    } catch { Issue.record("unexpected \(error)") }
  }

  @Test func globalBatchBelowOneMicroBatchPerGPUIsRefused() {
    // B = 4 < b·G = 1 · 8: never silently raised to 8.
    let setup = TrainingSetup(microBatchSize: 1, globalBatchSize: 4, numGPUs: 8)
    #expect(throws: PlannerError.self) {
      try Planner.plan(model: model, hardware: gpu, setup: setup)
    }
    // Chosen b: B must be a multiple of the data-parallel GPUs.
    let chosen = TrainingSetup(globalBatchSize: 12, numGPUs: 8)
    #expect(throws: PlannerError.self) {
      try Planner.plan(model: model, hardware: gpu, setup: chosen)
    }
    #expect(GlobalBatch.nearest(4, multipleOf: 8) == "8")
    #expect(GlobalBatch.nearest(12, multipleOf: 8) == "8 or 16")
  }

  @Test func withoutAGlobalBatchItIsOneMicroBatchPerGPU() throws {
    let plan = try Planner.plan(
      model: model, hardware: gpu, setup: TrainingSetup(numGPUs: 4, zeroStage: 1))
    #expect(plan.setup.globalBatchSize == plan.setup.batchSize * 4)
    #expect(plan.setup.gradientAccumulationSteps == 1)
  }

  @Test func largestDivisorAgreesWithBruteForce() {
    for n in 1...400 {
      for m in 1...60 {
        let brute = (1...min(n, m)).last { n % $0 == 0 }!
        #expect(GlobalBatch.largestDivisor(of: n, atMost: m) == brute, "n \(n) m \(m)")
      }
    }
    // A large prime with a large bound: the answer is 1, found in about 2·√n steps.
    #expect(GlobalBatch.largestDivisor(of: 1_000_000_007, atMost: 500_000_000) == 1)
    #expect(GlobalBatch.largestDivisor(of: 1 << 40, atMost: 1_000_000) == 1 << 19)
  }
}

/// `--seq-len`: sequences shorter or longer than the context, the checkpoint's parameters kept.
@Suite struct SequenceLengthTests {
  @Test func defaultIsTheContextLengthAndChangesNothing() throws {
    let plan = try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB)
    #expect(plan.setup.sequenceLength == 1_024)
    #expect(plan.memory.activationBytesPerSequence == 15_517_753_344)
  }

  @Test func activationsAndFLOPsFollowSWhileParametersStay() throws {
    let setup = TrainingSetup(microBatchSize: 1, runLength: .steps(1), sequenceLength: 512)
    let plan = try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: setup)
    #expect(plan.parameters == 2_126_902_400)
    // Seed per block 8sh + 2sf + 2ns² at s = 512, × 48, + sh + 2sv; 4 bytes each.
    let (s, h, f, n, v, l) = (512, 1_600, 6_400, 25, 50_257, 48)
    let elements = l * (8 * s * h + 2 * s * f + 2 * n * s * s) + s * h + 2 * s * v
    #expect(plan.memory.activationBytesPerSequence == 4 * elements)
    #expect(plan.compute.forwardPerStep == 2 * 2_126_902_400 * 512)
    #expect(plan.setup.tokens == 512)
  }

  @Test func learnedPositionsRefuseLongerSequencesAndKeepTheirTable() throws {
    var gpt2 = Shapes.gpt2XL
    gpt2.positional = .learned
    let base = try Planner.plan(
      model: gpt2, hardware: Shapes.a100_80GiB,
      setup: TrainingSetup(microBatchSize: 1, method: .detailed))
    let short = try Planner.plan(
      model: gpt2, hardware: Shapes.a100_80GiB,
      setup: TrainingSetup(microBatchSize: 1, method: .detailed, sequenceLength: 256))
    #expect(short.parameters == base.parameters)
    #expect(short.memory.activationBytesPerSequence < base.memory.activationBytesPerSequence)
    #expect(throws: PlannerError.self) {
      try Planner.plan(
        model: gpt2, hardware: Shapes.a100_80GiB,
        setup: TrainingSetup(microBatchSize: 1, sequenceLength: 1_025))
    }
    // RoPE extrapolates: a longer S is planned, with a note.
    let rope = try Planner.plan(
      model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB,
      setup: TrainingSetup(microBatchSize: 1, sequenceLength: 2_048))
    #expect(rope.notes.contains { $0.contains("longer than the model's context length") })
  }
}

/// Floating-point inputs are bounded so every derived figure stays a normal double.
@Suite struct ExactRangeTests {
  @Test func tinyAndHugeValuesAreRefusedWithTheRealLimit() throws {
    var gpu = Shapes.a100_80GiB
    gpu.peak.fp32 = Double.leastNonzeroMagnitude * 1e12  // 5e-324 TFLOP/s
    #expect(throws: PlannerError.self) { try gpu.validate() }
    gpu.peak.fp32 = 1e308
    do {
      try gpu.validate()
      Issue.record("1e308 FLOP/s accepted")
    } catch let e as PlannerError {
      #expect(e.message().contains("between 1e-60 and 1e60 TFLOP/s"))
      #expect(!e.message().contains("finite"))
    }
    let setup = TrainingSetup(mfu: 1e-300)
    #expect(throws: PlannerError.self) { try setup.validate() }
  }

  @Test func extremesInsideTheRangeGiveNormalFigures() throws {
    var gpu = Shapes.a100_80GiB
    gpu.peak.fp32 = 1e-60 * 1e12
    gpu.pricePerHour = 1e60
    gpu.powerWatts = 1e-60
    let slow = try Planner.plan(
      model: Shapes.gpt2XL, hardware: gpu, setup: TrainingSetup(mfu: 1e-60))
    for figure in [
      slow.compute.trainingDays, slow.compute.gpuHours, slow.compute.cost!,
      slow.compute.energyKWh!,
    ] {
      #expect(figure.isNormal, "\(figure)")
    }
    gpu.peak.fp32 = 1e60 * 1e12
    let fast = try Planner.plan(
      model: ModelConfig(vocabSize: 1, contextLength: 1, numLayers: 1, dModel: 1, numHeads: 1),
      hardware: gpu, setup: TrainingSetup(microBatchSize: 1, runLength: .steps(1), numGPUs: 1))
    #expect(fast.compute.trainingDays.isNormal)
  }
}

/// Warnings and levers: computed, not a fixed text.
@Suite struct AdviceTests {
  @Test func tightPlansAreFlaggedAndTheSeedExampleIsNot() throws {
    let seed = try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB)
    #expect(seed.setup.batchSize == 3)
    #expect(!seed.isTight)
    // Reserve all but 512 MiB more than the plan needs: it fits with 0.5 GiB spare.
    let total = seed.memory.totalBytes
    let setup = TrainingSetup(microBatchSize: 3, reserveBytes: 85_899_345_920 - total - (1 << 29))
    let tight = try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: setup)
    #expect(tight.fits && tight.isTight)
    #expect(tight.tightSpareBytes == Int(85_899_345_920.0 * 0.03))
  }

  @Test func leversAreComputedByPlanning() throws {
    let gpu = HardwareProfile(
      name: "24g", memoryBytes: 24 << 30, peak: PeakThroughput(fp32: 40e12, bf16: 160e12))
    let setup = TrainingSetup()
    let plan = try Planner.plan(model: Shapes.gpt2XL, hardware: gpu, setup: setup)
    #expect(!plan.fits)
    let levers = Levers.find(model: Shapes.gpt2XL, hardware: gpu, setup: setup)
    #expect(!levers.isEmpty)
    for lever in levers {
      #expect(lever.plan.fits)
      let again = try Planner.plan(
        model: Shapes.gpt2XL, hardware: gpu, setup: Levers.apply(lever.changes, to: setup))
      #expect(again == lever.plan)
    }
    // 16P alone (34 GB) exceeds 24 GiB: only more GPUs with ZeRO 3 can make it fit.
    #expect(levers.contains { $0.changes.contains(.zeroStage(3)) })
  }
}
