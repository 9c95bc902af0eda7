import Planner

/// Memory per GPU of each plan, stacked (parameters, gradients, optimizer state, activations)
/// against the GPU's capacity, its reserve and the spare room or the overshoot; one bar per
/// pipeline stage.
struct MemoryChart {
  let plans: [ReportPlan]

  static let segments: [(cls: String, name: String, bytes: @Sendable (StageMemory) -> Int)] = [
    ("seg-parameters", "parameters", \.parametersBytes),
    ("seg-gradients", "gradients", \.gradientsBytes),
    ("seg-optimizer", "optimizer state", \.optimizerStateBytes),
    ("seg-activations", "activations", \.activationsBytes),
  ]

  let labelWidth = 250.0
  let barWidth = 470.0
  let rowHeight = 22.0
  let top = 64.0

  var rows: [(plan: ReportPlan, stage: StageMemory)] {
    plans.flatMap { p in p.plan.stages.map { (p, $0) } }
  }

  /// The axis reaches the largest capacity or total drawn.
  var maxBytes: Double {
    Double(rows.map { max($0.plan.plan.hardware.memoryBytes, $0.stage.totalBytes) }.max() ?? 1)
      * 1.02
  }

  func render() -> String {
    let rows = self.rows
    var svg = SVG(
      id: "memory-chart", title: "Memory per GPU against the GPU's capacity (GiB)",
      width: labelWidth + barWidth + 180, height: top + Double(rows.count) * rowHeight + 44)
    svg.legend(
      Self.segments.map { ($0.cls, $0.name) }
        + [("seg-reserve", "reserve"), ("seg-spare", "spare"), ("seg-over", "over capacity")],
      x: 0, y: 44)
    for (i, row) in rows.enumerated() {
      bar(&svg, row.plan, row.stage, y: top + Double(i) * rowHeight)
    }
    axis(&svg, y: top + Double(rows.count) * rowHeight)
    return svg.render()
  }

  func x(_ bytes: Int) -> Double { labelWidth + Double(bytes) / maxBytes * barWidth }

  func bar(_ svg: inout SVG, _ p: ReportPlan, _ stage: StageMemory, y: Double) {
    let plan = p.plan
    let pipelined = plan.stages.count > 1
    let name = p.label + (pipelined ? " stage \(stage.stage)" : "")
    let usable = plan.usableBytes
    let capacity = plan.hardware.memoryBytes
    svg.open(
      group: "bar-group",
      [
        ("data-plan", String(p.stored.id)), ("data-stage", String(stage.stage)),
        ("data-total-bytes", String(stage.totalBytes)), ("data-capacity-bytes", String(capacity)),
      ], tooltip: tooltip(name, stage, plan))
    svg.text(HTML.shortened(name, 36), x: 0, y: y + 14, class: "row-label")
    let h = rowHeight - 6
    svg.rect(x: x(0), y: y, width: x(capacity) - x(0), height: h, class: "capacity")
    svg.rect(
      x: x(usable), y: y, width: x(capacity) - x(usable), height: h, class: "seg seg-reserve",
      [("data-bytes", String(capacity - usable))])
    var start = 0
    for segment in Self.segments {
      let bytes = segment.bytes(stage)
      svg.rect(
        x: x(start), y: y, width: x(start + bytes) - x(start), height: h,
        class: "seg " + segment.cls, [("data-bytes", String(bytes))])
      start += bytes
    }
    if stage.totalBytes > usable {
      svg.rect(
        x: x(usable), y: y - 2, width: x(stage.totalBytes) - x(usable), height: h + 4,
        class: "seg seg-over", [("data-bytes", String(stage.totalBytes - usable))])
    }
    svg.text(
      valueLabel(stage, capacity: capacity, usable: usable),
      x: x(max(capacity, stage.totalBytes)) + 6,
      y: y + 13, class: "value-label")
    svg.close()
  }

  /// "41.23 of 80.00 GiB, 32.41 spare" or "93.20 of 80.00 GiB, 17.35 over"
  func valueLabel(_ stage: StageMemory, capacity: Int, usable: Int) -> String {
    let gib = { (b: Int) in NumberFormat.fixed(Double(b) / NumberFormat.gibibyte, 2) }
    let tail =
      stage.totalBytes > usable
      ? "\(gib(stage.totalBytes - usable)) over" : "\(gib(usable - stage.totalBytes)) spare"
    return "\(gib(stage.totalBytes)) of \(gib(capacity)) GiB, \(tail)"
  }

  func tooltip(_ name: String, _ stage: StageMemory, _ plan: Plan) -> String {
    var lines = [name]
    for segment in Self.segments {
      lines.append("\(segment.name): \(NumberFormat.gib(segment.bytes(stage)))")
    }
    lines.append("total: \(NumberFormat.gib(stage.totalBytes))")
    lines.append(
      "GPU memory: \(NumberFormat.gib(plan.hardware.memoryBytes)), usable \(NumberFormat.gib(plan.usableBytes))"
    )
    return lines.joined(separator: "\n")
  }

  func axis(_ svg: inout SVG, y: Double) {
    svg.line(x1: x(0), y1: y, x2: labelWidth + barWidth, y2: y, class: "axis")
    let step = Self.niceStep(maxBytes / NumberFormat.gibibyte / 5)
    var tick = 0.0
    while tick * NumberFormat.gibibyte <= maxBytes {
      let tx = x(Int(tick * NumberFormat.gibibyte))
      svg.line(x1: tx, y1: y, x2: tx, y2: y + 4, class: "axis")
      svg.text(NumberFormat.trimmed(tick), x: tx, y: y + 16, class: "tick", anchor: .middle)
      tick += step
    }
    svg.text(
      "memory per GPU (GiB = 2^30 bytes)", x: labelWidth + barWidth / 2, y: y + 34,
      class: "axis-label", anchor: .middle)
  }

  /// 1, 2 or 5 times a power of ten, at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0 else { return 1 }
    let power = pow(10, floor(log10(raw)))
    for m in [1.0, 2, 5, 10] where m * power >= raw { return m * power }
    return 10 * power
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
