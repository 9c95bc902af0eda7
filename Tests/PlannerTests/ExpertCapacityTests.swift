import Testing

@testable import Planner

/// `--capacity-factor F`: each expert takes capacity = ceil(tokens × k / E × F) of a rank's
/// routed tokens, padded to exactly that, so the routed copies go from k × tokens to E ×
/// capacity slots. Every figure below is worked out by hand from the shapes.
@Suite struct ExpertCapacityTests {
  /// `ExpertParallelTests.model`: s 128, 4 layers, every one MoE, h 64, 8 experts of width 32,
  /// top 2. A micro-batch of b routes 128b tokens, 256b copies, 32b per expert when balanced.
  static let model = ExpertParallelTests.model
  static let gpu = ExpertParallelTests.gpu

  func plan(
    _ f: Double?, b: Int, precision: TrainingPrecision = .fp32,
    method: AccountingMethod = .seed, layout: ParallelLayout = ParallelLayout(), gpus: Int = 1
  ) throws -> Plan {
    try Planner.plan(
      model: Self.model, hardware: Self.gpu,
      setup: TrainingSetup(
        microBatchSize: b, numGPUs: gpus, precision: precision, method: method,
        layout: layout, capacityFactor: f))
  }

  func activations(_ f: Double?, b: Int, method: AccountingMethod = .seed) throws -> Int {
    let precision: TrainingPrecision = method == .seed ? .fp32 : .bf16
    return try plan(f, b: b, precision: precision, method: method).memory.activationsBytes
  }

  @Test func seedBytesFollowTheSlots() throws {
    // The seed's routed copy: 2·f_e elements of 4 bytes = 256 bytes, in each of 4 layers.
    let copy = 2 * 32 * 4 * 4
    let dropless = try activations(nil, b: 1)
    // F = 1: 256 copies / 8 experts = 32 each, E × 32 = 256 slots: the dropless bytes.
    #expect(try activations(1.0, b: 1) == dropless)
    // F = 1.25: capacity 40, 320 slots, 64 padded ones more.
    #expect(try activations(1.25, b: 1) == dropless + 64 * copy)
    // F = 0.5: capacity 16, 128 slots, 128 copies dropped.
    #expect(try activations(0.5, b: 1) == dropless - 128 * copy)
    // What a plan records.
    #expect(try plan(1.25, b: 1).setup.capacityFactor == 1.25)
    #expect(try plan(nil, b: 1).setup.capacityFactor == nil)
  }

  @Test func detailedBytesFollowTheSlots() throws {
    // bf16: a copy's gathered input and scattered output 6h = 384 bytes and its expert's
    // SwiGLU tensors 8·f_e = 256: 640 bytes, in each of 4 layers.
    let copy = (6 * 64 + 8 * 32) * 4
    let dropless = try activations(nil, b: 2, method: .detailed)
    // b = 2: 512 copies, 64 per expert.
    #expect(try activations(1.0, b: 2, method: .detailed) == dropless)
    #expect(try activations(1.25, b: 2, method: .detailed) == dropless + 128 * copy)
    #expect(try activations(0.5, b: 2, method: .detailed) == dropless - 256 * copy)
  }

  @Test func theCeilingMakesTheBytesNonLinearInTheBatch() throws {
    let copy = 2 * 32 * 4 * 4
    // F = 0.3: b = 1, 32 × 0.3 = 9.6 → 10 a expert, 80 slots; b = 3, 96 × 0.3 = 28.8 → 29,
    // 232 slots, not 3 × 80 = 240.
    let (one, three) = (try activations(0.3, b: 1), try activations(0.3, b: 3))
    #expect(one == (try activations(nil, b: 1)) + (80 - 256) * copy)
    #expect(three == (try activations(nil, b: 3)) + (232 - 768) * copy)
    // Dropless is a line in b; with the capacity b = 3 keeps 8 slots less than three b = 1's.
    let (d1, d3) = (try activations(nil, b: 1), try activations(nil, b: 3))
    #expect((three - d3) - 3 * (one - d1) == -8 * copy)
    // And the bytes never fall as b grows.
    var last = 0
    for b in 1...40 {
      let bytes = try activations(0.3, b: b)
      #expect(bytes >= last, "b \(b)")
      last = bytes
    }
  }

  @Test func sequenceAndContextParallelRouteTheirShareOfTheTokens() throws {
    // T = 2 with sequence parallelism: each rank routes 64 tokens, 128 copies, 16 an expert;
    // F = 1.25 gives 20, so the T ranks hold 2 × 8 × 20 = 320 slots, split T ways as the
    // dropless 256 copies were: 32 more slots a rank, each 256 bytes, in 4 layers.
    let sp = ParallelLayout(tensorParallel: 2, sequenceParallel: true)
    let dropless = try plan(nil, b: 1, layout: sp, gpus: 2).memory.activationsBytes
    let padded = try plan(1.25, b: 1, layout: sp, gpus: 2).memory.activationsBytes
    #expect(padded == dropless + 32 * 256 * 4)
  }

  @Test func paddedSlotsAreHardwareFLOPsAndTime() throws {
    func time(_ f: Double?, e: Int = 1, gpus: Int = 1) throws -> StepTime {
      let p = try Planner.plan(
        model: Self.model, hardware: Self.gpu,
        setup: TrainingSetup(
          microBatchSize: 1, globalBatchSize: gpus, numGPUs: gpus, precision: .bf16,
          layout: ParallelLayout(expertParallel: e), cluster: ExpertParallelTests.cluster,
          capacityFactor: f))
      return p.time
    }
    let dropless = try time(nil)
    // F = 1 with E dividing the copies: the same step, nothing padded.
    #expect(try time(1.0) == dropless)
    // F = 1.25: 320 slots for 128 tokens, 2.5 a token instead of 2; each extra half copy costs
    // 2 · 3·64·32 FLOPs a layer forward, 3× with the backward, in 4 layers, for 128 tokens.
    let padded = try time(1.25)
    let modelFLOPs = dropless.mfu * Self.gpu.peak.bf16! * dropless.stepSeconds
    let padding = 128 * 0.5 * 4 * 2 * Double(3 * 64 * 32) * 3
    let hardware = padded.hfu * Self.gpu.peak.bf16! * padded.stepSeconds
    #expect(abs(hardware - (modelFLOPs + padding)) < 1e-6 * hardware)
    let paddedModel = padded.mfu * Self.gpu.peak.bf16! * padded.stepSeconds
    #expect(abs(paddedModel - modelFLOPs) < 1e-9 * modelFLOPs)
    #expect(padded.computeSeconds > dropless.computeSeconds)
    // The all-to-alls carry the padded slots: 2.5 copies a token instead of 2.
    let a = try time(nil, e: 8, gpus: 8)
    let b = try time(1.25, e: 8, gpus: 8)
    #expect(b.expertParallelCommSeconds > a.expertParallelCommSeconds)
  }

  @Test func badFactorsAreRefused() throws {
    for f in [0, -1, -0.5, .nan, .infinity, 0.001, 5_000] as [Double] {
      #expect(throws: PlannerError.self, "\(f)") { try plan(f, b: 1) }
    }
    #expect(throws: PlannerError.outOfRange(.capacityFactor, "5000", rule: ExpertCapacity.rule)) {
      try plan(5_000, b: 1)
    }
    var dense = Self.model
    dense.experts = nil
    #expect(throws: PlannerError.self) {
      try Planner.plan(
        model: dense, hardware: Self.gpu, setup: TrainingSetup(capacityFactor: 1))
    }
    #expect(throws: Never.self) { try Planner.checkCapacityFactor(1, models: [dense, Self.model]) }
    #expect(throws: PlannerError.self) { try Planner.checkCapacityFactor(1, models: [dense]) }
  }
}
