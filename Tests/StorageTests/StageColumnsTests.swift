import Planner
import Testing

@testable import Storage

/// The stages column: runs of alike or evenly shrinking stages stored as "*N", read back exactly.
@Suite struct StageColumnsTests {
  static func stage(_ k: Int, _ n: [Int]) -> StageMemory {
    StageMemory(
      stage: k, layers: n[0], microBatchesInFlight: n[1], parametersBytes: n[2],
      gradientsBytes: n[3], optimizerStateBytes: n[4], activationsBytes: n[5], totalBytes: n[6])
  }

  /// A 1F1B pipeline of P stages with m micro-batches: the shape the planner gives.
  static func pipeline(_ p: Int, m: Int) -> [StageMemory] {
    (0..<p).map { k in
      let layers = k == 0 || k == p - 1 ? 2 : 3
      let inFlight = min(m, p - k)
      let act = layers * 1_000 * inFlight + (k == 0 ? 77 : 0) + (k == p - 1 ? 555 : 0)
      let params = layers * 10_000 + (k == 0 ? 900 : 0)
      return stage(k, [layers, inFlight, params, params, 6 * params, act, 8 * params + act])
    }
  }

  @Test func alikeMiddleStagesAreOneRun() throws {
    let stages = Self.pipeline(64, m: 1)
    let text = try #require(StageColumns.encode(stages))
    // Stage 0, stages 1 and 2 (which set the difference, 0), *60, the last.
    #expect(text.split(separator: ";").count == 5)
    #expect(text.contains(";*60;"))
    #expect(try StageColumns.decode(text) == stages)
  }

  @Test func shrinkingInFlightIsOneRun() throws {
    let stages = Self.pipeline(32, m: 64)
    let text = try #require(StageColumns.encode(stages))
    #expect(text.split(separator: ";").count <= 5)
    #expect(try StageColumns.decode(text) == stages)
  }

  @Test(arguments: [2, 3, 4, 5, 7, 8, 16, 33, 64])
  func everyShapeRoundTrips(p: Int) throws {
    for m in [1, 2, 3, p - 1, p, 2 * p] where m > 0 {
      let stages = Self.pipeline(p, m: m)
      #expect(try StageColumns.decode(StageColumns.encode(stages)) == stages, "P \(p), m \(m)")
    }
  }

  @Test func randomStagesRoundTrip() throws {
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<500 {
      let count = Int.random(in: 2...20, using: &rng)
      let pool = [0, 1, 2, Int.max, Int.min + 1, -5, 1 << 40]
      let stages = (0..<count).map { k in
        Self.stage(k, (0..<7).map { _ in pool.randomElement(using: &rng)! })
      }
      #expect(try StageColumns.decode(StageColumns.encode(stages)) == stages)
    }
  }

  /// The total is the sum of the parts and is not stored; a stage whose total is not (none the
  /// planner makes) keeps the seven-field form, and both read back exactly.
  @Test func totalsAreStoredOnlyWhenTheyAreNotTheSum() throws {
    let summed = try #require(StageColumns.encode(Self.pipeline(4, m: 8)))
    #expect(summed.split(separator: ";").allSatisfy { $0.split(separator: " ").count == 6 })
    var odd = Self.pipeline(4, m: 8)
    odd[2].totalBytes += 1
    let kept = try #require(StageColumns.encode(odd))
    #expect(kept.split(separator: ";").allSatisfy { $0.split(separator: " ").count == 7 })
    #expect(try StageColumns.decode(kept) == odd)
  }

  @Test func singleStageIsNull() throws {
    #expect(StageColumns.encode(Self.pipeline(1, m: 1)) == nil)
    #expect(try StageColumns.decode(nil) == nil)
  }

  /// Text written before runs existed (one entry a stage) reads as it always did.
  @Test func entriesWithoutRunsReadAsBefore() throws {
    let old = "2 1 10 10 60 5 85;3 1 20 20 120 7 167;2 1 10 10 60 9 89"
    let stages = try #require(try StageColumns.decode(old))
    #expect(stages.map(\.activationsBytes) == [5, 7, 9])
    #expect(stages.map(\.stage) == [0, 1, 2])
  }

  @Test(arguments: [
    "*3", "1 1 1 1 1 1 1;*1", "1 1 1 1 1 1 1;2 2 2 2 2 2 2;*0", "1 1 1 1 1 1 1;2 2 2 2 2 2 2;*-1",
    "1 1 1 1 1 1 1;2 2 2 2 2 2 2;*x", "1 1 1 1 1 1 1;2 2 2 2 2 2 2;*99999999",
    "0 0 0 0 0 0 0;9223372036854775807 0 0 0 0 0 0;*1", "1 1 1 1 1", "1 1 1 1 1 1 1 1",
    "1 1 1 1 1 1;1 1 1 1 1 1 1", "1 1 9223372036854775807 1 0 0", "*1;1 1 1 1 1 1", "",
    "1 1 1 x 1 1 1", "1 1 1 1 1 1 1;;2 2 2 2 2 2 2",
  ])
  func damagedTextIsAnError(text: String) {
    #expect(throws: StoreError.self) { try StageColumns.decode(text) }
  }
}
