import Foundation
import TestSupport
import Testing

/// `trainplan search` and `--cluster`, end to end through the binary.
@Suite struct SearchCommandTests {
  let cli = TrainplanRunner()

  @Test func searchRanksSavesAndExplains() throws {
    let r = try cli.json(
      "search llama-2-7b --cluster dgx-h100 --num-gpus 32 --global-batch-size 256 --top 4 --json")
    let plans = try #require(value(r, "plans") as? [[String: Any]])
    #expect(plans.count == 4)
    let steps = plans.compactMap { double($0, "time.step_seconds") }
    #expect(steps == steps.sorted())
    for p in plans {
      #expect(value(p, "fits") as? Bool == true)
      #expect(value(p, "time.model") as? String == "predicted")
      #expect(value(p, "setup.cluster") as? String == "dgx-h100")
      let t = int(p, "setup.tensor_parallel")!
      let pp = int(p, "setup.pipeline_parallel")!
      let c = int(p, "setup.context_parallel")!
      let d = int(p, "setup.data_parallel")!
      #expect(t * pp * c * d == 32)
    }
    #expect((int(r, "candidates") ?? 0) > 4)
    // The best plan, planned directly with its layout, gives the same step time.
    let best = plans[0]
    let again = try cli.json(
      [
        "plan", "llama-2-7b", "--cluster", "dgx-h100", "--no-save", "--json", "--precision", "bf16",
        "--attention", "flash", "--num-gpus", "32", "--global-batch-size", "256",
        "--tp", "\(int(best, "setup.tensor_parallel")!)", "--pp",
        "\(int(best, "setup.pipeline_parallel")!)",
        "--cp", "\(int(best, "setup.context_parallel")!)",
        "--virtual-stages", "\(int(best, "setup.virtual_stages")!)",
        "--batch-size", "\(int(best, "setup.batch_size")!)",
        "--recompute", value(best, "setup.recompute") as! String, "--zero",
        "\(int(best, "setup.zero_stage")!)",
      ] + ((value(best, "setup.sequence_parallel") as? Bool) == true ? ["--sequence-parallel"] : [])
    )
    #expect(double(again, "time.step_seconds") == double(best, "time.step_seconds"))
    // --save stores the ranking as a sweep.
    let saved = try cli.json(
      "search llama-2-7b --cluster dgx-h100 --num-gpus 32 --global-batch-size 256 --top 3 --save --json"
    )
    let sweep = try #require(int(saved, "sweep_id"))
    let stored = try #require(try cli.json("plans --sweep \(sweep) --json") as? [Any])
    #expect(stored.count == 3)
  }

  @Test func nothingFitsExitsZeroAndSaysWhy() throws {
    try cli.run(
      "cluster add small --gpu t4 --gpus-per-node 4 --intra-node-bandwidth 32GB/s --inter-node-bandwidth 12.5GB/s"
    )
    .expectStatus(0)
    let r = try cli.run(
      "search llama-2-7b --cluster small --num-gpus 2 --global-batch-size 2 --precision fp16")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("none fits or is legal"))
    let json = try cli.json(
      "search llama-2-7b --cluster small --num-gpus 2 --global-batch-size 2 --precision fp16 --json"
    )
    #expect((value(json, "plans") as? [Any])?.isEmpty == true)
    #expect((value(json, "rejected") as? [String: Any])?.isEmpty == false)
  }

  @Test func invalidSearchesAndClustersAreOneLineAndSaveNothing() throws {
    try cli.run("plan seed-gpt2-small a100-80gb --batch-size 1").expectStatus(0)
    let before = cli.databaseBytes()
    for args in [
      "search llama-2-7b --cluster nope --num-gpus 8 --global-batch-size 8",
      "search llama-2-7b --cluster dgx-h100 --num-gpus 0 --global-batch-size 8",
      "search llama-2-7b --cluster dgx-h100 --num-gpus 8 --global-batch-size 8 --top 0",
      "search llama-2-7b --cluster dgx-h100 --num-gpus 100000 --global-batch-size 1 --attention naive",
      "plan llama-2-7b a100-80gb --cluster dgx-h100",
      "plan llama-2-7b",
      "plan llama-2-7b --cluster dgx-h100 --num-gpus 8 --global-batch-size 4 --batch-size 1",
      "fit --cluster dgx-h100 --gpus a100-80gb",
    ] {
      let r = try cli.run(args)
      #expect(r.status != 0 && r.status < 128, "\(args)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
    }
    #expect(cli.databaseBytes() == before)
    // A cluster whose GPU was removed: one line naming it.
    try cli.run("gpu remove h100-sxm").expectStatus(0)
    let r = try cli.run("plan llama-2-7b --cluster dgx-h100")
    #expect(r.status == 1 && r.stderr.contains("h100-sxm"))
  }
}

extension ProcessResult {
  @discardableResult
  func expectStatus(_ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) -> Self {
    #expect(self.status == status, "\(stderr)", sourceLocation: sourceLocation)
    return self
  }
}
