import Testing

@testable import Planner

@Suite struct LayoutSearchTests {
  static let cluster = StepTimeValidationTests.selene
  let model = ModelConfig(
    name: "small", vocabSize: 32_000, contextLength: 2_048, numLayers: 8, dModel: 1_024,
    numHeads: 16, numKVHeads: 4)

  func base(_ global: Int) -> TrainingSetup {
    TrainingSetup(
      globalBatchSize: global, runLength: .steps(100), precision: .bf16, attention: .flash,
      method: .detailed)
  }

  /// The pruned search finds what planning every combination finds.
  @Test func prunedSearchEqualsBruteForce() throws {
    let g = 8
    let global = 32
    let result = try LayoutSearch(
      model: model, cluster: Self.cluster, numGPUs: g, base: base(global)
    )
    .run(top: 3)
    var best: (Double, Int)? = nil
    for t in [1, 2, 4, 8] {
      for p in [1, 2, 4, 8] where t * p <= g && g % (t * p) == 0 {
        let d = g / (t * p)
        for v in [1, 2, 4] {
          for sp in [false, true] where !sp || t > 1 {
            for b in [1, 2, 4, 8, 16, 32] where global % (d * b) == 0 {
              for r in Recompute.allCases {
                for z in 0...3 {
                  var s = base(global)
                  (s.microBatchSize, s.numGPUs, s.recompute, s.zeroStage) = (b, g, r, z)
                  s.layout = ParallelLayout(
                    tensorParallel: t, pipelineParallel: p, virtualStages: v, sequenceParallel: sp)
                  s.cluster = Self.cluster
                  guard
                    let plan = try? Planner.plan(
                      model: model, hardware: Self.cluster.gpu, setup: s),
                    plan.fits
                  else { continue }
                  let key = (plan.time.stepSeconds, -plan.spareBytes)
                  if best == nil || key < best! { best = key }
                }
              }
            }
          }
        }
      }
    }
    let found = try #require(result.plans.first)
    #expect(abs(found.time.stepSeconds - best!.0) <= 1e-12 * best!.0)
    #expect(result.plans.map(\.time.stepSeconds) == result.plans.map(\.time.stepSeconds).sorted())
    #expect(result.candidates > 0)
  }

  @Test func nothingFitsIsAnAnswerWithReasons() throws {
    let huge = ModelConfig(
      name: "huge", vocabSize: 51_200, contextLength: 2_048, numLayers: 105, dModel: 20_480,
      numHeads: 128)
    let result = try LayoutSearch(model: huge, cluster: Self.cluster, numGPUs: 8, base: base(8))
      .run(top: 5)
    #expect(result.plans.isEmpty)
    #expect(result.rejected.keys.contains { $0.hasPrefix("does not fit on stage") })
    #expect(result.rejected["heads not divisible by T"] == nil)
  }

  @Test func pinsAndIllegalDegreesAreCounted() throws {
    let pinned = try LayoutSearch(
      model: model, cluster: Self.cluster, numGPUs: 16, base: base(32),
      pins: .init(tensorParallel: 2, recompute: .full, zeroStage: 1)
    ).run(top: 50)
    for p in pinned.plans {
      #expect(
        p.setup.layout.tensorParallel == 2 && p.setup.recompute == .full && p.setup.zeroStage == 1)
    }
    // 16 GPUs and B = 2: D = 16, 8 or 4 exceed B; T = 16 does not divide the 4 KV heads.
    let small = try LayoutSearch(model: model, cluster: Self.cluster, numGPUs: 16, base: base(2))
      .run(top: 5)
    #expect((small.rejected["data-parallel degree exceeds the global batch"] ?? 0) > 0)
    #expect(small.rejected["KV heads not divisible by T"] == 2)  // T = 8 and 16
    // No split at all brings D down to B (naive attention: no context parallelism): refused.
    var naive = base(1)
    naive.attention = .naive
    #expect(throws: PlannerError.self) {
      try LayoutSearch(model: model, cluster: Self.cluster, numGPUs: 1_024, base: naive).run(top: 1)
    }
  }

  /// Narayanan et al. 2021 Table 2: the 530B model "did not fit on 560 GPUs" with ZeRO-3 at
  /// micro-batch 4 (data parallel only); it ran with PTD-P (t 8, p 35) at micro-batch 1.
  @Test func publishedOutOfMemoryIsPredictedNotToFit() throws {
    let mt = ModelConfig(
      name: "530B", vocabSize: 51_200, contextLength: 2_048, numLayers: 105, dModel: 20_480,
      numHeads: 128, ffn: .gelu, tiedEmbeddings: true, norm: .layernorm, bias: .all,
      positional: .learned)
    var zero3 = TrainingSetup(
      microBatchSize: 4, globalBatchSize: 2_240, runLength: .steps(1), numGPUs: 560,
      precision: .bf16, checkpointing: .full, zeroStage: 3, method: .megatron)
    zero3.cluster = Self.cluster
    let oom = try Planner.plan(model: mt, hardware: Self.cluster.gpu, setup: zero3)
    #expect(!oom.fits)
    var ptdp = zero3
    (ptdp.microBatchSize, ptdp.zeroStage, ptdp.numGPUs, ptdp.globalBatchSize) = (1, 0, 560, 560)
    ptdp.layout = ParallelLayout(tensorParallel: 8, pipelineParallel: 35, virtualStages: 3)
    ptdp.fp32Gradients = true
    #expect(try Planner.plan(model: mt, hardware: Self.cluster.gpu, setup: ptdp).fits)
  }
}
