import Testing

@testable import Planner

/// SPEC.md's worked example, GPT-2 XL, to the byte.
@Suite struct SeedWorkedExampleTests {
  let model = Shapes.gpt2XL

  @Test func parameterCount() throws {
    #expect(try ParameterCount(model: model).total == 2_126_902_400)
  }

  @Test func constantMemoryIs16P() throws {
    let plan = try Planner.plan(
      model: model, hardware: Shapes.a100_80GiB, setup: TrainingSetup(microBatchSize: 1))
    #expect(plan.memory.parametersBytes == 4 * 2_126_902_400)
    #expect(plan.memory.gradientsBytes == 4 * 2_126_902_400)
    #expect(plan.memory.optimizerStateBytes == 8 * 2_126_902_400)
    #expect(plan.memory.constantBytes == 34_030_438_400)
  }

  @Test func activationsPerSequence() throws {
    let plan = try Planner.plan(
      model: model, hardware: Shapes.a100_80GiB, setup: TrainingSetup(microBatchSize: 1))
    #expect(plan.memory.activationBytesPerSequence == 15_517_753_344)
    // The components add up to the total, and each matches SPEC's formula.
    let byName = Dictionary(
      uniqueKeysWithValues: plan.memory.activationComponentBytes.map { ($0.name, $0.bytes) })
    #expect(plan.memory.activationComponentBytes.map(\.bytes).reduce(0, +) == 15_517_753_344)
    #expect(byName["attention_scores"] == 4 * 48 * 25 * 1_024 * 1_024)
    #expect(byName["qkv_projections"] == 4 * 48 * 3 * 1_024 * 1_600)
    #expect(byName["ffn_w1"] == 4 * 48 * 1_024 * 6_400)
    #expect(byName["logits"] == 4 * 1_024 * 50_257)
    #expect(byName["final_rmsnorm"] == 4 * 1_024 * 1_600)
  }

  @Test func maxBatchOn80GiBAnd80GB() throws {
    let binary = try Planner.plan(model: model, hardware: Shapes.a100_80GiB)
    #expect(binary.maxBatchSize == 3)
    #expect(binary.setup.batchSize == 3)
    #expect(binary.setup.batchSizeChosen)
    #expect(binary.fits)
    let decimal = try Planner.plan(model: model, hardware: Shapes.gpu80GB)
    #expect(decimal.maxBatchSize == 2)
  }

  @Test func runFLOPsAndDays() throws {
    let setup = TrainingSetup(globalBatchSize: 1_024, runLength: .steps(400_000))
    let plan = try Planner.plan(model: model, hardware: Shapes.a100_80GiB, setup: setup)
    let c = plan.compute
    #expect(c.forwardPerStep == 2 * 2_126_902_400 * 1_024 * 1_024)
    #expect(c.backwardPerStep == 4 * 2_126_902_400 * 1_024 * 1_024)
    #expect(c.optimizerPerStep == 16 * 2_126_902_400)
    let forwardBackward = 400_000 * (c.forwardPerStep + c.backwardPerStep)
    #expect(abs(forwardBackward / 5.3525e21 - 1) < 1e-4)
    #expect(abs(400_000 * c.optimizerPerStep / 1.36e16 - 1) < 1e-2)
    #expect((c.trainingDays * 10).rounded() / 10 == 6_353.9)
    #expect(abs(c.gpuHours - c.trainingDays * 24) < 1e-6)
    // b = 3 fits but does not divide 1,024: the largest that fits and divides is 2.
    #expect(plan.maxBatchSize == 3)
    #expect(plan.setup.batchSize == 2)
    #expect(plan.setup.gradientAccumulationSteps == 512)
    #expect(plan.setup.tokens == 400_000 * 1_024 * 1_024)
  }
}

/// The other GPT-2 sizes in the seed shape, each figure written out from SPEC's formulas.
@Suite struct GPT2FamilyTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String, layers: Int, width: Int, heads: Int
    let parameters: Int, activationBytes: Int, maxBatch80GiB: Int
    var testDescription: String { name }
  }

  static let cases = [
    // P = 2·50257·768 + 12·16·768²; act = 4·[12·(16·1024·768 + 2·12·1024²) + 1024·768 + 2·1024·50257]
    Case(
      name: "small", layers: 12, width: 768, heads: 12,
      parameters: 2 * 50_257 * 768 + 12 * 16 * 768 * 768,
      activationBytes: 4
        * (12 * (16 * 1_024 * 768 + 2 * 12 * 1_024 * 1_024) + 1_024 * 768 + 2 * 1_024 * 50_257),
      maxBatch80GiB: 37),
    Case(
      name: "medium", layers: 24, width: 1_024, heads: 16,
      parameters: 2 * 50_257 * 1_024 + 24 * 16 * 1_024 * 1_024,
      activationBytes: 4
        * (24 * (16 * 1_024 * 1_024 + 2 * 16 * 1_024 * 1_024) + 1_024 * 1_024 + 2 * 1_024 * 50_257),
      maxBatch80GiB: 14),
    Case(
      name: "large", layers: 36, width: 1_280, heads: 20,
      parameters: 2 * 50_257 * 1_280 + 36 * 16 * 1_280 * 1_280,
      activationBytes: 4
        * (36 * (16 * 1_024 * 1_280 + 2 * 20 * 1_024 * 1_024) + 1_024 * 1_280 + 2 * 1_024 * 50_257),
      maxBatch80GiB: 7),
  ]

  @Test(arguments: cases) func matchesHandComputation(_ c: Case) throws {
    #expect(
      c.parameters
        == [190_440_960, 505_579_520, 1_072_376_320][Self.cases.firstIndex { $0.name == c.name }!])
    let model = Shapes.gpt2(layers: c.layers, width: c.width, heads: c.heads)
    let plan = try Planner.plan(model: model, hardware: Shapes.a100_80GiB)
    #expect(plan.parameters == c.parameters)
    #expect(plan.memory.constantBytes == 16 * c.parameters)
    #expect(plan.memory.activationBytesPerSequence == c.activationBytes)
    #expect(plan.maxBatchSize == c.maxBatch80GiB)
  }
}
