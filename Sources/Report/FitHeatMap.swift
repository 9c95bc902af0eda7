/// The fit matrix as a heat map: one cell per model × GPU, shaded by its value.
struct FitHeatMap {
  let matrix: FitMatrix

  let labelWidth = 220.0
  let cellWidth = 86.0
  let cellHeight = 28.0
  let top = 120.0

  func render() -> String {
    let m = matrix
    var svg = SVG(
      id: "fit-chart", title: "Fit matrix: \(m.measure)",
      width: labelWidth + Double(max(1, m.gpus.count)) * cellWidth + 20,
      height: top + Double(m.models.count) * cellHeight + 56)
    svg.legend(
      [
        ("fit-fits shade-3", "fits"), ("fit-does-not-fit", "does not fit"),
        ("fit-n-a", "no plan (n/a)"),
      ],
      x: 0, y: 44)
    for (j, gpu) in m.gpus.enumerated() {
      let x = labelWidth + (Double(j) + 0.3) * cellWidth
      svg.text(
        HTML.shortened(gpu, 14), x: x, y: top - 8, class: "column-label",
        [("transform", "rotate(-35 \(NumberFormat.px(x)) \(NumberFormat.px(top - 8)))")])
    }
    let values = m.cells.compactMap { $0.status == .fits ? $0.value : nil }
    let (low, high) = (values.min() ?? 0, values.max() ?? 0)
    for (i, model) in m.models.enumerated() {
      let y = top + Double(i) * cellHeight
      svg.text(HTML.shortened(model, 30), x: 0, y: y + 18, class: "row-label")
      for j in m.gpus.indices {
        let cell = m.cells[i * m.gpus.count + j]
        let x = labelWidth + Double(j) * cellWidth
        let shade = cell.status == .fits ? " shade-\(shade(cell.value, low, high))" : ""
        svg.rect(
          x: x + 1, y: y + 1, width: cellWidth - 2, height: cellHeight - 2,
          class: "cell fit-\(cell.status.rawValue)\(shade)",
          [
            ("data-model", model), ("data-gpu", m.gpus[j]),
            ("data-value", cell.value.map(String.init) ?? ""),
          ],
          tooltip: "\(model) on \(m.gpus[j]): \(cell.detail)")
        svg.text(cell.text, x: x + cellWidth / 2, y: y + 18, class: "cell-label", anchor: .middle)
      }
    }
    let bottom = top + Double(m.models.count) * cellHeight
    svg.text(
      "GPU", x: labelWidth + Double(m.gpus.count) * cellWidth / 2, y: 70, class: "axis-label",
      anchor: .middle)
    svg.verticalText("model", x: 10, y: top - 30, class: "axis-label")
    svg.text("cells: \(m.measure)", x: 0, y: bottom + 24, class: "axis-label")
    return svg.render()
  }

  /// 0…3 along log2 of the value within the fitting range; darker is better.
  func shade(_ value: Int?, _ low: Int, _ high: Int) -> Int {
    guard let value, high > low else { return 3 }
    let t = log2(Double(value) / Double(max(1, low))) / log2(Double(high) / Double(max(1, low)))
    let level = Int((t * 3).rounded())
    return matrix.higherIsBetter ? level : 3 - level
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
