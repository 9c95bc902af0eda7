import Planner
import Testing

/// `SweepGrid` with a list of layouts: every layout is a setup of every cell; a degree that
/// can never plan is refused by `validate()`, a layout that does not suit a cell is that
/// cell's failure.
@Suite struct SweepGridLayoutTests {
  static func layouts(_ degrees: [(Int, Int)]) -> [ParallelLayout] {
    degrees.map { ParallelLayout(tensorParallel: $0.0, pipelineParallel: $0.1) }
  }

  @Test func everyLayoutIsASetup() throws {
    let grid = SweepGrid(
      models: [Shapes.gpt2XL], gpus: [Shapes.a100_80GiB], precisions: [.bf16], gpuCounts: [4, 8],
      layouts: Self.layouts([(1, 1), (2, 2), (4, 1)]))
    try grid.validate()
    #expect(try grid.setupCount() == 6)
    #expect(try grid.count() == 6)
    let planned = grid.setups().map {
      [$0.numGPUs, $0.layout.tensorParallel, $0.layout.pipelineParallel]
    }
    #expect(planned == [[4, 1, 1], [4, 2, 2], [4, 4, 1], [8, 1, 1], [8, 2, 2], [8, 4, 1]])
  }

  @Test func aLayoutThatDoesNotSuitACellIsThatCellsFailure() throws {
    // GPT-2 XL has 25 heads: T = 2 divides none of them; T = 5 does.
    let grid = SweepGrid(
      models: [Shapes.gpt2XL], gpus: [Shapes.a100_80GiB], precisions: [.bf16], gpuCounts: [10],
      layouts: Self.layouts([(2, 1), (5, 1)]))
    try grid.validate()
    var results: [Result<Plan, PlannerError>] = []
    grid.forEachPlan {
      results.append($0)
      return true
    }
    #expect(results.count == 2)
    guard case .failure(let error) = results[0] else {
      Issue.record("T = 2 planned GPT-2 XL's 25 heads")
      return
    }
    #expect(error.field == .tensorParallel || error.field == .numHeads, "\(error)")
    #expect((try? results[1].get())?.setup.layout.tensorParallel == 5)
  }

  @Test func aDegreeThatCanNeverPlanIsRefusedUpFront() {
    for bad in [(0, 1), (1, 0), (1 << 21, 1)] {
      let grid = SweepGrid(
        models: [Shapes.gpt2XL], gpus: [Shapes.a100_80GiB], layouts: Self.layouts([(1, 1), bad]))
      #expect(throws: PlannerError.self) { try grid.validate() }
    }
    // A split for one P beside another P is a combination, not a bad degree.
    var split = Self.layouts([(1, 2), (1, 4)])
    for i in split.indices { split[i].pipelineLayers = [24, 24] }
    let grid = SweepGrid(models: [Shapes.gpt2XL], gpus: [Shapes.a100_80GiB], layouts: split)
    #expect(throws: Never.self) { try grid.validate() }
  }
}
