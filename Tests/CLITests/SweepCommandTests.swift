import Foundation
import TestSupport
import Testing

@Suite struct SweepCommandTests {
  let cli = TrainplanRunner()

  @Test func dryRunCountsTheCrossProduct() throws {
    let r = try cli.json(
      "sweep --layers 12:48:4 --d-model 768:4096:256 --heads-dim 64 --gpus a100-80gb,h100-sxm --batch-sizes 1,2,4 --precisions fp32,bf16 --num-gpus 1,8 --zero 0,1,2,3 --dry-run --json"
    )
    // 10 layer counts × 14 widths × 2 GPUs × 3 batches × 2 precisions × 2 GPU counts × 4 stages
    #expect(int(r, "planned") == 10 * 14 * 2 * 3 * 2 * 2 * 4)
    #expect((try cli.json("plans --json") as? [Any])?.isEmpty == true)
  }

  @Test func generatedShapesAreStoredUnderOneSweep() throws {
    let r = try cli.json(
      "sweep --layers 2:4:2 --d-model 128:256:128 --heads-dim 64 --gpus a100-80gb,t4 --precisions fp32,bf16 --chunk-size 3 --json"
    )
    // 2 × 2 shapes × 2 GPUs × 2 precisions = 16; the T4 lists no bf16 peak: 4 skipped.
    #expect(int(r, "planned") == 16)
    #expect(int(r, "written") == 12)
    #expect(int(r, "skipped") == 4)
    #expect(value(r, "status") as? String == "complete")
    let id = try #require(int(r, "sweep_id"))
    let plans = try #require(
      try cli.json(["plans", "--sweep", String(id), "--limit", "0", "--json"]) as? [[String: Any]])
    #expect(plans.count == 12)
    #expect(
      Set(plans.compactMap { value($0, "model.name") as? String }) == [
        "l2-d128-n2", "l2-d256-n4", "l4-d128-n2", "l4-d256-n4",
      ])
    #expect(plans.allSatisfy { int($0, "model.d_ff") == 4 * (int($0, "model.d_model") ?? 0) })
    let sweeps = try #require(try cli.json("sweeps --json") as? [[String: Any]])
    #expect(int(sweeps[0], "written") == 12)
    #expect(int(sweeps[0], "planned") == 16)
    let csv = try CSVReader.parse(try cli.run(["export", "--sweep", String(id)]).stdout)
    #expect(csv.count == 13)
  }

  @Test func fitFromASweepEqualsFitComputed() throws {
    let r = try cli.json(
      "sweep --models seed-gpt2-small,seed-gpt2-xl,llama-2-7b --gpus a100-80gb,h100-sxm,l4 --precisions fp32,bf16 --attention naive,flash --json"
    )
    let id = String(try #require(int(r, "sweep_id")))
    for options in [["--precision", "bf16", "--attention", "flash"], ["--precision", "fp32"]] {
      let stored = try #require(
        try cli.json(["fit", "--sweep", id, "--json"] + options) as? [[String: Any]])
      let computed = try #require(
        try cli.json(
          [
            "fit", "--models", "seed-gpt2-small,seed-gpt2-xl,llama-2-7b", "--gpus",
            "a100-80gb,h100-sxm,l4",
            "--json",
          ] + options)
          as? [[String: Any]])
      #expect(stored.count == 9)
      for (a, b) in zip(stored, computed) {
        #expect(a["model"] as? String == b["model"] as? String)
        #expect(a["gpu"] as? String == b["gpu"] as? String)
        #expect(int(a, "max_batch_size") == int(b, "max_batch_size"))
        #expect(int(a, "total_bytes") == int(b, "total_bytes"))
      }
    }
    #expect((try cli.json("plans --json --limit 0") as? [Any])?.count == 36)
    // Options the sweep was not made with are not answered from it.
    for other in [
      ["--reserve", "20GiB"], ["--mfu", "0.4"], ["--steps", "1000"], ["--zero", "1"],
    ] {
      let r = try cli.run(["fit", "--sweep", id] + other)
      #expect(
        r.status == 1 && r.stderr.contains("has no plans made with these options"), "\(other)")
    }
  }

  @Test func badSweepsAreRefusedBeforeWriting() throws {
    for args in [
      "sweep --layers 12:48:4", "sweep --layers 48:12:4 --d-model 768", "sweep --precisions fp4",
      "sweep --layers 12 --d-model 100 --heads-dim 64", "sweep --chunk-size 0", "sweep --zero 0,,1",
      "sweep --attention fast", "sweep --gpus nope", "plans --sweep 99", "sweep --zero 0,5",
      "sweep --num-gpus 0", "sweep --batch-sizes 1,-2", "sweep --mfu 2",
      // a range as wide as the 64-bit integers; option lists whose product is absurd
      "sweep --num-gpus 0:9223372036854775807 --dry-run",
      "sweep --batch-sizes 1:100000 --num-gpus 1:100000 --dry-run",
      "sweep --layers 2 --d-model 128 --heads-dim 0",
      "sweep --layers 2 --d-model 128 --ffn-multiplier 0",
    ] {
      let r = try cli.run(args)
      #expect(r.status != 0 && !r.signaled, "\(args)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
    }
    #expect((try cli.json("sweeps --json") as? [Any])?.isEmpty == true)
  }
}
