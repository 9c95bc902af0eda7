import Storage

/// Parameters against days, log–log, coloured by GPU: the binned density of a whole
/// selection, with each parameter bin's cost–time Pareto front drawn over it.
struct OverviewChart {
  let overview: PlanOverview

  let left = 80.0
  let plotWidth = 720.0
  let plotHeight = 400.0
  let top = 70.0

  var gpus: [String] {
    var seen: [String] = []
    for bin in overview.density where !seen.contains(bin.gpu) { seen.append(bin.gpu) }
    return seen
  }

  func render() -> String {
    let o = overview
    var svg = SVG(
      id: "sweep-chart",
      title: "Parameters vs training days (log–log), by GPU, with the cost–time Pareto front",
      width: left + plotWidth + 40, height: top + plotHeight + 60)
    let gpus = self.gpus
    svg.legend(
      gpus.enumerated().map { ("gpu-\($0.offset % 10)", $0.element) } + [
        ("front-swatch", "Pareto front")
      ],
      x: 0, y: 44)
    svg.rect(x: left, y: top, width: plotWidth, height: plotHeight, class: "plot-area")
    axes(&svg)
    let cellW = plotWidth / Double(o.xBins)
    let cellH = plotHeight / Double(o.yBins)
    let most = Double(o.density.map(\.count).max() ?? 1)
    for bin in o.density {
      let k = gpus.firstIndex(of: bin.gpu) ?? 0
      // Area grows with log(count): one plan stays visible next to ten thousand.
      let r = 2.5 + 4.5 * log(1 + Double(bin.count)) / log(1 + most)
      let filled = bin.fitting > 0 ? "" : " none-fit"
      svg.circle(
        x: left + (Double(bin.x) + 0.5) * cellW,
        y: top + plotHeight - (Double(bin.y) + 0.5) * cellH,
        r: r, class: "point gpu-\(k % 10)\(filled)",
        [("data-count", String(bin.count)), ("data-fitting", String(bin.fitting))],
        tooltip:
          "\(bin.gpu): \(NumberFormat.grouped(bin.count)) plans, \(NumberFormat.grouped(bin.fitting)) fit"
      )
    }
    for p in o.front {
      svg.circle(
        x: xPos(Double(p.parameters)), y: yPos(p.days), r: 4, class: "front-point",
        [("data-plan", String(p.id))],
        tooltip:
          "#\(p.id) \(p.model) on \(p.numGPUs) × \(p.gpu): \(NumberFormat.days(p.days)), \(p.cost.map(NumberFormat.dollars) ?? "-")"
      )
    }
    return svg.render()
  }

  func xPos(_ parameters: Double) -> Double {
    left + Self.share(log10(parameters), overview.logParameters) * plotWidth
  }

  func yPos(_ days: Double) -> Double {
    top + plotHeight - Self.share(log10(days), overview.logDays) * plotHeight
  }

  static func share(_ v: Double, _ range: ClosedRange<Double>) -> Double {
    let span = range.upperBound - range.lowerBound
    return span > 0 ? (v - range.lowerBound) / span : 0.5
  }

  func axes(_ svg: inout SVG) {
    let o = overview
    let bottom = top + plotHeight
    for decade in Self.decades(o.logParameters) {
      let x = left + Self.share(decade, o.logParameters) * plotWidth
      svg.line(x1: x, y1: top, x2: x, y2: bottom, class: "grid")
      svg.text(
        NumberFormat.parameters(pow(10, decade)), x: x, y: bottom + 16, class: "tick",
        anchor: .middle)
    }
    for decade in Self.decades(o.logDays) {
      let y = bottom - Self.share(decade, o.logDays) * plotHeight
      svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, class: "grid")
      svg.text(decadeLabel(decade), x: left - 6, y: y + 4, class: "tick", anchor: .end)
    }
    svg.text(
      "parameters (log scale)", x: left + plotWidth / 2, y: bottom + 38, class: "axis-label",
      anchor: .middle)
    svg.verticalText(
      "training days (log scale)", x: 20, y: top + plotHeight / 2, class: "axis-label")
  }

  /// 0.01, 1, 100, 1e5: days from minutes to millennia.
  func decadeLabel(_ decade: Double) -> String {
    decade >= -2 && decade <= 4 ? NumberFormat.trimmed(pow(10, decade)) : "1e\(Int(decade))"
  }

  /// The powers of ten inside `range` (log10 values), at least the ends when none is.
  static func decades(_ range: ClosedRange<Double>) -> [Double] {
    let inside = stride(from: ceil(range.lowerBound), through: floor(range.upperBound), by: 1).map {
      $0
    }
    return inside.isEmpty ? [range.lowerBound] : inside
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
