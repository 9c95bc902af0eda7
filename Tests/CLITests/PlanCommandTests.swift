import Foundation
import TestSupport
import Testing

@Suite struct PlanCommandTests {
  let cli = TrainplanRunner()

  @Test func gpt2XLOnA100MatchesSPEC() throws {
    let plan = try cli.json(
      "plan seed-gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000 --json")
    #expect(int(plan, "max_batch_size") == 3)
    // The largest micro-batch that fits (3) does not divide B = 1,024: it plans at 2.
    #expect(int(plan, "setup.batch_size") == 2)
    #expect(value(plan, "setup.batch_size_chosen") as? Bool == true)
    #expect(int(plan, "setup.global_batch_size") == 1_024)
    #expect(int(plan, "setup.gradient_accumulation_steps") == 512)
    #expect(int(plan, "setup.seq_len") == 1_024)
    #expect(int(plan, "setup.steps") == 400_000)
    #expect(int(plan, "parameters") == 2_126_902_400)
    #expect(int(plan, "memory.parameters_bytes") == 8_507_609_600)
    #expect(int(plan, "memory.optimizer_state_bytes") == 17_015_219_200)
    #expect(int(plan, "memory.activation_bytes_per_sequence") == 15_517_753_344)
    #expect(int(plan, "memory.total_bytes") == 34_030_438_400 + 2 * 15_517_753_344)
    #expect(int(plan, "memory.gpu_memory_bytes") == 85_899_345_920)
    #expect(value(plan, "fits") as? Bool == true)
    let days = try #require(double(plan, "training_days"))
    #expect((days * 10).rounded() / 10 == 6_353.9)
    #expect(abs(try #require(double(plan, "flops.total")) / 5.3525e21 - 1) < 1e-4)
    #expect(int(plan, "id") != nil)
    #expect((value(plan, "created_at") as? String)?.hasSuffix("Z") == true)
  }

  @Test func readableBreakdownSaysWhatItChose() throws {
    let r = try cli.run(
      "plan seed-gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000 --components")
    #expect(r.status == 0)
    #expect(r.stdout.contains("micro-batch 2 (the largest that fits and divides the global batch)"))
    #expect(r.stdout.contains("6,353.9 days"))
    #expect(r.stdout.contains("GiB = 2^30 bytes"))
    #expect(r.stdout.contains("attention_scores"))
    #expect(r.stdout.contains("Saved as plan 1."))
  }

  @Test func defaultRunLengthIsSaid() throws {
    let r = try cli.run("plan seed-gpt2-small a100-80gb --batch-size 4")
    #expect(r.stdout.contains("20 per parameter, the default"))
  }

  @Test func doesNotFitSaysByHowMuch() throws {
    let plan = try cli.json("plan seed-gpt2-xl a100-40gb --json")
    #expect(value(plan, "fits") as? Bool == false)
    #expect(int(plan, "max_batch_size") == 0)
    #expect(int(plan, "setup.batch_size") == 1)
    let over = 34_030_438_400 + 15_517_753_344 - 42_949_672_960
    #expect(int(plan, "memory.shortfall_bytes") == over)
    let text = try cli.run("plan seed-gpt2-xl a100-40gb --no-save")
    #expect(text.stdout.contains("Does NOT fit"))
    #expect(text.stdout.contains(String(format: "%.2f GiB", Double(over) / 1_073_741_824)))
  }

  @Test func noSaveKeepsHistoryEmpty() throws {
    let plan = try cli.json("plan seed-gpt2-small t4 --no-save --json")
    #expect(value(plan, "id") is NSNull)
    #expect((try cli.json("plans --json") as? [Any])?.count == 0)
  }

  @Test func costAndEnergyWhenTheGPUHasThem() throws {
    try cli.run(
      "gpu add rented --memory 80GiB --fp32-tflops 19.5 --price-per-hour 2 --power-watts 400")
    let plan = try cli.json("plan seed-gpt2-small rented --batch-size 1 --steps 1000 --json")
    let hours = try #require(double(plan, "gpu_hours"))
    #expect(abs(try #require(double(plan, "cost")) - 2 * hours) < 1e-9)
    #expect(abs(try #require(double(plan, "energy_kwh")) - 0.4 * hours) < 1e-9)
  }

  @Test func whatWouldMakeItFitIsComputedAndTightPlansWarn() throws {
    try cli.run(
      "gpu add card24 --memory 24GiB --fp32-tflops 80 --bf16-tflops 160")
    let r = try cli.run("plan seed-gpt2-large card24 --no-save")
    #expect(r.status == 0)
    #expect(r.stdout.contains("Does NOT fit"))
    #expect(r.stdout.contains("It fits with --precision bf16"))
    let json = try cli.json("plan seed-gpt2-large card24 --no-save --json")
    let levers = try #require(value(json, "levers") as? [[String: Any]])
    #expect(!levers.isEmpty)
    // Each lever, typed as printed, fits at the micro-batch it names.
    for lever in levers {
      let flags = try #require(lever["flags"] as? String)
      let again = try cli.json("plan seed-gpt2-large card24 --no-save --json " + flags)
      #expect(value(again, "fits") as? Bool == true, "\(flags)")
      #expect(int(again, "setup.batch_size") == (lever["batch_size"] as? NSNumber)?.intValue)
    }
    // 1 GiB more than the plan needs, reserved away: it fits with a warning.
    let fit = try cli.json("plan seed-gpt2-xl a100-80gb --batch-size 1 --no-save --json")
    let total = try #require(int(fit, "memory.total_bytes"))
    let reserve = 85_899_345_920 - total - (1 << 29)
    let tight = try cli.run(
      "plan seed-gpt2-xl a100-80gb --batch-size 1 --no-save --reserve \(reserve)")
    #expect(tight.stdout.contains("Warning: only 0.50 GiB spare"))
    let seed = try cli.json("plan seed-gpt2-xl a100-80gb --no-save --json")
    #expect((value(seed, "warnings") as? [Any])?.isEmpty == true)
    #expect(int(seed, "setup.batch_size") == 3)
  }

  @Test func globalBatchMustBeAMultipleOfMicroBatchTimesGPUs() throws {
    let r = try cli.run("plan seed-gpt2-xl a100-80gb --batch-size 3 --global-batch-size 1024")
    #expect(r.status == 1)
    #expect(r.stderr.contains("--global-batch-size"))
    #expect(r.stderr.contains("nearest valid: 1023 or 1026"))
    let plans = try cli.json("plans --json") as? [Any]
    #expect(plans?.isEmpty == true)
  }

  @Test func numbersHaveOneGrammar() throws {
    for bad in ["--mfu 0x1p-1", "--mfu nan", "--steps 1_000", "--tokens 1,000", "--mfu 1e-300"] {
      let r = try cli.run("plan seed-gpt2-xl a100-80gb --no-save " + bad)
      #expect(r.status != 0 && r.status < 128, "\(bad)")
      #expect(r.stderr.hasPrefix("Error:"), "\(bad)")
    }
    let huge = try cli.run("gpu add fast --memory 80GiB --fp32-tflops 1e308")
    #expect(huge.status != 0)
    #expect(huge.stderr.contains("between 1e-60 and 1e60 TFLOP/s"))
    #expect(!huge.stderr.contains("finite"))
    let seq = try cli.json("plan seed-gpt2-xl a100-80gb --seq-len 512 --no-save --json")
    #expect(int(seq, "setup.seq_len") == 512)
  }
}
