import ArgumentParser
import Planner
import Storage

/// `trainplan plans`: the history, newest first.
struct PlansCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plans", abstract: "List saved plans, newest first.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var filter: PlanFilterOptions

  @Option(name: .customLong("limit"), help: "Show at most this many plans; 0 shows all.")
  var limit: Int = 50

  func validate() throws {
    if limit < 0 { throw CLIError("--limit must not be negative (got \(limit))") }
  }

  func run() throws {
    var planFilter = try filter.filter()
    planFilter.limit = limit == 0 ? nil : limit
    let store = try store.open()
    try filter.check(in: store)
    let plans = try store.plans(planFilter)
    if output.json {
      print(JSONValue.array(plans.map(RecordJSON.plan)).text(pretty: true))
      return
    }
    var table = Table(
      [
        "id", "created_at", "model", "gpu", "precision", "attention", "ckpt", "gpus", "zero",
        "batch", "global", "memory", "fits", "max_batch", "days",
      ],
      rightAligned: [0, 7, 8, 9, 10, 11, 13, 14])
    for s in plans {
      let p = s.plan
      table.append([
        String(s.id), s.createdAt, p.model.name, p.hardware.name, p.setup.precision.rawValue,
        p.setup.attention.rawValue, p.setup.checkpointing.rawValue, String(p.setup.numGPUs),
        String(p.setup.zeroStage), String(p.setup.batchSize),
        Units.grouped(p.setup.globalBatchSize),
        Units.gib(p.memory.totalBytes), p.fits ? "yes" : "no", String(p.maxBatchSize),
        Units.fixed(p.compute.trainingDays, 1),
      ])
    }
    print(table.render(), terminator: "")
    if Terminal.isStandardOutput {
      let total = try store.countPlans(planFilter)
      if total > plans.count { print("(\(plans.count) of \(total) plans; --limit 0 shows all)") }
    }
  }
}

/// `--model`, `--gpu`, `--since`, `--sweep` and `--origin`, shared by `plans`, `export` and
/// `report`.
struct PlanFilterOptions: ParsableArguments {
  @Option(
    name: .customLong("model"), help: "Only plans of this model name.",
    completion: NameCompletion.models)
  var model: String?
  @Option(
    name: .customLong("gpu"), help: "Only plans on this GPU name.", completion: NameCompletion.gpus)
  var gpu: String?
  @Option(
    name: .customLong("since"),
    help: ArgumentHelp(
      "Only plans made at or after this UTC date or time: 2026-11-29 or 2026-11-29T14:00.",
      valueName: "date"))
  var since: String?

  @Option(
    name: .customLong("sweep"), help: "Only plans of this sweep (see `trainplan sweeps`).",
    transform: Count.parse)
  var sweep: Int?

  @Option(
    name: .customLong("origin"),
    help: ArgumentHelp(
      "Only plans made at this origin, exactly as plans' JSON names it.", valueName: "user@host"))
  var origin: String?

  func filter() throws -> PlanFilter {
    var since: String?
    if let text = self.since {
      guard let bound = Timestamp.lowerBound(from: text) else {
        throw CLIError(
          "--since must be a UTC date like 2026-11-29 or 2026-11-29T14:00 (got '\(text)')")
      }
      since = bound
    }
    var filter = PlanFilter(model: model, gpu: gpu, since: since, sweep: sweep)
    filter.origin = origin
    return filter
  }

  /// Refuses a sweep id the database does not have, rather than listing nothing.
  func check(in store: Store) throws {
    if let sweep { _ = try store.sweep(id: sweep) }
  }
}
