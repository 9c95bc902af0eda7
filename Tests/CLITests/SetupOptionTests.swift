import Foundation
import TestSupport
import Testing

/// The training-setup options on `plan` and `fit`, end to end.
@Suite struct SetupOptionTests {
  let cli = TrainplanRunner()

  @Test func setupIsResolvedStoredAndExported() throws {
    let plan = try cli.json(
      "plan llama-2-7b h100-sxm --precision bf16 --attention flash --checkpointing full --num-gpus 8 --zero 2 --batch-size 2 --global-batch-size 512 --tokens 1T --mfu 0.4 --reserve 2GiB --json"
    )
    let expected: [(String, Any)] = [
      ("precision", "bf16"), ("attention", "flash"), ("checkpointing", "full"), ("num_gpus", 8),
      ("zero_stage", 2), ("batch_size", 2), ("global_batch_size", 512),
      ("gradient_accumulation_steps", 32), ("tokens", 1_000_000_000_000), ("mfu", 0.4),
      ("reserve_bytes", 2_147_483_648),
    ]
    for (key, want) in expected {
      #expect("\(value(plan, "setup.\(key)") ?? "missing")" == "\(want)", "setup.\(key)")
    }
    // 10^12 tokens over 512 × 4,096 per step, rounded up.
    #expect(int(plan, "setup.steps") == (1_000_000_000_000 + 2_097_151) / 2_097_152)
    #expect(int(plan, "memory.usable_bytes") == 81_559 * 1_048_576 - 2_147_483_648)
    let stored = try #require(try cli.json("plans --json") as? [[String: Any]]).first
    for (key, want) in expected {
      #expect(
        "\(value(stored as Any, "setup.\(key)") ?? "missing")" == "\(want)", "stored setup.\(key)")
    }
    let csv = try CSVReader.parse(try cli.run("export").stdout)
    let column = try #require(csv[0].firstIndex(of: "setup.zero_stage"))
    #expect(csv[1][column] == "2")
    #expect(try cli.run("plans").stdout.contains("\tflash\tfull\t8\t2\t"))
  }

  @Test func fitMinGPUs() throws {
    let cells = try #require(
      try cli.json(
        "fit --models seed-gpt2-xl --gpus a100-80gb --min-gpus --batch-size 4 --zero 3 --global-batch-size 8 --steps 1000 --json"
      )
        as? [[String: Any]])
    #expect((cells[0]["gpus_needed"] as? NSNumber)?.intValue == 2)
    // The time is that of the run the cell describes: 2 GPUs, half the days of 1.
    let one = try cli.json(
      "plan seed-gpt2-xl a100-80gb --batch-size 4 --zero 3 --global-batch-size 8 --steps 1000 --no-save --json"
    )
    let days = try #require((cells[0]["training_days"] as? NSNumber)?.doubleValue)
    let daysOnOne = try #require(double(one, "training_days"))
    #expect(abs(days * 2 / daysOnOne - 1) < 1e-9)
    let table = try cli.run(
      "fit --models seed-gpt2-xl --gpus a100-80gb,a100-40gb --min-gpus --batch-size 4 --zero 3")
    #expect(table.stdout.contains("seed-gpt2-xl\t2\tnone"))
  }

  @Test func fitInBF16WithFlashOnEightGPUsWithZeRO3() throws {
    let cells = try #require(
      try cli.json(
        "fit --precision bf16 --attention flash --num-gpus 8 --zero 3 --models llama-3-8b --json")
        as? [[String: Any]])
    let v100 = try #require(cells.first { $0["gpu"] as? String == "v100-16gb" })
    #expect((v100["error"] as? String)?.contains("no bf16 peak") == true)
    // 16P / 8 ≈ 16 GB of state plus ≈ 36 GB of activations per sequence at s = 8,192.
    let h100 = try #require(cells.first { $0["gpu"] as? String == "h100-sxm" })
    #expect(h100["fits"] as? Bool == true)
    let a100 = try #require(cells.first { $0["gpu"] as? String == "a100-40gb" })
    #expect(a100["fits"] as? Bool == false)
  }

  @Test func fp32GradsAndNotes() throws {
    let plan = try cli.json(
      "plan seed-gpt2-xl a100-80gb --precision bf16 --fp32-grads --zero 1 --no-save --json")
    #expect(int(plan, "memory.gradients_bytes") == 4 * 2_126_902_400)
    let notes = try #require(value(plan, "notes") as? [String])
    #expect(notes.contains { $0.contains("ZeRO stage 1 on 1 GPU") })
    let text = try cli.run("plan seed-gpt2-xl a100-80gb --zero 1 --no-save")
    #expect(text.status == 0)
    #expect(text.stdout.contains("Note: ZeRO stage 1 on 1 GPU"))
  }

  @Test func reserveShowsBothFigures() throws {
    let text = try cli.run("plan seed-gpt2-xl a100-80gb --reserve 2GiB --no-save")
    #expect(text.stdout.contains("reserve"))
    #expect(text.stdout.contains("usable"))
  }
}
