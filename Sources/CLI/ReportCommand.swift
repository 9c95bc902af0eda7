import ArgumentParser
import Planner
import Report
import Storage

/// `trainplan report`: the selected plans (or a fit matrix) as one self-contained HTML page.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "Write the selected plans, or a fit matrix, as one self-contained HTML page of charts.",
    discussion: """
      The selection is any of the filters of `plans` (--model, --gpu, --since, --sweep) or plan \
      ids; without one, every stored plan. With --fit the page shows the fit matrix of --models \
      × --gpus under the setup options, as `fit` does. The page inlines its CSS and SVG and \
      fetches nothing. Output: --output FILE, else standard output when it is piped, else \
      trainplan-report.html in the current folder; a file appears only when complete.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var filter: PlanFilterOptions

  @Argument(help: "Plan ids (see `trainplan plans`). (default: every plan the filters select)")
  var ids: [String] = []
  @Option(
    name: .customLong("output"),
    help: ArgumentHelp("Write the page to this file.", valueName: "file.html"))
  var output: String?

  @Flag(
    name: .customLong("fit"),
    help: "Show the fit matrix of --models × --gpus (as `fit` does) instead of stored plans.")
  var fit = false
  @Option(
    name: .customLong("models"),
    help: ArgumentHelp(
      "With --fit: comma-separated model names. (default: every saved model)",
      valueName: "a,b,..."), completion: NameCompletion.modelLists)
  var models: String?
  @Option(
    name: .customLong("gpus"),
    help: ArgumentHelp(
      "With --fit: comma-separated GPU names. (default: every saved GPU)",
      valueName: "x,y,..."), completion: NameCompletion.gpuLists)
  var gpus: String?
  @Flag(
    name: .customLong("min-gpus"),
    help: "With --fit: show the fewest GPUs at which the micro-batch (default 1) fits.")
  var minGpus = false
  @OptionGroup(title: "Setup (with --fit)") var options: SetupOptions
  @OptionGroup(title: "Setup (with --fit)") var runOptions: RunOptions
  @OptionGroup(title: "Setup (with --fit)") var fineTuning: FineTuningOptions
  @OptionGroup(title: "Setup (with --fit)") var layout: LayoutOptions

  static let defaultFile = "trainplan-report.html"

  func run() throws {
    try checkSelection()
    let planFilter = try self.planFilter()
    let store = try store.open()
    try filter.check(in: store)
    let content = try fit ? fitContent(store) : plansContent(store, planFilter)
    try write(ReportPage.render(content), count: fit ? nil : content.planCount, store: store)
  }

  /// --fit draws a matrix, not stored plans: the plan selection's flags do not go with it.
  func checkSelection() throws {
    if !fit {
      for (flag, given) in [
        ("--models", models != nil), ("--gpus", gpus != nil), ("--min-gpus", minGpus),
      ]
      where given {
        throw CLIError(
          "\(flag) goes with --fit (the fit matrix); select stored plans with --model, --gpu, --since, --sweep or ids"
        )
      }
      // The setup options shape a fit matrix; stored plans already have theirs.
      if try options.setup(runOptions, fineTuning, layout)
        != SetupOptions.parse([]).setup(
          RunOptions.parse([]), FineTuningOptions.parse([]), LayoutOptions.parse([]))
        || runOptions.cluster != nil
      {
        throw CLIError(
          "setup options (--precision, --num-gpus, …) go with --fit; stored plans keep the setup they were made with"
        )
      }
    } else if !ids.isEmpty || filter.model != nil || filter.gpu != nil || filter.since != nil
      || filter.origin != nil
    {
      throw CLIError(
        "--fit draws the matrix of --models × --gpus; plan ids, --model, --gpu and --since select stored plans and do not go with it"
      )
    }
  }

  func planFilter() throws -> PlanFilter {
    var f = try filter.filter()
    if !ids.isEmpty {
      f.ids = try ids.map { text in
        guard let id = Int(text), id > 0 else {
          throw CLIError(
            "plan ids must be whole numbers above 0, as `trainplan plans` lists them (got '\(text)')"
          )
        }
        return id
      }
    }
    return f
  }

  func plansContent(_ store: Store, _ planFilter: PlanFilter) throws -> ReportContent {
    // A sweep, or anything too large to draw plan by plan, is drawn from SQL aggregates; a
    // sweep's overview also counts its plans, sparing a scan of a million rows.
    var overview =
      planFilter.sweep == nil ? nil : try store.planOverview(planFilter)
    let count = try overview?.selectedCount ?? store.countPlans(planFilter)
    if count == 0 {
      throw CLIError(
        "no stored plan matches \(selection); `trainplan plans` lists them (nothing was written)")
    }
    if let wanted = planFilter.ids, count < Set(wanted).count {
      let found = Set(try store.plans(planFilter).map(\.id))
      let missing = wanted.filter { !found.contains($0) }.map(String.init).joined(separator: ", ")
      throw CLIError(
        "no stored plan has id \(missing); `trainplan plans` lists them (nothing was written)")
    }
    if overview == nil && count > ReportContent.chartLimit {
      overview = try store.planOverview(planFilter)
    }
    var newest = planFilter
    newest.limit = ReportContent.tableLimit
    let plans = try store.plans(newest)
    return ReportContent(
      selection: selection, command: command,
      plans: plans.map { ReportPlan(stored: $0) }, planCount: count, overview: overview)
  }

  func fitContent(_ store: Store) throws -> ReportContent {
    let grid = FitGrid(models: models, gpus: gpus, minGpus: minGpus)
    let setup = try grid.setup(try options.setup(runOptions, fineTuning, layout))
    let (modelNames, gpuNames, cells) = try grid.cells(store, sweep: filter.sweep, setup: setup)
    if modelNames.isEmpty || gpuNames.isEmpty {
      throw CLIError(
        "the fit matrix has no \(modelNames.isEmpty ? "models" : "GPUs"): add one with `trainplan \(modelNames.isEmpty ? "model" : "gpu") add` (nothing was written)"
      )
    }
    let matrix = ReportFit(minGpus: minGpus, batchSize: options.batchSize).matrix(
      models: modelNames, gpus: gpuNames, cells: cells)
    return ReportContent(
      selection:
        "fit matrix of \(modelNames.count) model\(modelNames.count == 1 ? "" : "s") × \(gpuNames.count) GPU\(gpuNames.count == 1 ? "" : "s")"
        + (filter.sweep.map { " from sweep \($0)" } ?? ""),
      command: command, plans: [], planCount: 0, fit: matrix)
  }

  /// The selection in words, for the page and for messages.
  var selection: String {
    var parts: [String] = []
    if !ids.isEmpty {
      parts.append("plan\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", "))")
    }
    if let s = filter.sweep { parts.append("sweep \(s)") }
    if let m = filter.model { parts.append("model \(m)") }
    if let g = filter.gpu { parts.append("GPU \(g)") }
    if let d = filter.since { parts.append("since \(d)") }
    return parts.isEmpty ? "every stored plan" : parts.joined(separator: ", ")
  }

  /// The command that made the page, as text on it.
  var command: String {
    var words = ["trainplan", "report"]
    if fit { words.append("--fit") }
    if let m = models { words += ["--models", m] }
    if let g = gpus { words += ["--gpus", g] }
    if minGpus { words.append("--min-gpus") }
    if let s = filter.sweep { words += ["--sweep", String(s)] }
    if let m = filter.model { words += ["--model", m] }
    if let g = filter.gpu { words += ["--gpu", g] }
    if let d = filter.since { words += ["--since", d] }
    return (words + ids).joined(separator: " ")
  }

  /// To --output, else to a piped standard output, else to trainplan-report.html.
  /// The rules of `export --output` hold: never over a device, never over the database.
  func write(_ html: String, count: Int?, store: Store) throws {
    let path = output ?? (Terminal.isStandardOutput ? Self.defaultFile : nil)
    let sink = try FileSink.open(try OutputTarget(path ?? "-", protecting: store.databaseFiles))
    if sink.hasTemporaryFile { Interrupt.install() }
    do {
      try sink.write(html)
      try sink.commit()
    } catch {
      sink.abandon()
      if error is StandardStreams.BrokenPipe || error is ExitCode { throw error }
      throw error as? CLIError ?? CLIError(error)
    }
    if let path, path != "-" {
      let what = count.map { "\(Units.grouped($0)) plan\($0 == 1 ? "" : "s")" } ?? "the fit matrix"
      print("Wrote \(Terminal.shown(path)): \(what), \(Units.grouped(html.utf8.count)) bytes.")
    }
  }
}

/// A fit cell as the heat map shows it: the same text as `fit` prints.
struct ReportFit {
  let minGpus: Bool
  let batchSize: Int?

  func matrix(models: [String], gpus: [String], cells: [FitGrid.Cell]) -> FitMatrix {
    let measure =
      minGpus
      ? "fewest GPUs at which micro-batch \(batchSize ?? 1) fits"
      : batchSize.map { "fits at micro-batch \($0)? and total GiB per GPU" }
        ?? "largest micro-batch that fits"
    return FitMatrix(
      models: models, gpus: gpus, cells: cells.map(cell), measure: measure,
      higherIsBetter: !minGpus)
  }

  func cell(_ c: FitGrid.Cell) -> FitMatrix.Cell {
    switch c.result {
    case .failure(let e):
      return FitMatrix.Cell(text: "n/a", value: nil, status: .notApplicable, detail: e.description)
    case .success(let p):
      let detail =
        "largest micro-batch \(p.maxBatchSize); \(Units.gib(p.memory.totalBytes)) at micro-batch \(p.setup.batchSize); \(Units.days(p.compute.trainingDays))"
      if minGpus {
        return FitMatrix.Cell(
          text: p.gpusNeeded.map(String.init) ?? "none", value: p.gpusNeeded,
          status: p.gpusNeeded == nil ? .doesNotFit : .fits, detail: detail)
      }
      if batchSize != nil {
        let gib = Units.fixed(Double(p.memory.totalBytes) / Units.gibibyte, 1)
        return FitMatrix.Cell(
          text: (p.fits ? "yes " : "no ") + gib, value: p.fits ? p.setup.batchSize : nil,
          status: p.fits ? .fits : .doesNotFit, detail: detail)
      }
      return FitMatrix.Cell(
        text: p.maxBatchSize > 0 ? String(p.maxBatchSize) : "none",
        value: p.maxBatchSize > 0 ? p.maxBatchSize : nil,
        status: p.maxBatchSize > 0 ? .fits : .doesNotFit, detail: detail)
    }
  }
}
