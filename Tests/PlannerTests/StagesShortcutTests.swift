import Testing

@testable import Planner

/// `stages` copies a middle stage from the one before it when their kind and depth factor
/// match; every stage must still equal the one worked out on its own.
@Suite struct StagesShortcutTests {
  @Test(arguments: MaxBatchSearchTests.cases)
  func everyStageEqualsItsOwnWorking(_ c: MaxBatchSearchTests.Case) throws {
    let model = Shapes.gpt2(layers: c.layers, width: c.width, heads: c.heads)
    let layout = ParallelLayout(tensorParallel: c.t, pipelineParallel: c.p, virtualStages: c.v)
    let setup = TrainingSetup(
      precision: .bf16, checkpointing: c.recompute, fp32Gradients: true, method: c.method,
      layout: layout)
    let accounting = try Planner.accounting(model, setup)
    let stageLayers = try layout.stageLayers(numLayers: c.layers)
    for perReplica in c.p > 1 ? [nil, 1, 6, 64, 1_000] : [nil] as [Int?] {
      let m = try StageMemoryModel(
        accounting: accounting, layout: layout, stageLayers: stageLayers, setup: setup,
        sequencesPerReplica: perReplica)
      for b in [1, 2, 3, 7, 64] {
        for shards in [1, 8] {
          let alone = try stageLayers.indices.map { try m.stage($0, batch: b, shards: shards) }
          #expect(
            try m.stages(batch: b, shards: shards) == alone,
            "\(c), B/D \(String(describing: perReplica)), b \(b), shards \(shards)")
        }
      }
    }
  }
}
