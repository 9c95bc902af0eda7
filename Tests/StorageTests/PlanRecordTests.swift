import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

@Suite struct PlanRecordTests {
  let db: TestDatabase
  var folder: TemporaryFolder { db.folder }
  let store: Store

  init() throws {
    db = try TestDatabase()
    store = try db.open()
  }

  func plan(_ model: String, _ gpu: String, _ setup: TrainingSetup = TrainingSetup()) throws -> Plan
  {
    try Planner.plan(
      model: try store.model(named: model).config, hardware: try store.gpu(named: gpu).profile,
      setup: setup)
  }

  @Test func everyFigureRoundTrips() throws {
    var original = try plan(
      "seed-gpt2-xl", "h100-sxm",
      TrainingSetup(
        microBatchSize: 2, globalBatchSize: 512, runLength: .tokens(1_000_000_000), mfu: 0.4,
        numGPUs: 8, precision: .bf16, attention: .flash, checkpointing: .full, zeroStage: 2,
        fp32Gradients: true))
    var gpu = original.hardware
    gpu.pricePerHour = 3.25
    original = try Planner.plan(
      model: original.model, hardware: gpu,
      setup: TrainingSetup(
        microBatchSize: 2, globalBatchSize: 512, runLength: .tokens(1_000_000_000), mfu: 0.4,
        numGPUs: 8, precision: .bf16, attention: .flash, checkpointing: .full, zeroStage: 2,
        fp32Gradients: true))
    let saved = try store.insertPlan(original)
    let back = try #require(try store.plans().first)
    #expect(back.id == saved.id)
    #expect(back.createdAt == saved.createdAt)
    var expected = original
    // Components and notes are not stored: the figures are.
    expected.memory.activationComponentBytes = []
    expected.notes = []
    #expect(back.plan == expected)
  }

  /// Deep pipelines (alike middle stages; one micro-batch less each under 1F1B; an uneven
  /// split; interleaving) are stored as runs and read back stage for stage.
  @Test(arguments: [
    ParallelLayout(pipelineParallel: 48), ParallelLayout(pipelineParallel: 16),
    ParallelLayout(pipelineParallel: 7), ParallelLayout(pipelineParallel: 8, virtualStages: 2),
  ])
  func pipelinedStagesRoundTrip(_ layout: ParallelLayout) throws {
    for global in [layout.virtualStages > 1 ? 64 : nil, 4_096] {
      let original = try plan(
        "seed-gpt2-xl", "h100-sxm",
        TrainingSetup(
          microBatchSize: 1, globalBatchSize: global, numGPUs: layout.pipelineParallel,
          precision: .bf16, layout: layout))
      try store.insertPlan(original)
      let back = try #require(try store.plans().first)
      #expect(back.plan.stages == original.stages)
      #expect(back.plan.stages.count == layout.pipelineParallel)
      let text = try #require(
        try store.database.text("SELECT stages FROM plan_rows ORDER BY id DESC LIMIT 1"))
      #expect(text.split(separator: ";").count <= 8, "\(text)")
    }
  }

  @Test func newestFirstAndFilters() throws {
    let a = try plan("seed-gpt2-small", "a100-80gb")
    let b = try plan("seed-gpt2-xl", "h100-sxm")
    let ids = try [a, b, a, b].map { try store.insertPlan($0).id }
    #expect(try store.plans().map(\.id) == ids.reversed())
    #expect(try store.plans(PlanFilter(model: "seed-gpt2-small")).map(\.id) == [ids[2], ids[0]])
    #expect(try store.plans(PlanFilter(gpu: "h100-sxm", limit: 1)).map(\.id) == [ids[3]])
    #expect(try store.plans(PlanFilter(model: "seed-gpt2-small", gpu: "h100-sxm")).isEmpty)
    #expect(try store.plans(PlanFilter(since: "2999-01-01")).isEmpty)
    #expect(try store.plans(PlanFilter(since: "2000-01-01")).count == 4)
    #expect(try store.countPlans(PlanFilter(model: "seed-gpt2-xl")) == 2)
  }

  @Test func manyPlansInOneTransaction() throws {
    let p = try plan("seed-gpt2-small", "t4")
    let ids = try store.insertPlans(Array(repeating: p, count: 1_000))
    #expect(Set(ids).count == 1_000)
    #expect(try store.countPlans() == 1_000)
    var seen = 0
    try store.forEachPlan { _ in seen += 1 }
    #expect(seen == 1_000)
  }

  @Test(TestDatabase.fileOnly) func oldPlansReadWithTheSeedDefaultsAfterMigrating() throws {
    let path = folder.file("old.sqlite")
    let all = try DatabaseMigrator.embedded()
    let old = try Store(
      path: path, migrator: DatabaseMigrator(migrations: [all.migrations[0]]), seedPresets: false)
    // A plan as the first schema stored it, column by column.
    try old.database.execute(
      """
      INSERT INTO plans (created_at, model_name, gpu_name, vocab_size, context_length, num_layers,
        d_model, num_heads, num_kv_heads, d_ff, ffn, tied_embeddings, gpu_memory_bytes,
        gpu_fp32_flops, gpu_source, batch_size, batch_size_chosen, global_batch_size,
        gradient_accumulation_steps, steps, tokens, run_length_basis, mfu, num_gpus, precision,
        parameters, parameters_bytes, gradients_bytes, optimizer_state_bytes, activations_bytes,
        activation_bytes_per_sequence, total_bytes, fits, max_batch_size, forward_flops_per_step,
        backward_flops_per_step, optimizer_flops_per_step, total_flops, training_days, gpu_hours)
      VALUES ('2026-01-01T00:00:00.000Z', 'seed-gpt2-xl', 'a100-80gb', 50257, 1024, 48, 1600, 25, 25,
        6400, 'swiglu', 0, 85899345920, 19.5e12, '', 3, 1, 1024, 342, 400000, 419430400000,
        'steps', 0.5, 1, 'fp32', 2126902400, 8507609600, 8507609600, 17015219200, 46553260032,
        15517753344, 80583698432, 1, 3, 4.46e15, 8.92e15, 34030438400, 5.35e21, 6353.9, 152493.6)
      """)
    let store = try Store(path: path)
    let back = try #require(try store.plans().first).plan
    #expect(back.setup.attention == .naive)
    #expect(back.setup.checkpointing == .none)
    #expect(back.setup.zeroStage == 0)
    #expect(back.setup.fp32Gradients == false)
    #expect(back.setup.reserveBytes == 0)
    #expect(back.usableBytes == 85_899_345_920)
    #expect(back.gpusNeeded == 1)
    #expect(back.compute.recomputePerStep == 0)
    #expect(back.memory.totalBytes == 80_583_698_432)
  }
}
