/// Where a step's time goes, for the plans whose time was predicted: compute, the pipeline
/// bubble, each dimension's exposed communication and the optimizer, stacked.
struct TimeChart {
  /// Only plans with a time breakdown.
  let plans: [(plan: ReportPlan, time: TimeBreakdown)]

  let labelWidth = 250.0
  let barWidth = 470.0
  let rowHeight = 22.0
  let top = 64.0

  init(_ plans: [ReportPlan]) {
    self.plans = plans.compactMap { p in p.time.map { (p, $0) } }
  }

  /// Segment names in drawing order; communication dimensions as the plans list them.
  var segmentNames: [String] {
    var names = ["compute", "pipeline bubble"]
    for (_, t) in plans {
      for c in t.communication where !names.contains("\(c.dimension) communication") {
        names.append("\(c.dimension) communication")
      }
    }
    return names + ["optimizer"]
  }

  static func parts(_ t: TimeBreakdown) -> [(String, Double)] {
    [("compute", t.computeSeconds), ("pipeline bubble", t.bubbleSeconds)]
      + t.communication.map { ("\($0.dimension) communication", $0.seconds) }
      + [("optimizer", t.optimizerSeconds)]
  }

  func render() -> String {
    let names = segmentNames
    let cls = { (name: String) in "time-\(names.firstIndex(of: name) ?? 0)" }
    var svg = SVG(
      id: "time-chart", title: "Time per training step by cause (seconds)",
      width: labelWidth + barWidth + 140, height: top + Double(plans.count) * rowHeight + 44)
    svg.legend(names.map { (cls($0), $0) }, x: 0, y: 44)
    let maxSeconds = plans.map(\.time.totalSeconds).max() ?? 1
    for (i, (p, t)) in plans.enumerated() {
      let y = top + Double(i) * rowHeight
      svg.open(
        group: "bar-group",
        [("data-plan", String(p.stored.id)), ("data-total-seconds", String(t.totalSeconds))])
      svg.text(HTML.shortened(p.label, 36), x: 0, y: y + 14, class: "row-label")
      var start = 0.0
      for (name, seconds) in Self.parts(t) {
        let w = DaysCostChart.share(seconds, maxSeconds) * barWidth
        svg.rect(
          x: labelWidth + start, y: y, width: w, height: rowHeight - 6, class: "seg " + cls(name),
          [("data-seconds", String(seconds))],
          tooltip: "\(name): \(NumberFormat.trimmed(seconds)) s")
        start += w
      }
      svg.text(
        NumberFormat.fixed(t.totalSeconds, 3) + " s", x: labelWidth + start + 6, y: y + 13,
        class: "value-label")
      svg.close()
    }
    let bottom = top + Double(plans.count) * rowHeight
    svg.line(x1: labelWidth, y1: bottom, x2: labelWidth + barWidth, y2: bottom, class: "axis")
    svg.text(
      "seconds per step (linear)", x: labelWidth + barWidth / 2, y: bottom + 20,
      class: "axis-label", anchor: .middle)
    return svg.render()
  }
}
