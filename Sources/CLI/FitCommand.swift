import ArgumentParser
import Planner
import Storage

/// `trainplan fit`: which configs fit which hardware.
struct FitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Show which saved models fit which saved GPUs (models as rows, GPUs as columns).",
    discussion: """
      Each cell is the largest micro-batch that fits ("none" where even 1 does not); with \
      --batch-size, whether that micro-batch fits and its total memory in GiB; with --min-gpus, \
      the fewest GPUs at which it fits under --zero. Nothing is saved.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var options: SetupOptions

  @Option(
    help: ArgumentHelp(
      "Comma-separated model names. (default: every saved model)", valueName: "a,b,..."))
  var models: String?
  @Option(
    help: ArgumentHelp(
      "Comma-separated GPU names. (default: every saved GPU)", valueName: "x,y,..."))
  var gpus: String?
  @Flag(help: "Show the fewest GPUs at which the micro-batch (default 1) fits under --zero.")
  var minGpus = false
  @Option(
    help:
      "Answer from this sweep's stored plans made with the same options (precision, attention, checkpointing, GPUs, ZeRO, micro-batch if given, MFU, run length, reserve, method), without computing (see `trainplan sweeps`).",
    transform: Count.parse)
  var sweep: Int?

  /// One cell: a plan, or why there is none (e.g. the GPU lacks the precision).
  struct Cell {
    let model: String
    let gpu: String
    let result: Result<Plan, CLIError>
  }

  func run() throws {
    var setup = try options.setup()
    if minGpus && setup.microBatchSize == nil { setup.microBatchSize = 1 }
    // An option no cell can take (--mfu nan, --zero 9) is an error, not a table of n/a.
    try reporting { try setup.validate() }
    let store = try store.open()
    setup.cluster = try options.run.cluster(in: store)
    let (modelNames, gpuNames, cells) =
      try sweep.map { try fromSweep(store, id: $0, setup: setup) } ?? computed(store, setup: setup)
    if output.json {
      print(JSONValue.array(cells.map(json)).text(pretty: true))
    } else {
      print(table(cells, models: modelNames, gpus: gpuNames), terminator: "")
    }
  }

  /// Every requested model on every requested GPU, planned now.
  func computed(_ store: Store, setup: TrainingSetup) throws -> ([String], [String], [Cell]) {
    let (modelList, gpuList) = try reporting {
      (
        try pick(models, flag: "--models", all: { try store.models().map(\.config) }) {
          try store.model(named: $0).config
        },
        try options.run.gpus(setup.cluster, listed: gpus, flag: "--gpus") {
          try pick(gpus, flag: "--gpus", all: { try store.gpus().map(\.profile) }) {
            try store.gpu(named: $0).profile
          }
        }
      )
    }
    let cells = modelList.flatMap { m in
      gpuList.map { g in
        Cell(
          model: m.name, gpu: g.name,
          result: Result { try reporting { try plan(m, g, setup) } }
            .mapError { $0 as? CLIError ?? CLIError($0) })
      }
    }
    return (modelList.map(\.name), gpuList.map(\.name), cells)
  }

  /// A cell's plan. Under --min-gpus it is made at the GPU count the cell reports, so its
  /// time is that of the run the cell describes, not of one GPU.
  func plan(_ model: ModelConfig, _ gpu: HardwareProfile, _ setup: TrainingSetup) throws -> Plan {
    let plan = try Planner.plan(model: model, hardware: gpu, setup: setup)
    guard minGpus, let needed = plan.gpusNeeded, needed != setup.numGPUs else { return plan }
    var atNeeded = setup
    atNeeded.numGPUs = needed
    return try Planner.plan(model: model, hardware: gpu, setup: atNeeded)
  }

  /// The newest stored plan of each (model, GPU) in a sweep made with the same options.
  func fromSweep(_ store: Store, id: Int, setup: TrainingSetup) throws -> (
    [String], [String], [Cell]
  ) {
    let wantedModels = try models.map { Set(try ListArgument.items($0, flag: "--models")) }
    let wantedGPUs = try gpus.map { Set(try ListArgument.items($0, flag: "--gpus")) }
    var found: [String: Plan] = [:]
    var (modelOrder, gpuOrder): ([String], [String]) = ([], [])
    var (seenModels, seenGPUs): (Set<String>, Set<String>) = ([], [])
    try reporting {
      _ = try store.sweep(id: id)
      var filter = PlanFilter(sweep: id)
      filter.setup = SetupMatch(setup)
      try store.forEachPlan(filter) { stored in
        let (m, g) = (stored.plan.model.name, stored.plan.hardware.name)
        guard wantedModels?.contains(m) ?? true, wantedGPUs?.contains(g) ?? true,
          found["\(m)\u{0}\(g)"] == nil
        else { return }
        found["\(m)\u{0}\(g)"] = stored.plan
        if seenModels.insert(m).inserted { modelOrder.append(m) }
        if seenGPUs.insert(g).inserted { gpuOrder.append(g) }
      }
    }
    if found.isEmpty {
      throw CLIError(
        "sweep \(id) has no plans made with these options (--precision, --attention, --checkpointing, --num-gpus, --zero, --batch-size, --mfu, run length, --reserve, --method); `trainplan sweeps` shows what it was made with"
      )
    }
    // Rows come newest first; the sweep made them in the reverse order.
    let (ms, gs) = (Array(modelOrder.reversed()), Array(gpuOrder.reversed()))
    let cells = ms.flatMap { m in
      gs.map { g in
        Cell(
          model: m, gpu: g,
          result: found["\(m)\u{0}\(g)"].map { .success($0) }
            ?? .failure(CLIError("sweep \(id) has no plan of \(m) on \(g) with these options")))
      }
    }
    return (ms, gs, cells)
  }

  /// The named records, in the order given, or all of them.
  func pick<T>(
    _ list: String?, flag: String, all: () throws -> [T], named: (String) throws -> T
  ) throws -> [T] {
    guard let list else { return try all() }
    return try ListArgument.items(list, flag: flag).map(named)
  }

  func json(_ cell: Cell) -> JSONValue {
    // model_name and gpu_name as in every plan's JSON; model and gpu are their deprecated
    // spellings, kept for one release (schemas/fit.schema.json says so).
    var members: [(String, JSONValue)] = [
      ("model_name", .string(cell.model)), ("gpu_name", .string(cell.gpu)),
      ("model", .string(cell.model)), ("gpu", .string(cell.gpu)),
    ]
    switch cell.result {
    case .success(let p):
      members += [
        ("batch_size", .int(p.setup.batchSize)), ("max_batch_size", .int(p.maxBatchSize)),
        ("fits", .bool(p.fits)), ("total_bytes", .int(p.memory.totalBytes)),
        ("usable_bytes", .int(p.usableBytes)), ("gpus_needed", JSONValue(p.gpusNeeded)),
        ("training_days", .double(p.compute.trainingDays)),
      ]
    case .failure(let e):
      // The same keys as a planned cell, so every element of the array has one shape.
      members += [
        ("batch_size", .null), ("max_batch_size", .null), ("fits", .bool(false)),
        ("total_bytes", .null), ("usable_bytes", .null), ("gpus_needed", .null),
        ("training_days", .null), ("error", .string(e.description)),
      ]
    }
    return .object(members)
  }

  func table(_ cells: [Cell], models: [String], gpus: [String]) -> String {
    var table = Table(["model"] + gpus, rightAligned: Set(1...max(1, gpus.count)))
    for (i, model) in models.enumerated() {
      table.append([model] + cells[(i * gpus.count)..<((i + 1) * gpus.count)].map(cellText))
    }
    var out = table.render()
    if Terminal.isStandardOutput { out += legend() + "\n" }
    return out
  }

  func cellText(_ cell: Cell) -> String {
    guard case .success(let p) = cell.result else { return "n/a" }
    if minGpus { return p.gpusNeeded.map(String.init) ?? "none" }
    if options.batchSize != nil {
      return (p.fits ? "yes " : "no ")
        + Units.fixed(Double(p.memory.totalBytes) / Units.gibibyte, 1)
    }
    return p.maxBatchSize > 0 ? String(p.maxBatchSize) : "none"
  }

  func legend() -> String {
    let b = options.batchSize ?? 1
    if minGpus {
      return
        "(fewest GPUs at which micro-batch \(b) fits with ZeRO \(options.zero); n/a: no plan, e.g. the GPU lacks the precision)"
    }
    if let b = options.batchSize {
      return
        "(fits at micro-batch \(b)? and total GiB per GPU; n/a: no plan, e.g. the GPU lacks the precision)"
    }
    return
      "(largest micro-batch that fits; none: not even 1; n/a: no plan, e.g. the GPU lacks the precision)"
  }
}
