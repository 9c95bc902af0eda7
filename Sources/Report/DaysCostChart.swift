/// Training days and dollars of each plan, two bar panels side by side with one row per plan.
struct DaysCostChart {
  let plans: [ReportPlan]

  let labelWidth = 250.0
  let panelWidth = 260.0
  let gap = 110.0
  let rowHeight = 22.0
  let top = 48.0

  func render() -> String {
    var svg = SVG(
      id: "days-cost-chart", title: "Training days and cost per plan",
      width: labelWidth + 2 * panelWidth + 2 * gap,
      height: top + Double(plans.count) * rowHeight + 44)
    let maxDays = plans.map(\.plan.compute.trainingDays).max() ?? 1
    let maxCost = plans.compactMap(\.plan.compute.cost).max() ?? 1
    let costLeft = labelWidth + panelWidth + gap
    for (i, p) in plans.enumerated() {
      let y = top + Double(i) * rowHeight
      let c = p.plan.compute
      svg.open(group: "plan-row", [("data-plan", String(p.stored.id))])
      svg.text(HTML.shortened(p.label, 36), x: 0, y: y + 14, class: "row-label")
      let daysWidth = Self.share(c.trainingDays, maxDays) * panelWidth
      svg.rect(
        x: labelWidth, y: y, width: daysWidth, height: rowHeight - 6, class: "bar days",
        [("data-days", String(c.trainingDays))],
        tooltip: "\(p.label): \(NumberFormat.days(c.trainingDays))")
      svg.text(
        NumberFormat.days(c.trainingDays), x: labelWidth + daysWidth + 6, y: y + 13,
        class: "value-label days-label")
      if let cost = c.cost {
        let costWidth = Self.share(cost, maxCost) * panelWidth
        svg.rect(
          x: costLeft, y: y, width: costWidth, height: rowHeight - 6, class: "bar cost",
          [("data-cost", String(cost))], tooltip: "\(p.label): \(NumberFormat.dollars(cost))")
        svg.text(
          NumberFormat.dollars(cost), x: costLeft + costWidth + 6, y: y + 13,
          class: "value-label cost-label")
      } else {
        svg.text("no price saved for this GPU", x: costLeft, y: y + 13, class: "value-label muted")
      }
      svg.close()
    }
    let bottom = top + Double(plans.count) * rowHeight
    svg.line(x1: labelWidth, y1: bottom, x2: labelWidth + panelWidth, y2: bottom, class: "axis")
    svg.line(x1: costLeft, y1: bottom, x2: costLeft + panelWidth, y2: bottom, class: "axis")
    svg.text(
      "training time (days, linear)", x: labelWidth + panelWidth / 2, y: bottom + 20,
      class: "axis-label", anchor: .middle)
    svg.text(
      "cost (US dollars at the GPU's saved price, linear)", x: costLeft + panelWidth / 2,
      y: bottom + 20, class: "axis-label", anchor: .middle)
    svg.text("days", x: labelWidth, y: top - 8, class: "panel-title")
    svg.text("cost", x: costLeft, y: top - 8, class: "panel-title")
    return svg.render()
  }

  static func share(_ value: Double, _ max: Double) -> Double {
    max > 0 && value.isFinite ? Swift.max(0, value / max) : 0
  }
}
