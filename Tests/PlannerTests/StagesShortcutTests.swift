import Testing

@testable import Planner

/// `stages` copies a middle stage from the one before it when their kind and depth factor
/// match; every stage must still equal the one worked out on its own.
@Suite struct StagesShortcutTests {
  @Test(arguments: MaxBatchSearchTests.cases)
  func everyStageEqualsItsOwnWorking(_ c: MaxBatchSearchTests.Case) throws {
    for (perReplica, m) in try c.memoryModels() {
      for b in [1, 2, 3, 7, 64] {
        for shards in [1, 8] {
          let alone = try m.stageLayers.indices.map { try m.stage($0, batch: b, shards: shards) }
          #expect(
            try m.stages(batch: b, shards: shards) == alone,
            "\(c), B/D \(String(describing: perReplica)), b \(b), shards \(shards)")
        }
      }
    }
  }
}
