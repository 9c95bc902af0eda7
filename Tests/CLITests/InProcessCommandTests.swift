import Foundation
import TestSupport
import Testing

/// The commands run in this process (parsing, the command, error reporting and exit code as
/// the binary has them) against a real SQLite file; the output collected per command.
@Suite struct InProcessCommandTests {
  let cli = InProcessRunner()

  static let tiny =
    "model add tiny --vocab-size 32000 --context-length 2048 --layers 4 --d-model 512 --heads 8 --kv-heads 2"

  @Test func modelAddShowList() throws {
    let add = cli.run(Self.tiny)
    #expect(add.status == 0 && add.stderr.isEmpty, "\(add.stderr)")
    #expect(add.stdout.hasPrefix("saved model 'tiny': "), "\(add.stdout)")
    let shown = try cli.json("model show tiny --json")
    #expect(value(shown, "name") as? String == "tiny")
    #expect(int(shown, "d_model") == 512 && int(shown, "num_kv_heads") == 2)
    #expect(int(shown, "d_ff") == 2_048)
    let text = cli.run("model show tiny")
    #expect(text.status == 0)
    #expect(text.stdout.split(separator: "\n").contains { $0.hasPrefix("num_kv_heads") })
    // Collected output is not a terminal: the table is tab-separated rows.
    let rows = cli.run("model list").stdout.split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false)
    }
    #expect(rows.first?.first == "name")
    #expect(rows.contains { $0.first == "tiny" && $0.count == rows[0].count })
    #expect(rows.contains { $0.first == "seed-gpt2-xl" })
    let list = try #require(try cli.json("model list --json") as? [[String: Any]])
    #expect(list.count == rows.count - 1)
  }

  @Test func gpuAdd() throws {
    let add = cli.run(
      "gpu add my-a6000 --memory 48GiB --fp32-tflops 38.7 --bf16-tflops 154.8 --price-per-hour 0.8")
    #expect(add.status == 0, "\(add.stderr)")
    #expect(add.stdout == "saved GPU 'my-a6000' (48.00 GiB, 38.7 TFLOP/s fp32)\n", "\(add.stdout)")
    let shown = try cli.json("gpu show my-a6000 --json")
    #expect(int(shown, "memory_bytes") == 48 << 30)
    let list = try #require(try cli.json("gpu list --json") as? [[String: Any]])
    #expect(list.contains { $0["name"] as? String == "my-a6000" })
  }

  /// SPEC.md's worked example, as text and as JSON, saved both times.
  @Test func planHumanAndJSON() throws {
    let text = cli.run("plan seed-gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000")
    #expect(text.status == 0 && text.stderr.isEmpty, "\(text.stderr)")
    #expect(text.stdout.contains("6,353.9 days"))
    #expect(text.stdout.contains("Saved as plan 1."))
    let plan = try cli.json(
      "plan seed-gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000 --json")
    #expect(int(plan, "id") == 2)
    #expect(int(plan, "max_batch_size") == 3 && int(plan, "setup.batch_size") == 2)
    #expect(int(plan, "parameters") == 2_126_902_400)
    let days = try #require(double(plan, "training_days"))
    #expect((days * 10).rounded() / 10 == 6_353.9)
    let saved = try #require(try cli.json("plans --json") as? [[String: Any]])
    #expect(saved.count == 2)
  }

  @Test func fit() throws {
    let cells = try #require(
      try cli.json("fit --models seed-gpt2-xl,seed-gpt2-small --gpus a100-40gb,a100-80gb --json")
        as? [[String: Any]])
    #expect(cells.count == 4)
    func cell(_ m: String, _ g: String) -> [String: Any]? {
      cells.first { $0["model"] as? String == m && $0["gpu"] as? String == g }
    }
    #expect(cell("seed-gpt2-xl", "a100-40gb")?["fits"] as? Bool == false)
    #expect((cell("seed-gpt2-xl", "a100-80gb")?["max_batch_size"] as? NSNumber)?.intValue == 3)
    #expect((cell("seed-gpt2-small", "a100-80gb")?["max_batch_size"] as? NSNumber)?.intValue == 37)
    let table = cli.run("fit --models seed-gpt2-xl --gpus a100-40gb,a100-80gb")
    #expect(table.status == 0 && table.stdout.contains("a100-80gb"), "\(table.stdout)")
    // fit computes; it never writes plans.
    #expect((try cli.json("plans --json") as? [Any])?.isEmpty == true)
  }

  /// A sweep in chunks of 3, its plans listed and exported: every stored plan, once.
  @Test func sweepPlansExport() throws {
    let r = try cli.json(
      "sweep --layers 2:4:2 --d-model 128:256:128 --heads-dim 64 --gpus a100-80gb,t4 --precisions fp32,bf16 --chunk-size 3 --json"
    )
    // 2 × 2 shapes × 2 GPUs × 2 precisions = 16; the T4 lists no bf16 peak: 4 skipped.
    #expect(int(r, "planned") == 16 && int(r, "written") == 12 && int(r, "skipped") == 4)
    let id = try #require(int(r, "sweep_id"))
    let plans = try #require(
      try cli.json(["plans", "--sweep", String(id), "--limit", "0", "--json"]) as? [[String: Any]])
    #expect(plans.count == 12)
    #expect(Set(plans.compactMap { int($0, "id") }).count == 12)
    let sweeps = try #require(try cli.json("sweeps --json") as? [[String: Any]])
    #expect(int(sweeps[0], "written") == 12 && value(sweeps[0], "status") as? String == "complete")
    let file = cli.folder.file("sweep.csv")
    let export = cli.run(["export", "--sweep", String(id), "--output", file])
    #expect(export.status == 0, "\(export.stderr)")
    let csv = try CSVReader.parse(String(decoding: try #require(fileBytes(file)), as: UTF8.self))
    #expect(csv.count == 13)
    let ids = csv.first.flatMap { $0.firstIndex(of: "id") }.map { i in csv.dropFirst().map { $0[i] }
    }
    #expect(ids.map(Set.init) == Set(plans.compactMap { int($0, "id") }.map(String.init)))
  }

  @Test func search() throws {
    let r = try cli.json(
      "search seed-gpt2-small --cluster dgx-a100-80gb --num-gpus 8 --global-batch-size 64 --top 3 --json"
    )
    let plans = try #require(value(r, "plans") as? [[String: Any]])
    #expect(plans.count == 3)
    let steps = plans.compactMap { double($0, "time.step_seconds") }
    #expect(steps.count == 3 && steps == steps.sorted())
    #expect(plans.allSatisfy { value($0, "fits") as? Bool == true })
    // Without --save, nothing is stored.
    #expect((try cli.json("plans --json") as? [Any])?.isEmpty == true)
  }

  /// A bad value: exit 1, one line naming the flag and the rule, nothing on stdout, and the
  /// database's bytes as they were.
  @Test func refusedInputChangesNothing() throws {
    #expect(cli.run("plan seed-gpt2-small a100-80gb --batch-size 1").status == 0)
    let before = cli.databaseBytes()
    #expect(before[0] != nil)
    let r = cli.run(
      "model add bad --vocab-size 50257 --context-length 1024 --layers 48 --d-model 1600 --heads 7")
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.hasPrefix("Error: ") && r.stderr.hasSuffix("\n"), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    #expect(r.stderr.contains("--heads 7") && r.stderr.contains("--d-model 1600"), "\(r.stderr)")
    #expect(cli.databaseBytes() == before)
    #expect(cli.run("model show bad").status == 1)
  }

  /// A usage error is ArgumentParser's: exit 64 and its message.
  @Test func usageErrorExits64() {
    let r = cli.run("plan seed-gpt2-small a100-80gb --no-such-flag")
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stderr.contains("--no-such-flag"))
  }
}
