import Storage

/// The report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched).
public enum ReportPage {
  public static func render(_ content: ReportContent) -> String {
    var out = head(content)
    let drawn = Array(content.plans.prefix(ReportContent.chartLimit))
    if let fit = content.fit { out += fitSection(fit) }
    if !drawn.isEmpty {
      out += section("Memory", memoryNote(drawn, content), MemoryChart(plans: drawn).render())
      out += section("Time and cost", "", DaysCostChart(plans: drawn).render())
      if drawn.contains(where: { $0.time != nil }) {
        out += section("Where a step's time goes", "", TimeChart(drawn).render())
      }
    }
    if let overview = content.overview, overview.planCount > 0 {
      out += overviewSection(overview)
    }
    if !content.plans.isEmpty { out += plansSection(content) }
    return out + "</main>\n</body>\n</html>\n"
  }

  static func head(_ c: ReportContent) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>trainplan report: \(HTML.escape(c.selection))</title>
    <style>
    \(ReportStyle.css)
    </style>
    </head>
    <body>
    <main>
    <h1>trainplan report</h1>
    <p class="muted">\(HTML.escape(c.selection))\(c.fit == nil ? " · " + NumberFormat.grouped(c.planCount) + (c.planCount == 1 ? " plan" : " plans") : "") · made by <code>\(HTML.escape(c.command))</code></p>

    """
  }

  static func section(_ title: String, _ note: String, _ chart: String) -> String {
    "<section>\n<h2>\(HTML.escape(title))</h2>\n"
      + (note.isEmpty ? "" : "<p class=\"note\">\(HTML.escape(note))</p>\n") + chart
      + "</section>\n"
  }

  static func memoryNote(_ drawn: [ReportPlan], _ c: ReportContent) -> String {
    var note =
      "Per GPU, on each pipeline stage. The grey band is the capacity; its darker end the reserve the plan keeps free."
    if c.planCount > drawn.count {
      note += " The newest \(drawn.count) of \(NumberFormat.grouped(c.planCount)) plans are drawn."
    }
    return note
  }

  static func fitSection(_ fit: FitMatrix) -> String {
    section(
      "Which models fit which GPUs",
      "Rows are models, columns GPUs; a darker green is \(fit.higherIsBetter ? "a larger" : "a smaller") value.",
      FitHeatMap(matrix: fit).render())
  }

  static func overviewSection(_ o: PlanOverview) -> String {
    var how =
      "Aggregated in SQLite, not drawn plan by plan: \(NumberFormat.grouped(o.planCount)) plans fall into a \(o.xBins) × \(o.yBins) grid of log10(parameters) × log10(days) per GPU (one dot per non-empty cell, its size growing with the log of its count; pale dots: no plan in the cell fits). "
    how +=
      "Circled: in each parameter column, the fitting plans with a cost that no other plan of the column beats on both days and cost (the Pareto front; \(NumberFormat.grouped(o.pricedFittingCount)) of \(NumberFormat.grouped(o.fittingCount)) fitting plans have a price)."
    if o.frontCapped { how += " The front is cut at \(PlanOverview.frontLimit) points." }
    return section("The whole selection", how, OverviewChart(overview: o).render())
      + "<h2>Extremes and the Pareto front</h2>\n" + PlanTable.render(overview: o)
  }

  static func plansSection(_ c: ReportContent) -> String {
    let rows = Array(c.plans.prefix(ReportContent.tableLimit))
    var out = "<section>\n<h2>Plans</h2>\n"
    if c.planCount > rows.count {
      out +=
        "<p class=\"note\">The newest \(rows.count) of \(NumberFormat.grouped(c.planCount)) plans; <code>trainplan export</code> with the same selection writes them all.</p>\n"
    }
    return out + PlanTable.render(rows) + "</section>\n"
  }
}
