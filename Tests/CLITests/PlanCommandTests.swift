import Foundation
import TestSupport
import Testing

@Suite struct PlanCommandTests {
  let cli = TrainplanRunner()

  @Test func gpt2XLOnA100MatchesSPEC() throws {
    let plan = try cli.json(
      "plan seed-gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000 --json")
    #expect(int(plan, "max_batch_size") == 3)
    #expect(int(plan, "setup.batch_size") == 3)
    #expect(value(plan, "setup.batch_size_chosen") as? Bool == true)
    #expect(int(plan, "setup.global_batch_size") == 1_024)
    #expect(int(plan, "setup.gradient_accumulation_steps") == 342)
    #expect(int(plan, "setup.steps") == 400_000)
    #expect(int(plan, "parameters") == 2_126_902_400)
    #expect(int(plan, "memory.parameters_bytes") == 8_507_609_600)
    #expect(int(plan, "memory.optimizer_state_bytes") == 17_015_219_200)
    #expect(int(plan, "memory.activation_bytes_per_sequence") == 15_517_753_344)
    #expect(int(plan, "memory.total_bytes") == 34_030_438_400 + 3 * 15_517_753_344)
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
    #expect(r.stdout.contains("micro-batch 3 (the largest that fits)"))
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
}
