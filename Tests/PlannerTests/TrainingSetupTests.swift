import Testing

@testable import Planner

/// SPEC.md's training setups beyond the seed, each expectation written out by hand.
@Suite struct TrainingSetupTests {
  let xl = Shapes.gpt2XL
  let p = 2_126_902_400  // GPT-2 XL's P

  /// GPT-2 XL, bf16 mixed precision, FlashAttention, on an A100 80GB.
  @Test func gpt2XLInBF16WithFlash() throws {
    let setup = TrainingSetup(
      globalBatchSize: 1_024, runLength: .steps(400_000), precision: .bf16, attention: .flash)
    let plan = try Planner.plan(model: xl, hardware: Shapes.a100_80GiB, setup: setup)
    // 2P + 2P + 12P: 16 bytes per parameter, like fp32, split differently.
    #expect(plan.memory.parametersBytes == 2 * p)
    #expect(plan.memory.gradientsBytes == 2 * p)
    #expect(plan.memory.optimizerStateBytes == 12 * p)
    #expect(plan.memory.constantBytes == 34_030_438_400)
    // Flash drops 2ns²: per block 8sh + 2sf = 8·1024·1600 + 2·1024·6400 = 26,214,400 elements;
    // 48 blocks + final norm 1024·1600 + logits and loss 2·1024·50257 = 1,362,855,936; × 2 bytes.
    let perBlock = 8 * 1_024 * 1_600 + 2 * 1_024 * 6_400
    let elements = 48 * perBlock + 1_024 * 1_600 + 2 * 1_024 * 50_257
    #expect(elements == 1_362_855_936)
    #expect(plan.memory.activationBytesPerSequence == 2 * elements)
    // (85,899,345,920 − 34,030,438,400) / 2,725,711,872 = 19.03
    #expect(plan.maxBatchSize == 19)
    // Days at the bf16 peak, 312 TFLOP/s: 16× fewer than at 19.5 fp32.
    let days =
      400_000 * (6.0 * Double(p) * 1_024 * 1_024 + 16 * Double(p)) / (312e12 * 0.5 * 86_400)
    #expect(abs(plan.compute.trainingDays - days) < 1e-9 * days)
    #expect((plan.compute.trainingDays * 10).rounded() / 10 == 397.1)
  }

  /// GPT-2 XL in fp32 with full activation checkpointing.
  @Test func gpt2XLWithFullCheckpointing() throws {
    let setup = TrainingSetup(
      globalBatchSize: 1_024, runLength: .steps(400_000), checkpointing: .full)
    let plan = try Planner.plan(model: xl, hardware: Shapes.a100_80GiB, setup: setup)
    // l·sh block inputs + one block (8sh + 2sf + 2ns²) + sh + 2sv, 4 bytes each.
    let sh = 1_024 * 1_600
    let block = 8 * sh + 2 * 1_024 * 6_400 + 2 * 25 * 1_024 * 1_024
    let elements = 48 * sh + block + sh + 2 * 1_024 * 50_257
    #expect(elements == 261_851_136)
    #expect(plan.memory.activationBytesPerSequence == 4 * elements)
    // (85,899,345,920 − 34,030,438,400) / 1,047,404,544 = 49.5
    #expect(plan.maxBatchSize == 49)
    // One more forward per step: 8PBs + 16P.
    let pbs = Double(p) * 1_024 * 1_024
    #expect(plan.compute.recomputePerStep == 2 * pbs)
    #expect(plan.compute.perStep == 8 * pbs + 16 * Double(p))
    let seedDays = 6_353.915905191263
    #expect(abs(plan.compute.trainingDays / seedDays - 8.0 / 6.0) < 1e-6)
  }

  /// Llama-2 7B's shape in the seed method (P = 6,738,149,376), bf16 + flash, 8 × H100 SXM.
  static let llama7B = ModelConfig(
    vocabSize: 32_000, contextLength: 4_096, numLayers: 32, dModel: 4_096, numHeads: 32,
    dFF: 11_008)
  static let h100 = HardwareProfile(
    name: "h100-sxm", memoryBytes: 81_559 * 1_048_576,
    peak: PeakThroughput(fp32: 67e12, bf16: 989.5e12, fp16: 989.5e12))

  @Test(arguments: [
    // (stage, parameter bytes, gradient bytes, optimizer bytes, max micro-batch)
    // 2P = 13,476,298,752 and 12P = 80,857,792,512; sharded parts divide by 8.
    (1, 13_476_298_752, 13_476_298_752, 80_857_792_512 / 8, 3),
    (2, 13_476_298_752, 13_476_298_752 / 8, 80_857_792_512 / 8, 4),
    (3, 13_476_298_752 / 8, 13_476_298_752 / 8, 80_857_792_512 / 8, 4),
  ])
  func sevenBOnEightH100sWithZeRO(
    _ stage: Int, _ params: Int, _ grads: Int, _ optimizer: Int, _ maxBatch: Int
  ) throws {
    let model = Self.llama7B
    #expect(try ParameterCount(model: model).total == 6_738_149_376)
    let setup = TrainingSetup(
      microBatchSize: 1, numGPUs: 8, precision: .bf16, attention: .flash, zeroStage: stage)
    let plan = try Planner.plan(model: model, hardware: Self.h100, setup: setup)
    #expect(plan.memory.parametersBytes == params)
    #expect(plan.memory.gradientsBytes == grads)
    #expect(plan.memory.optimizerStateBytes == optimizer)
    // 32·(8·4096·4096 + 2·4096·11008) + 4096·4096 + 2·4096·32000 elements, 2 bytes each.
    #expect(
      plan.memory.activationBytesPerSequence == 2
        * (32 * (8 * 4_096 * 4_096 + 2 * 4_096 * 11_008) + 4_096 * 4_096 + 2 * 4_096 * 32_000))
    #expect(plan.memory.activationBytesPerSequence == 14_919_139_328)
    #expect(plan.maxBatchSize == maxBatch)
    #expect(plan.setup.globalBatchSize == 8)
    // Days divide by 8 GPUs at the bf16 peak.
    let total = Double(plan.setup.steps) * (6 * 6_738_149_376.0 * 8 * 4_096 + 16 * 6_738_149_376.0)
    #expect(abs(plan.compute.trainingDays - total / (8 * 989.5e12 * 0.5 * 86_400)) < 1e-9)
    #expect(plan.compute.gpuHours == plan.compute.trainingDays * 24 * 8)
  }

  @Test func shardsRoundUpToWholeBytes() throws {
    let setup = TrainingSetup(microBatchSize: 1, numGPUs: 3, zeroStage: 3)
    let plan = try Planner.plan(model: xl, hardware: Shapes.a100_80GiB, setup: setup)
    // 4P = 8,507,609,600 = 3 × 2,835,869,866 + 2 → 2,835,869,867 per GPU.
    #expect(plan.memory.parametersBytes == 2_835_869_867)
    #expect(plan.memory.optimizerStateBytes == (8 * p + 2) / 3)
  }

  @Test func fp32GradientsAreEighteenBytesPerParameter() throws {
    let setup = TrainingSetup(microBatchSize: 1, precision: .bf16, fp32Gradients: true)
    let plan = try Planner.plan(model: xl, hardware: Shapes.a100_80GiB, setup: setup)
    #expect(plan.memory.constantBytes == 18 * p)
    #expect(plan.memory.gradientsBytes == 4 * p)
  }

  @Test func gpusNeeded() throws {
    // fp32 GPT-2 XL at micro-batch 4 on 80 GiB: 34.03 GB + 4 × 15.52 GB does not fit one GPU.
    let none = try Planner.plan(
      model: xl, hardware: Shapes.a100_80GiB, setup: TrainingSetup(microBatchSize: 4))
    #expect(none.gpusNeeded == nil)  // ZeRO 0 shards nothing
    let z3 = try Planner.plan(
      model: xl, hardware: Shapes.a100_80GiB, setup: TrainingSetup(microBatchSize: 4, zeroStage: 3))
    // 16P / G ≤ 85,899,345,920 − 4 × 15,517,753,344 = 23,828,332,544 → G ≥ 1.43 → 2.
    #expect(z3.gpusNeeded == 2)
    let at = try Planner.plan(
      model: xl, hardware: Shapes.a100_80GiB,
      setup: TrainingSetup(microBatchSize: 4, numGPUs: 2, zeroStage: 3))
    #expect(at.fits)
    // Activations alone beyond the GPU: no count helps.
    let huge = try Planner.plan(
      model: xl, hardware: Shapes.a100_80GiB, setup: TrainingSetup(microBatchSize: 6, zeroStage: 3))
    #expect(huge.gpusNeeded == nil)
  }

  @Test func gpusNeededWithAlmostNoRoomEndsAndIsExact() throws {
    // ZeRO 3 shards three parts; each keeps at least one byte per GPU however many share it.
    let setup = TrainingSetup(zeroStage: 3)
    let model = try StageMemoryModel(
      accounting: try Planner.accounting(xl, setup), layout: ParallelLayout(),
      stageLayers: [xl.numLayers], setup: setup, sequencesPerReplica: nil)
    let perSequence = try model.activations(stage: 0, batch: 1)
    #expect(try model.shardsNeeded(batch: 1, usableBytes: perSequence + 2) == nil)
    // Three bytes of room: every part down to one byte, at G = the largest part, 8P.
    #expect(try model.shardsNeeded(batch: 1, usableBytes: perSequence + 3) == 8 * p)
    // The answer is the smallest G that fits.
    let usable = perSequence + 1_000
    let g = try #require(try model.shardsNeeded(batch: 1, usableBytes: usable))
    #expect(try model.stage(0, batch: 1, shards: g).totalBytes <= usable)
    #expect(try model.stage(0, batch: 1, shards: g - 1).totalBytes > usable)
  }

  @Test func reserveComesOffTheUsableMemory() throws {
    var gpu = Shapes.a100_80GiB
    gpu.reserveBytes = 2 << 30
    let plan = try Planner.plan(model: xl, hardware: gpu)
    #expect(plan.usableBytes == 85_899_345_920 - 2_147_483_648)
    // (83,751,862,272 − 34,030,438,400) / 15,517,753,344 = 3.2
    #expect(plan.maxBatchSize == 3)
    let override = try Planner.plan(
      model: xl, hardware: gpu, setup: TrainingSetup(reserveBytes: 20 << 30))
    #expect(override.setup.reserveBytes == 20 << 30)
    // (85,899,345,920 − 21,474,836,480 − 34,030,438,400) / 15,517,753,344 = 1.96
    #expect(override.maxBatchSize == 1)
  }

  @Test func zeroOnOneGPUIsANoteNotAnError() throws {
    let plan = try Planner.plan(
      model: xl, hardware: Shapes.a100_80GiB, setup: TrainingSetup(numGPUs: 1, zeroStage: 3))
    #expect(plan.notes.contains { $0.contains("ZeRO stage 3 on 1 GPU") })
    #expect(plan.memory.constantBytes == 16 * p)
  }
}
