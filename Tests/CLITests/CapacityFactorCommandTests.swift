import Foundation
import TestSupport
import Testing

/// `--capacity-factor F` end to end: stored with the plan, in the JSON setup (null when
/// dropless), taken by plan, fit, sweep and search, and refused in one line with the database
/// unchanged.
@Suite struct CapacityFactorCommandTests {
  let cli = TrainplanRunner()

  @Test func planStoresTheFactorAndPadsTheExperts() throws {
    try cli.importMixtral()
    let common =
      "mixtral h100-sxm --precision bf16 --method detailed --num-gpus 8 --ep 8 --zero 1 --batch-size 2 --json"
    let dropless = try cli.json("plan \(common)")
    let padded = try cli.json("plan \(common) --capacity-factor 1.25")
    #expect(value(dropless, "setup.capacity_factor") is NSNull)
    #expect(double(padded, "setup.capacity_factor") == 1.25)
    // b = 2 of 32,768 tokens, top 2 of 8: 16,384 copies an expert, 20,480 slots at F = 1.25;
    // 8 × 4,096 padded slots of 6h + 8·f_e = 24,576 + 114,688 bytes in each of 32 layers.
    let extra = 8 * 4_096 * (6 * 4_096 + 8 * 14_336) * 32
    #expect(
      int(padded, "memory.activations_bytes")! == int(dropless, "memory.activations_bytes")! + extra
    )
    let validator = try JSONSchemaValidator(folder: JSONSchemaTests.folder)
    let text = try cli.run(
      ["plan"] + "\(common) --capacity-factor 1.25".split(separator: " ").map(String.init))
    #expect(validator.problems(json: text.stdout, against: "plan.schema.json").isEmpty)
    let human = try cli.run(
      ["plan"]
        + "\(common) --capacity-factor 1.25 --no-save".split(separator: " ").map(String.init)
        .filter { $0 != "--json" })
    #expect(human.stdout.contains("capacity factor 1.25, experts padded"), "\(human.stdout)")
    // Stored: the history reads both back.
    let plans = try #require(try cli.json("plans --json") as? [Any])
    let stored = plans.map { value($0, "setup.capacity_factor") as? Double }
    #expect(stored.compactMap { $0 } == [1.25, 1.25])
    #expect(stored.filter { $0 == nil }.count == 1)
  }

  @Test func fitSweepAndSearchTakeTheFactor() throws {
    try cli.importMixtral()
    let fit = try #require(
      try cli.json(
        "fit --models mixtral,llama-2-7b --gpus h100-sxm --precision bf16 --num-gpus 8 --capacity-factor 1.5 --json"
      ) as? [Any])
    #expect(fit.count == 2)
    // The dense model's cell says why; the MoE one is planned.
    #expect(
      (value(fit[1], "error") as? String)?.hasPrefix(
        "--capacity-factor 1.5: llama-2-7b has no routed experts") == true)
    #expect(value(fit[0], "error") == nil)
    let sweep = try cli.run(
      "sweep --models mixtral --gpus h100-sxm --precisions bf16 --num-gpus 8 --batch-sizes 1 --capacity-factor 1.5"
        .split(separator: " ").map(String.init))
    #expect(sweep.status == 0, "\(sweep.stderr)")
    let plans = try #require(try cli.json("plans --json") as? [Any])
    #expect(plans.map { double($0, "setup.capacity_factor") } == [1.5])
    let search = try cli.json(
      "search mixtral --cluster dgx-h100 --num-gpus 16 --global-batch-size 64 --seq-len 4096 --precision bf16 --attention flash --capacity-factor 1.5 --top 2 --json"
    )
    let found = try #require(value(search, "plans") as? [Any])
    #expect(!found.isEmpty)
    for p in found { #expect(double(p, "setup.capacity_factor") == 1.5) }
  }

  @Test func badFactorsAreRefusedChangingNothing() throws {
    try cli.importMixtral()
    try cli.expectRefusedChangingNothing([
      "plan mixtral h100-sxm --capacity-factor 0",
      "plan mixtral h100-sxm --capacity-factor -1",
      "plan mixtral h100-sxm --capacity-factor nan",
      "plan mixtral h100-sxm --capacity-factor inf",
      "plan mixtral h100-sxm --capacity-factor 5000",
      "plan mixtral h100-sxm --capacity-factor 0.001",
      "plan mixtral h100-sxm --capacity-factor x",
      "plan llama-2-7b h100-sxm --capacity-factor 1",
      "fit --models llama-2-7b --gpus h100-sxm --capacity-factor 1",
      "fit --models mixtral --gpus h100-sxm --capacity-factor 0",
      "sweep --models llama-2-7b --gpus h100-sxm --capacity-factor 1.25",
      "sweep --models mixtral --gpus h100-sxm --capacity-factor -2",
      "search llama-2-7b --cluster dgx-h100 --num-gpus 16 --global-batch-size 64 --capacity-factor 1",
      "search mixtral --cluster dgx-h100 --num-gpus 16 --global-batch-size 64 --capacity-factor 0",
    ])
    let r = try cli.run(["plan", "llama-2-7b", "h100-sxm", "--capacity-factor", "1"])
    #expect(
      r.stderr
        == "Error: --capacity-factor 1: llama-2-7b has no routed experts; a capacity factor needs a mixture-of-experts model\n"
    )
    let zero = try cli.run(["plan", "mixtral", "h100-sxm", "--capacity-factor", "0"])
    #expect(zero.stderr == "Error: --capacity-factor must be positive (got 0)\n")
  }
}
