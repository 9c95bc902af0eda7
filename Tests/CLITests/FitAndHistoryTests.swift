import Foundation
import TestSupport
import Testing

@Suite struct FitAndHistoryTests {
  let cli = TrainplanRunner()

  @Test func fitOverThePresets() throws {
    let cells = try #require(try cli.json("fit --json") as? [[String: Any]])
    let models = try #require(try cli.json("model list --json") as? [Any]).count
    let gpus = try #require(try cli.json("gpu list --json") as? [Any]).count
    #expect(cells.count == models * gpus)
    func cell(_ m: String, _ g: String) -> [String: Any]? {
      cells.first { $0["model"] as? String == m && $0["gpu"] as? String == g }
    }
    #expect((cell("seed-gpt2-xl", "a100-80gb")?["max_batch_size"] as? NSNumber)?.intValue == 3)
    #expect(cell("seed-gpt2-xl", "a100-40gb")?["fits"] as? Bool == false)
    #expect((cell("seed-gpt2-small", "a100-80gb")?["max_batch_size"] as? NSNumber)?.intValue == 37)
    for c in cells {
      for key in ["model", "gpu", "max_batch_size", "fits", "total_bytes", "training_days"] {
        #expect(c[key] != nil, "missing \(key)")
      }
    }
    // fit computes; it never writes plans.
    #expect((try cli.json("plans --json") as? [Any])?.count == 0)
  }

  @Test func fitWithBatchSizeAndNarrowing() throws {
    let cells = try #require(
      try cli.json(
        "fit --models seed-gpt2-xl,seed-gpt2-small --gpus a100-80gb --batch-size 4 --json")
        as? [[String: Any]])
    #expect(cells.map { $0["model"] as? String } == ["seed-gpt2-xl", "seed-gpt2-small"])
    #expect(cells[0]["fits"] as? Bool == false)
    #expect((cells[0]["total_bytes"] as? NSNumber)?.intValue == 34_030_438_400 + 4 * 15_517_753_344)
    #expect(cells[1]["fits"] as? Bool == true)
    // A cell with no plan has the same keys as one with a plan.
    let mixed = try #require(
      try cli.json("fit --models seed-gpt2-small --gpus a100-80gb,t4 --precision bf16 --json")
        as? [[String: Any]])
    #expect(mixed[1]["error"] != nil)
    #expect(Set(mixed[0].keys).isSubset(of: Set(mixed[1].keys)))
    let table = try cli.run("fit --models seed-gpt2-xl --gpus a100-80gb,h100-sxm")
    #expect(table.stdout.contains("seed-gpt2-xl\t3\t3"))
  }

  @Test func fitWithAnUnknownNameSuggests() throws {
    let r = try cli.run("fit --models seed-gpt2-xl,gtp2-small")
    #expect(r.status != 0)
    #expect(r.stderr.contains("did you mean 'gpt2-small'"))
  }

  @Test func plansNewestFirstAndFiltered() throws {
    for args in ["seed-gpt2-small a100-80gb", "seed-gpt2-xl h100-sxm", "seed-gpt2-small h100-sxm"] {
      #expect(try cli.run("plan \(args) --batch-size 1").status == 0)
    }
    let all = try #require(try cli.json("plans --json") as? [[String: Any]])
    #expect(all.compactMap { ($0["id"] as? NSNumber)?.intValue } == [3, 2, 1])
    let small = try #require(
      try cli.json("plans --model seed-gpt2-small --json") as? [[String: Any]])
    #expect(small.compactMap { ($0["id"] as? NSNumber)?.intValue } == [3, 1])
    let h100 = try #require(
      try cli.json("plans --gpu h100-sxm --limit 1 --json") as? [[String: Any]])
    #expect(h100.compactMap { ($0["id"] as? NSNumber)?.intValue } == [3])
    #expect((try cli.json("plans --since 2999-01-01 --json") as? [Any])?.count == 0)
    #expect((try cli.json("plans --since 2000-01-01T00:00 --json") as? [Any])?.count == 3)
  }

  @Test func historySurvivesRemovingTheConfig() throws {
    try cli.run(
      "model add mine --vocab-size 1000 --context-length 64 --layers 2 --d-model 64 --heads 4")
    try cli.run("plan mine t4")
    try cli.run("model remove mine")
    let plans = try #require(try cli.json("plans --json") as? [[String: Any]])
    #expect(value(plans[0], "model.name") as? String == "mine")
    #expect(int(plans[0], "model.d_model") == 64)
  }
}
