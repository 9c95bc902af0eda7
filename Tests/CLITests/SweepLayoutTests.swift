import Foundation
import TestSupport
import Testing

/// `sweep` over model-parallel layouts: `--tp/--pp/--cp/--virtual-stages` take lists. A value
/// that can never plan (`--tp 0`) is refused up front; a combination that does not suit a
/// cell (T not dividing the heads, T·P·C not dividing the GPUs) is skipped and counted in the
/// summary with a reason, as any other cell without a plan.
@Suite struct SweepLayoutTests {
  let cli = TrainplanRunner()

  @Test func layoutListsAreSweptAndMisfitsSkipped() throws {
    // seed-gpt2-small has 12 heads: T = 8 does not divide them. 8 GPUs hold every T·P here.
    let r = try cli.json(
      "sweep --models seed-gpt2-small --gpus h100-sxm --precisions bf16 --num-gpus 8 --tp 1,2,8 --pp 1:2 --json"
    )
    #expect(int(r, "planned") == 6)
    #expect(int(r, "written") == 4)
    #expect(int(r, "skipped") == 2)
    let id = String(try #require(int(r, "sweep_id")))
    let plans = try #require(
      try cli.json(["plans", "--sweep", id, "--limit", "0", "--json"]) as? [[String: Any]])
    let layouts = Set(
      plans.map {
        [int($0, "setup.tensor_parallel") ?? 0, int($0, "setup.pipeline_parallel") ?? 0]
      })
    #expect(layouts == [[1, 1], [1, 2], [2, 1], [2, 2]])
    // The text summary names the count and a reason.
    let text = try cli.run(
      "sweep --models seed-gpt2-small --gpus h100-sxm --precisions bf16 --num-gpus 2 --tp 1,4")
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("1 of 2 plans stored"), "\(text.stdout)")
    #expect(text.stdout.contains("1 skipped (e.g. "), "\(text.stdout)")
  }

  @Test func aSingleLayoutStillWorks() throws {
    let r = try cli.json(
      "sweep --models seed-gpt2-small --gpus h100-sxm --precisions bf16 --num-gpus 4 --tp 2 --pp 2 --cp 1 --virtual-stages 1 --json"
    )
    #expect(int(r, "planned") == 1 && int(r, "written") == 1)
    let id = String(try #require(int(r, "sweep_id")))
    let plans = try #require(
      try cli.json(["plans", "--sweep", id, "--json"]) as? [[String: Any]])
    #expect(int(plans[0], "setup.tensor_parallel") == 2)
    #expect(int(plans[0], "setup.pipeline_parallel") == 2)
    let dry = try cli.json(
      "sweep --models seed-gpt2-small --gpus h100-sxm --tp 1,2,4 --pp 1,2 --cp 1,2 --virtual-stages 1,2 --dry-run --json"
    )
    #expect(int(dry, "planned") == 3 * 2 * 2 * 2)
  }

  @Test func badLayoutListsAreRefusedUpFront() throws {
    let cases: [(String, String)] = [
      ("sweep --tp 0", "--tensor-parallel must be positive (got 0)"),
      ("sweep --tp 1,2,0", "--tensor-parallel must be positive (got 0)"),
      ("sweep --pp 1,x", "--pipeline-parallel 'x' is not a whole number or a start:end:step range"),
      (
        "sweep --cp 1,,2",
        "--context-parallel must be comma-separated values with none empty (got '1,,2')"
      ),
      (
        "sweep --virtual-stages 4:2",
        "--virtual-stages 4:2: a range needs start ≤ end and a positive step"
      ),
      ("sweep --tp 1,1048577", "--tensor-parallel must be at most 1048576 (got 1048577)"),
      (
        "sweep --tp 1:100 --pp 1:100 --cp 1:100 --dry-run",
        "--tensor-parallel × --pipeline-parallel × --context-parallel × --virtual-stages × --expert-parallel make 1,000,000 layouts, more than 100,000"
      ),
    ]
    try cli.run("plan seed-gpt2-small a100-80gb --batch-size 1").expectStatus(0)
    try cli.expectRefusedChangingNothing(cases.map(\.0))
    for (line, message) in cases {
      let r = try cli.run(line)
      #expect(r.stderr == "Error: \(message)\n", "\(line)")
    }
    #expect((try cli.json("sweeps --json") as? [Any])?.isEmpty == true)
  }
}
