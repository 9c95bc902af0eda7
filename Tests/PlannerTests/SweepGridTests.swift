import Planner
import Testing

/// The cross product a sweep computes: its size, its order, its early stop, and that the
/// accounting it reuses per model and setup kind gives each cell the plan computed directly.
@Suite struct SweepGridTests {
  static let models = [
    Shapes.gpt2(layers: 2, width: 128, heads: 2), Shapes.gpt2(layers: 4, width: 256, heads: 4),
  ]
  /// A GPU without a bf16 peak: its bf16 cells have no plan.
  static let fp32Only = HardwareProfile(
    name: "fp32-only", memoryBytes: 16 << 30, peak: PeakThroughput(fp32: 10e12))

  static let grid = SweepGrid(
    models: models, gpus: [Shapes.a100_80GiB, fp32Only], batchSizes: [nil, 2],
    precisions: [.fp32, .bf16], attentions: [.naive, .flash], checkpointings: [.none, .full],
    gpuCounts: [1, 8], zeroStages: [0, 3], base: TrainingSetup(mfu: 0.4))

  @Test func countsTheCrossProduct() throws {
    #expect(try Self.grid.setupCount() == 2 * 2 * 2 * 2 * 2 * 2)
    #expect(try Self.grid.count() == 2 * 2 * 64)
    #expect(Self.grid.setups().count == 64)
    var empty = Self.grid
    empty.zeroStages = []
    #expect(try empty.count() == 0)
    #expect(empty.setups().isEmpty)
  }

  /// 1,500⁶ setups pass the 64-bit range: an error, not a trap or a wrapped count.
  @Test func aCountPastSixtyFourBitsThrows() {
    let many = Array(repeating: 1, count: 1_500)
    let grid = SweepGrid(
      models: Self.models, gpus: [Shapes.a100_80GiB], batchSizes: many,
      precisions: Array(repeating: .fp32, count: 1_500),
      attentions: Array(repeating: .naive, count: 1_500),
      checkpointings: Array(repeating: .none, count: 1_500), gpuCounts: many, zeroStages: many)
    #expect(throws: PlannerError.self) { try grid.setupCount() }
    #expect(throws: PlannerError.self) { try grid.count() }
  }

  /// Each setup once, precision outermost and micro-batch innermost, the base kept.
  @Test func setupsComeInAFixedOrder() {
    let setups = Self.grid.setups()
    #expect(Set(setups).count == setups.count)
    #expect(setups.allSatisfy { $0.mfu == 0.4 })
    #expect(setups[0].precision == .fp32 && setups[0].microBatchSize == nil)
    #expect(setups[1].precision == .fp32 && setups[1].microBatchSize == 2)
    #expect(setups[2].zeroStage == 3 && setups[2].microBatchSize == nil)
    #expect(setups[4].numGPUs == 8 && setups[4].zeroStage == 0)
    #expect(setups[8].checkpointing == .full && setups[8].numGPUs == 1)
    #expect(setups[16].attention == .flash && setups[16].checkpointing == .none)
    #expect(setups[32].precision == .bf16 && setups[32].attention == .naive)
  }

  /// Model outermost, then GPU, then setup; every cell the plan `Planner.plan` gives, or its
  /// error.
  @Test func everyCellIsThePlanComputedDirectly() throws {
    let setups = Self.grid.setups()
    var expected: [(ModelConfig, HardwareProfile, TrainingSetup)] = []
    for m in Self.grid.models {
      for g in Self.grid.gpus { for s in setups { expected.append((m, g, s)) } }
    }
    var cells: [Result<Plan, PlannerError>] = []
    Self.grid.forEachPlan {
      cells.append($0)
      return true
    }
    #expect(cells.count == expected.count)
    var failures = 0
    for (cell, (model, gpu, setup)) in zip(cells, expected) {
      switch cell {
      case .success(let plan):
        #expect(plan == (try Planner.plan(model: model, hardware: gpu, setup: setup)))
      case .failure(let error):
        failures += 1
        #expect(throws: error) { try Planner.plan(model: model, hardware: gpu, setup: setup) }
      }
    }
    // The bf16 cells of the GPU without a bf16 peak: half its cells, for both models.
    #expect(failures == 2 * 32)
  }

  @Test func stopsWhenTheBodySaysSo() {
    var calls = 0
    Self.grid.forEachPlan { _ in
      calls += 1
      return calls < 5
    }
    #expect(calls == 5)
  }

  /// A bad value in any list is refused up front, naming its field.
  @Test func validateRefusesABadValueInAnyList() {
    var grid = Self.grid
    #expect(throws: Never.self) { try grid.validate() }
    grid.zeroStages = [0, 5]
    #expect(throws: PlannerError.self) { try grid.validate() }
    grid = Self.grid
    grid.gpuCounts = [8, 0]
    #expect(throws: PlannerError.self) { try grid.validate() }
    grid = Self.grid
    grid.batchSizes = [nil, 0]
    #expect(throws: PlannerError.self) { try grid.validate() }
    grid = Self.grid
    grid.base.mfu = 0
    #expect(throws: PlannerError.self) { try grid.validate() }
  }

  @Test func shapesAreNamedAndOrderedLayersOutermost() throws {
    let shapes = try ShapeGrid(
      layers: [2, 4], widths: [128, 192], headDim: 64, vocabSize: 1_000, contextLength: 256,
      ffnMultiplier: 3
    ).models()
    #expect(shapes.map(\.name) == ["l2-d128-n2", "l2-d192-n3", "l4-d128-n2", "l4-d192-n3"])
    #expect(shapes.map(\.dFF) == [384, 576, 384, 576])
    #expect(shapes.allSatisfy { $0.vocabSize == 1_000 && $0.contextLength == 256 })
    for widths in [[96], [0], [-64]] {
      #expect(throws: PlannerError.self, "\(widths)") {
        try ShapeGrid(
          layers: [2], widths: widths, headDim: 64, vocabSize: 1_000, contextLength: 256
        ).models()
      }
    }
    #expect(throws: PlannerError.self) {
      try ShapeGrid(layers: [2], widths: [128], headDim: 0, vocabSize: 1_000, contextLength: 256)
        .models()
    }
    #expect(throws: PlannerError.self) {
      try ShapeGrid(layers: [0], widths: [128], headDim: 64, vocabSize: 1_000, contextLength: 256)
        .models()
    }
  }
}
