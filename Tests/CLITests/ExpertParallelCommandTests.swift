import Foundation
import TestSupport
import Testing

/// `--expert-parallel` (`--ep`) end to end: stored with the plan, in the JSON setup and time,
/// searched, and refused in one line with the database unchanged.
@Suite struct ExpertParallelCommandTests {
  let cli = TrainplanRunner()

  @Test func planStoresExpertParallelAndItsTime() throws {
    try cli.importMixtral()
    let common =
      "mixtral --cluster dgx-h100 --precision bf16 --attention flash --num-gpus 16 --global-batch-size 64 --batch-size 1 --seq-len 4096 --zero 1"
    let one = try cli.json("plan \(common) --json")
    let eight = try cli.json("plan \(common) --ep 8 --json")
    #expect(int(one, "setup.expert_parallel") == 1)
    #expect(int(eight, "setup.expert_parallel") == 8)
    #expect(double(one, "time.expert_parallel_comm_seconds") == 0)
    #expect(double(eight, "time.expert_parallel_comm_seconds")! > 0)
    // 7 of every 8 experts leave the rank: 32 layers × 7 × 3·4,096·14,336 weights, 2 + 2 bytes.
    let moved =
      int(one, "memory.parameters_bytes")! + int(one, "memory.gradients_bytes")!
      - int(eight, "memory.parameters_bytes")! - int(eight, "memory.gradients_bytes")!
    #expect(moved == 32 * 7 * 3 * 4_096 * 14_336 * 4)
    // Stored: the history reads both back with their E and all-to-all time.
    let plans = try #require(try cli.json("plans --json") as? [Any])
    #expect(plans.count == 2)
    let stored = plans.compactMap { int($0, "setup.expert_parallel") }.sorted()
    #expect(stored == [1, 8])
    let times = plans.compactMap { double($0, "time.expert_parallel_comm_seconds") }
    #expect(times.contains(double(eight, "time.expert_parallel_comm_seconds")!))
    let human = try cli.run(
      ["plan"] + common.split(separator: " ").map(String.init) + ["--ep", "8", "--no-save"])
    #expect(human.stdout.contains("EP all-to-all"))
    #expect(human.stdout.contains("experts split 8 ways (expert data parallel 2)"))
  }

  @Test func fitMinGPUsKeepsEDividingTheDataParallelGroup() throws {
    try cli.importMixtral()
    let common =
      "fit --models mixtral --gpus h100-sxm,a100-40gb --precision bf16 --attention flash --min-gpus --zero 3 --seq-len 4096 --json"
    let plain = try #require(try cli.json(common) as? [Any])
    let split = try #require(try cli.json(common + " --ep 8") as? [Any])
    for (a, b) in zip(plain, split) {
      let (without, with) = (
        try #require(int(a, "gpus_needed")), try #require(int(b, "gpus_needed"))
      )
      #expect(with % 8 == 0, "\(String(describing: value(b, "gpu")))")
      #expect(with >= without)
      #expect(value(b, "fits") as? Bool == true)
    }
  }

  @Test func searchFindsExpertLayouts() throws {
    try cli.importMixtral()
    let result = try cli.json(
      "search mixtral --cluster dgx-h100 --num-gpus 16 --global-batch-size 64 --seq-len 4096 --precision bf16 --attention flash --ep 4 --top 3 --json"
    )
    let plans = try #require(value(result, "plans") as? [Any])
    #expect(!plans.isEmpty)
    for p in plans { #expect(int(p, "setup.expert_parallel") == 4) }
  }

  @Test func badExpertParallelIsRefusedChangingNothing() throws {
    try cli.importMixtral()
    try cli.expectRefusedChangingNothing([
      "plan mixtral h100-sxm --precision bf16 --num-gpus 8 --ep 3",
      "plan mixtral h100-sxm --precision bf16 --num-gpus 4 --ep 8",
      "plan mixtral h100-sxm --precision bf16 --num-gpus 8 --tp 2 --ep 8",
      "plan mixtral h100-sxm --precision bf16 --num-gpus 8 --ep 0",
      "plan mixtral h100-sxm --precision bf16 --num-gpus 8 --ep -2",
      "plan llama-2-7b h100-sxm --precision bf16 --num-gpus 8 --ep 2",
      "fit --models mixtral --gpus h100-sxm --precision bf16 --num-gpus 8 --ep 0",
      "sweep --models mixtral --gpus h100-sxm --precisions bf16 --num-gpus 8 --ep -1",
      "search mixtral --cluster dgx-h100 --num-gpus 16 --global-batch-size 64 --ep 3",
      "search llama-2-7b --cluster dgx-h100 --num-gpus 16 --global-batch-size 64 --ep 2",
    ])
    let r = try cli.run(["plan", "mixtral", "h100-sxm", "--num-gpus", "8", "--ep", "3"])
    #expect(r.stderr == "Error: --expert-parallel 3 does not divide --experts 8\n")
    // A sweep or fit matrix skips the cells a rule refuses and says why, as for --tp.
    let sweep = try cli.run(
      "sweep --models mixtral --gpus h100-sxm --precisions bf16 --num-gpus 8 --ep 16 --batch-sizes 1"
        .split(separator: " ").map(String.init))
    #expect(
      sweep.stdout.contains("1 skipped (e.g. --expert-parallel 16 does not divide --experts 8)"))
    let fit = try cli.json(
      "fit --models mixtral --gpus h100-sxm --precision bf16 --num-gpus 8 --ep 3 --json")
    #expect(
      value((fit as? [Any])?.first ?? [:], "error") as? String
        == "--expert-parallel 3 does not divide --experts 8")
  }
}
