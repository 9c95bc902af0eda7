import Testing

@testable import Planner

@Suite struct PlannerPropertyTests {
  static let models = [
    Shapes.gpt2XL,
    Shapes.gpt2(layers: 12, width: 768, heads: 12),
    ModelConfig(
      vocabSize: 128_256, contextLength: 8_192, numLayers: 32, dModel: 4_096, numHeads: 32,
      numKVHeads: 8, dFF: 14_336),
  ]

  @Test(arguments: models) func memoryGrowsWithBatch(_ model: ModelConfig) throws {
    var previous = -1
    for b in 1...8 {
      let plan = try Planner.plan(
        model: model, hardware: Shapes.a100_80GiB, setup: TrainingSetup(microBatchSize: b))
      #expect(plan.memory.totalBytes > previous)
      #expect(
        plan.memory.totalBytes == plan.memory.constantBytes + b
          * plan.memory.activationBytesPerSequence)
      previous = plan.memory.totalBytes
    }
  }

  @Test(arguments: models, [Shapes.a100_80GiB, Shapes.gpu80GB])
  func maxBatchFitsAndOneMoreDoesNot(_ model: ModelConfig, _ gpu: HardwareProfile) throws {
    let max = try Planner.plan(model: model, hardware: gpu).maxBatchSize
    if max > 0 {
      let at = try Planner.plan(
        model: model, hardware: gpu, setup: TrainingSetup(microBatchSize: max))
      #expect(at.fits)
      #expect(at.memory.totalBytes <= gpu.memoryBytes)
    }
    let over = try Planner.plan(
      model: model, hardware: gpu, setup: TrainingSetup(microBatchSize: max + 1))
    #expect(!over.fits)
    #expect(over.shortfallBytes == over.memory.totalBytes - gpu.memoryBytes)
  }

  @Test func doesNotFitAtAllPlansAtOneAndSaysByHowMuch() throws {
    let tiny = HardwareProfile(name: "tiny", memoryBytes: 1 << 30, peak: PeakThroughput(fp32: 1e12))
    let plan = try Planner.plan(model: Shapes.gpt2XL, hardware: tiny)
    #expect(plan.maxBatchSize == 0)
    #expect(plan.setup.batchSize == 1)
    #expect(!plan.fits)
    #expect(plan.shortfallBytes == 34_030_438_400 + 15_517_753_344 - (1 << 30))
  }

  @Test func defaultRunIs20TokensPerParameter() throws {
    let plan = try Planner.plan(
      model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: TrainingSetup(microBatchSize: 2))
    #expect(plan.setup.runLengthBasis == .tokensPerParameter(20))
    #expect(plan.setup.tokens == 20 * 2_126_902_400)
    // B = b × G = 2 sequences of 1,024 tokens per step.
    #expect(plan.setup.steps == (20 * 2_126_902_400 + 2_047) / 2_048)
  }

  @Test func tokensRoundUpToWholeSteps() throws {
    let setup = TrainingSetup(microBatchSize: 1, globalBatchSize: 4, runLength: .tokens(4_097))
    let plan = try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: setup)
    #expect(plan.setup.steps == 2)  // 4,097 tokens over 4 × 1,024 per step
    #expect(plan.setup.gradientAccumulationSteps == 4)
  }

  @Test func costAndEnergyWhereTheGPUHasThem() throws {
    var gpu = Shapes.a100_80GiB
    gpu.pricePerHour = 2
    gpu.powerWatts = 400
    let setup = TrainingSetup(microBatchSize: 1, runLength: .steps(1_000))
    let plan = try Planner.plan(model: Shapes.gpt2XL, hardware: gpu, setup: setup)
    #expect(plan.compute.cost == plan.compute.gpuHours * 2)
    #expect(plan.compute.energyKWh == plan.compute.gpuHours * 400 / 1_000)
    let bare = try Planner.plan(model: Shapes.gpt2XL, hardware: Shapes.a100_80GiB, setup: setup)
    #expect(bare.compute.cost == nil)
    #expect(bare.compute.energyKWh == nil)
  }
}

/// Non-default architecture fields change exactly the matrices they describe.
@Suite struct ArchitectureFieldTests {
  let base = Shapes.gpt2XL

  @Test func groupedQueryAttentionShrinksKAndV() throws {
    var gqa = base
    gqa.numKVHeads = 5  // K and V become h × (h·5/25) = 1,600 × 320
    let p = try ParameterCount(model: gqa)
    #expect(p.attentionPerBlock == 2 * 1_600 * 1_600 + 2 * 1_600 * 320)
    let act = try ActivationMemory(model: gqa, attention: .naive, checkpointing: .none)
    #expect(
      act.components.first { $0.name == "qkv_projections" }?.elements == 48
        * (1_024 * 1_600 + 2 * 1_024 * 320))
  }

  @Test func geluHasTwoFeedForwardMatrices() throws {
    var gelu = base
    gelu.ffn = .gelu
    #expect(try ParameterCount(model: gelu).feedForwardPerBlock == 2 * 1_600 * 6_400)
    #expect(try ParameterCount(model: base).feedForwardPerBlock == 3 * 1_600 * 6_400)
  }

  @Test func tiedEmbeddingsCountVHOnce() throws {
    var tied = base
    tied.tiedEmbeddings = true
    #expect(try ParameterCount(model: tied).total == 2_126_902_400 - 50_257 * 1_600)
  }

  @Test func explicitFeedForwardWidth() throws {
    let m = ModelConfig(
      vocabSize: 10, contextLength: 8, numLayers: 2, dModel: 16, numHeads: 4, dFF: 40)
    #expect(try ParameterCount(model: m).total == 2 * 10 * 16 + 2 * (4 * 16 * 16 + 3 * 16 * 40))
  }
}
