import Testing

@testable import Planner

/// Expert parallelism E: the routed experts split E ways, their state sharded over the expert
/// data-parallel group D·C/E, the rules Megatron keeps, and the all-to-all time. Every figure
/// below is worked out by hand from the shapes.
@Suite struct ExpertParallelTests {
  /// v 1,000, s 128, 4 layers, h 64, 4 heads; every layer MoE: 8 experts of width 32, top 2.
  /// Seed counts (matrices only): attention 4h² = 16,384 and the router 8h = 512 per layer;
  /// each expert 3·h·32 = 6,144; the embedding and the untied head 2·1,000·64 = 128,000.
  static let model: ModelConfig = {
    var m = ModelConfig(
      name: "tiny-moe", vocabSize: 1_000, contextLength: 128, numLayers: 4, dModel: 64,
      numHeads: 4, dFF: 32)
    m.experts = Experts(count: 8, topK: 2, ffn: 32)
    return m
  }()
  static let gpu = HardwareProfile(
    name: "gpu", memoryBytes: 80_000_000_000,
    peak: PeakThroughput(fp32: 19.5e12, tf32: 156e12, bf16: 312e12, fp16: 312e12))

  func plan(
    e: Int, zero: Int, gpus: Int = 8, precision: TrainingPrecision = .fp32,
    method: AccountingMethod = .seed, t: Int = 1
  ) throws -> Plan {
    try Planner.plan(
      model: Self.model, hardware: Self.gpu,
      setup: TrainingSetup(
        microBatchSize: 1, numGPUs: gpus, precision: precision, zeroStage: zero, method: method,
        layout: ParallelLayout(tensorParallel: t, expertParallel: e)))
  }

  @Test func expertsSplitAndTheirStateShardsOverTheExpertDataParallelGroup() throws {
    // Per rank: the rest 4·16,896 + 128,000 = 195,584 elements; at E = 4, 2 experts a layer:
    // 4·2·6,144 = 49,152. fp32 AdamW: 4 + 4 + 8 bytes. G = 8: D = 8, expert DP = 8/4 = 2.
    let p0 = try plan(e: 4, zero: 0)
    #expect(p0.parameters == 392_192)
    #expect(p0.memory.parametersBytes == 4 * (195_584 + 49_152))
    #expect(p0.memory.gradientsBytes == 4 * (195_584 + 49_152))
    #expect(p0.memory.optimizerStateBytes == 8 * (195_584 + 49_152))
    // ZeRO 1: the rest's 8 bytes over 8, the experts' over 2.
    let p1 = try plan(e: 4, zero: 1)
    #expect(p1.memory.optimizerStateBytes == 8 * 195_584 / 8 + 8 * 49_152 / 2)
    // ZeRO 2 and 3: gradients, then weights, the same way.
    let p2 = try plan(e: 4, zero: 2)
    #expect(p2.memory.gradientsBytes == 4 * 195_584 / 8 + 4 * 49_152 / 2)
    let p3 = try plan(e: 4, zero: 3)
    #expect(p3.memory.parametersBytes == 4 * 195_584 / 8 + 4 * 49_152 / 2)
    // E = 1 holds every expert: 4·8·6,144 = 196,608 of them, one ZeRO group of 8.
    let whole = try plan(e: 1, zero: 1)
    #expect(whole.memory.parametersBytes == 4 * (195_584 + 196_608))
    #expect(whole.memory.optimizerStateBytes == 8 * (195_584 + 196_608) / 8)
    #expect(whole.setup.layout.expertParallel == 1)
    #expect(p1.setup.layout.expertParallel == 4)
    // The activations do not change with E under the seed (balanced routing).
    #expect(p1.memory.activationsBytes == whole.memory.activationsBytes)
  }

  @Test func underTensorParallelTheExpertsSplitTWaysToo() throws {
    // T = 2 (expert TP = T), G = 8: D = 4, E = 4, expert DP 1. Every matrix is split in two
    // but the router (replicated, 4·512); the vocabulary is padded to 1,024 (128·T), so the
    // rest is (4·16,384 + 2·1,024·64)/2 + 2,048 = 100,352 and the experts 49,152/2 = 24,576.
    let p = try plan(e: 4, zero: 1, t: 2)
    #expect(p.memory.parametersBytes == 4 * (100_352 + 24_576))
    #expect(p.memory.optimizerStateBytes == 8 * 100_352 / 4 + 8 * 24_576 / 1)
  }

  @Test func perStageMemoryIncludesTheSplitUnderEveryMethod() throws {
    for method in AccountingMethod.allCases {
      let one = try plan(e: 1, zero: 1, precision: .bf16, method: method)
      let eight = try plan(e: 8, zero: 1, precision: .bf16, method: method)
      // 7 of the 8 experts of each layer leave the rank: their 16-bit weights and gradients.
      let gone = 4 * 7 * 6_144 * (2 + 2)
      let moved =
        (one.memory.parametersBytes + one.memory.gradientsBytes)
        - (eight.memory.parametersBytes + eight.memory.gradientsBytes)
      #expect(moved == gone, "\(method)")
      #expect(eight.stages[0].totalBytes == eight.memory.totalBytes, "\(method)")
    }
  }

  @Test func detailedKeepsSixteenBitCopiesOfTheLocalExpertsOnly() throws {
    // bf16 autocast keeps a bf16 copy of each expert's three matrices per micro-batch,
    // 2·3·64·32 = 12,288 bytes; at E = 4 a rank has 2 of the 8: 6 fewer per layer.
    let one = try plan(e: 1, zero: 0, precision: .bf16, method: .detailed)
    let four = try plan(e: 4, zero: 0, precision: .bf16, method: .detailed)
    #expect(one.memory.activationsBytes - four.memory.activationsBytes == 4 * 6 * 12_288)
  }

  @Test func rulesRefuseInOneLine() throws {
    func refusal(_ make: () throws -> Plan) -> String? {
      do {
        _ = try make()
        return nil
      } catch let e as PlannerError {
        return e.message()
      } catch {
        return "\(error)"
      }
    }
    #expect(refusal { try plan(e: 3, zero: 0) } == "expert_parallel 3 does not divide experts 8")
    #expect(
      refusal { try plan(e: 8, zero: 0, gpus: 4) }?.hasPrefix(
        "expert_parallel must divide data parallel × context parallel (4 × 1 = 4)") == true)
    #expect(refusal { try plan(e: 0, zero: 0) } == "expert_parallel must be positive (got 0)")
    var dense = Self.model
    dense.experts = nil
    let denseRefusal = refusal {
      try Planner.plan(
        model: dense, hardware: Self.gpu,
        setup: TrainingSetup(numGPUs: 2, layout: ParallelLayout(expertParallel: 2)))
    }
    #expect(denseRefusal?.contains("tiny-moe has no routed experts") == true)
    // T must split each expert's width: 32 is not a multiple of 64 (heads would allow 4).
    var wide = Self.model
    wide.experts = Experts(count: 8, topK: 2, ffn: 30)
    let widthRefusal = refusal {
      try Planner.plan(
        model: wide, hardware: Self.gpu,
        setup: TrainingSetup(numGPUs: 4, layout: ParallelLayout(tensorParallel: 4)))
    }
    #expect(widthRefusal == "tensor_parallel 4 does not divide expert_ffn 30")
  }

  /// One cluster: 8 GPUs a node, 100 GB/s NVLink, 10 GB/s network, 10 µs and 20 µs.
  static let cluster = ClusterProfile(
    name: "c", gpu: gpu, gpusPerNode: 8, intraNodeBandwidth: 100e9, interNodeBandwidth: 10e9)

  func predicted(e: Int, t: Int = 1, gpus: Int, recompute: Recompute = .none) throws -> StepTime {
    let p = try Planner.plan(
      model: Self.model, hardware: Self.gpu,
      setup: TrainingSetup(
        microBatchSize: 1, globalBatchSize: 16, numGPUs: gpus, precision: .bf16,
        checkpointing: recompute, layout: ParallelLayout(tensorParallel: t, expertParallel: e),
        cluster: Self.cluster))
    #expect(p.time.model == .predicted)
    return p.time
  }

  @Test func allToAllTimeIsFourPerMoELayerAndMicroBatch() throws {
    // G 8, E 4 on NVLink: D 8, m = 16/8 = 2 micro-batches, 4 MoE layers. Each all-to-all moves
    // b·s·k·h·2 bytes × (E − 1)/E = 128·2·64·2·3/4 = 24,576 bytes at 65 % of 100 GB/s.
    let nvlink = try predicted(e: 4, gpus: 8)
    let one = 10e-6 + 24_576 / (100e9 * 0.65)
    #expect(abs(nvlink.expertParallelCommSeconds - 2 * 4 * 4 * one) < 1e-15)
    // Full recomputation reruns the forward's two.
    let full = try predicted(e: 4, gpus: 8, recompute: .full)
    #expect(abs(full.expertParallelCommSeconds - 2 * 4 * 6 * one) < 1e-15)
    // T 2 × E 8 spans 16 GPUs, past a node: the network at 90 % of 10 GB/s. G 16: D 8, m 2.
    let network = try predicted(e: 8, t: 2, gpus: 16)
    let across = 20e-6 + 128.0 * 2 * 64 * 2 * 7 / 8 / (10e9 * 0.9)
    #expect(abs(network.expertParallelCommSeconds - 2 * 4 * 4 * across) < 1e-15)
    // It is part of the step: the parts add up to it, and E = 1 has none.
    let parts =
      nvlink.computeSeconds + nvlink.bubbleSeconds + nvlink.tensorParallelCommSeconds
      + nvlink.pipelineCommSeconds + nvlink.dataParallelCommSeconds
      + nvlink.contextParallelCommSeconds + nvlink.expertParallelCommSeconds
      + nvlink.optimizerSeconds + nvlink.offloadSeconds
    #expect(abs(parts - nvlink.stepSeconds) < 1e-12 * nvlink.stepSeconds)
    #expect(try predicted(e: 1, gpus: 8).expertParallelCommSeconds == 0)
  }

  @Test func anMoELayerTakesTheTimeOfItsRouterAndKExperts() throws {
    // Dense width 64 = k·f_e = 2·32: the MoE layer's products and element-wise bytes are the
    // dense layer's plus the router's 2·b·s·E·h FLOPs, at 76 % of the bf16 peak.
    var model = Self.model
    model.dFF = 64
    let time = StepTimeModel(
      model: model, vocabulary: 1_024, layout: ParallelLayout(), stageLayers: [4],
      stageMoELayers: [4], cluster: Self.cluster, precision: .bf16, attention: .flash,
      recompute: .none, zeroStage: 0, gradientBytes: 2, dataParallel: 1)
    let dense = time.layer(batch: 1)
    let moe = time.layer(batch: 1, moe: true)
    let router = 2.0 * 128 * 8 * 64 / (312e12 * 0.76)
    #expect(abs((moe.forward - dense.forward) - router) < 1e-18)
    #expect(abs((moe.backward - dense.backward) - 2 * router) < 1e-18)
  }

  @Test func searchEnumeratesExpertParallelism() throws {
    var base = TrainingSetup(globalBatchSize: 16, precision: .bf16, method: .detailed)
    base.cluster = Self.cluster
    let search = LayoutSearch(model: Self.model, cluster: Self.cluster, numGPUs: 8, base: base)
    let all = try search.run(top: 100_000)
    // D·C ∈ {1, 2, 4, 8}: E runs over the divisors of 8 experts that divide it.
    let seen = Set(all.plans.map(\.setup.layout.expertParallel))
    #expect(seen == [1, 2, 4, 8])
    for p in all.plans {
      #expect(
        (p.setup.dataParallel * p.setup.layout.contextParallel) % p.setup.layout.expertParallel == 0
      )
    }
    let pinned = LayoutSearch(
      model: Self.model, cluster: Self.cluster, numGPUs: 8, base: base,
      pins: LayoutSearch.Pins(expertParallel: 4))
    let four = try pinned.run(top: 100_000)
    #expect(!four.plans.isEmpty && four.plans.allSatisfy { $0.setup.layout.expertParallel == 4 })
    #expect(four.candidates < all.candidates)
    let bad = LayoutSearch(
      model: Self.model, cluster: Self.cluster, numGPUs: 8, base: base,
      pins: LayoutSearch.Pins(expertParallel: 3))
    #expect(throws: PlannerError.notDivisible(.expertParallel, 3, divides: .experts, 8)) {
      try bad.run(top: 1)
    }
  }
}
