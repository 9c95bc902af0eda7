import Storage

/// The plans as an HTML table: the figures of the charts, readable in print.
enum PlanTable {
  static let header = [
    "id", "created (UTC)", "model", "GPU", "precision", "GPUs", "layout", "ZeRO", "micro-batch",
    "memory per GPU", "fits", "largest micro-batch", "days", "cost",
  ]

  static func render(_ plans: [ReportPlan]) -> String {
    var out = "<table class=\"plans\" id=\"plans-table\">\n<thead><tr>"
    out += header.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
    for p in plans { out += row(p) }
    return out + "</tbody>\n</table>\n"
  }

  static func row(_ p: ReportPlan) -> String {
    let plan = p.plan
    let s = plan.setup
    let l = s.layout
    let layout =
      l.isTrivial
      ? "DP \(s.dataParallel)"
      : "TP \(l.tensorParallel) PP \(l.pipelineParallel) CP \(l.contextParallel) DP \(s.dataParallel)"
    let cells = [
      String(p.stored.id), p.stored.createdAt, plan.model.name, plan.hardware.name,
      s.precision.rawValue, String(s.numGPUs), layout, String(s.zeroStage), String(s.batchSize),
      NumberFormat.gib(plan.memory.totalBytes), plan.fits ? "yes" : "no", String(plan.maxBatchSize),
      NumberFormat.fixed(plan.compute.trainingDays, 1),
      plan.compute.cost.map(NumberFormat.dollars) ?? "-",
    ]
    return "<tr data-plan=\"\(p.stored.id)\">"
      + cells.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>\n"
  }

  /// The overview's front and extremes, which stand for the plans of a large selection.
  static func render(overview o: PlanOverview) -> String {
    var out = "<table class=\"plans\" id=\"overview-table\">\n<thead><tr>"
    out +=
      ["", "id", "model", "GPU", "parameters", "GPUs", "micro-batch", "days", "cost"]
      .map { "<th>\($0)</th>" }.joined() + "</tr></thead>\n<tbody>\n"
    let rows = o.extremes.map { ($0.label, $0.plan) } + o.front.map { ("Pareto front", $0) }
    for (label, p) in rows {
      let cells = [
        label, String(p.id), p.model, p.gpu, NumberFormat.parameters(Double(p.parameters)),
        String(p.numGPUs), String(p.batchSize), NumberFormat.fixed(p.days, 1),
        p.cost.map(NumberFormat.dollars) ?? "-",
      ]
      out +=
        "<tr data-plan=\"\(p.id)\">" + cells.map { "<td>\(HTML.escape($0))</td>" }.joined()
        + "</tr>\n"
    }
    return out + "</tbody>\n</table>\n"
  }
}
