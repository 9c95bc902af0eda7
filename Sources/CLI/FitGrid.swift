import Planner
import Storage

/// The cells of a fit matrix, shared by `fit` and `report --fit`: every requested model on
/// every requested GPU, planned now or read from a sweep's stored plans.
struct FitGrid {
  /// Comma-separated names, or nil for every saved one.
  let models: String?
  let gpus: String?
  let minGpus: Bool

  /// The setup the cells are planned with, checked: an option no cell can take (--mfu nan,
  /// --zero 9) is an error, not a table of n/a.
  func setup(_ setup: TrainingSetup) throws -> TrainingSetup {
    var setup = setup
    if minGpus && setup.microBatchSize == nil { setup.microBatchSize = 1 }
    try setup.validate()
    return setup
  }

  func cells(_ store: Store, sweep: Int?, setup: TrainingSetup) throws -> (
    [String], [String], [Cell]
  ) {
    try sweep.map { try fromSweep(store, id: $0, setup: setup) } ?? computed(store, setup: setup)
  }

  /// One cell: a plan, or why there is none (e.g. the GPU lacks the precision).
  struct Cell {
    let model: String
    let gpu: String
    let result: Result<Plan, CLIError>
  }

  /// The GPUs of the cells: the cluster's alone with --cluster (a --gpus list beside it is
  /// refused), else the named or every saved one.
  func gpuProfiles(_ store: Store, cluster: ClusterProfile?) throws -> [HardwareProfile] {
    guard let cluster else {
      return try pick(
        gpus, flag: "--gpus", all: { try store.gpus().map(\.profile) },
        named: {
          try store.gpu(named: $0).profile
        })
    }
    if gpus != nil {
      throw CLIError(
        "--gpus and --cluster both choose the GPU; the cluster's is \(cluster.gpu.name)")
    }
    return [cluster.gpu]
  }

  /// Every requested model on every requested GPU, planned now.
  func computed(_ store: Store, setup: TrainingSetup) throws -> ([String], [String], [Cell]) {
    let (modelList, gpuList) = (
      try pick(
        models, flag: "--models", all: { try store.models().map(\.config) },
        named: {
          try store.model(named: $0).config
        }),
      try gpuProfiles(store, cluster: setup.cluster)
    )
    try Planner.checkCapacityFactor(setup.capacityFactor, models: modelList)
    var cells: [Cell] = []
    cells.reserveCapacity(modelList.count * gpuList.count)
    for m in modelList {
      // What the method counts depends on the model and the setup, not the GPU: once a row.
      // Where it cannot be counted, each cell plans without it and says why itself.
      let accounting = try? Planner.accounting(m, setup)
      for g in gpuList {
        cells.append(
          Cell(
            model: m.name, gpu: g.name,
            result: Result { try plan(m, g, setup, accounting: accounting) }
              .mapError { $0 as? CLIError ?? CLIError($0) }))
      }
    }
    return (modelList.map(\.name), gpuList.map(\.name), cells)
  }

  /// A cell's plan. Under --min-gpus it is made at the GPU count the cell reports, so its
  /// time is that of the run the cell describes, not of one GPU.
  func plan(
    _ model: ModelConfig, _ gpu: HardwareProfile, _ setup: TrainingSetup,
    accounting: Accounting? = nil
  ) throws -> Plan {
    var setup = setup
    if minGpus {
      // Start at a legal count: expert parallelism needs E to divide D·C.
      let l = setup.layout
      let (step, overflow) = l.modelParallelGPUs.multipliedReportingOverflow(
        by: l.dataParallelStep)
      if !overflow && step > 0 && setup.numGPUs % step != 0 {
        setup.numGPUs += step - setup.numGPUs % step
      }
    }
    let plan = try Planner.plan(model: model, hardware: gpu, setup: setup, accounting: accounting)
    guard minGpus, let needed = plan.gpusNeeded, needed != setup.numGPUs else { return plan }
    var atNeeded = setup
    atNeeded.numGPUs = needed
    return try Planner.plan(model: model, hardware: gpu, setup: atNeeded, accounting: accounting)
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
}
