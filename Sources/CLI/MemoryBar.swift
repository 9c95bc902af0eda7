import Planner

/// The memory of a plan as one text bar per pipeline stage against the GPU's capacity:
/// parameters, gradients, optimizer state and activations stacked, then the spare room and
/// the reserve, or the overshoot past the usable memory.
struct MemoryBar {
  let plan: Plan
  let style: TerminalStyle
  var width = 50

  /// Glyph and colour of each part; the glyphs differ so the bar reads without colour.
  static let parts: [(name: String, glyph: Character, sgr: String)] = [
    ("parameters", "█", "34"), ("gradients", "▓", "33"), ("optimizer state", "▒", "35"),
    ("activations", "░", "32"), ("spare", "·", "2"), ("reserve", "r", "90"),
    ("over capacity", "!", "31;1"),
  ]

  func render() -> String {
    let scale =
      Double(width)
      / Double(max(plan.hardware.memoryBytes, plan.stages.map(\.totalBytes).max() ?? 1))
    let pipelined = plan.stages.count > 1
    var out = ""
    for stage in plan.stages {
      let label = pipelined ? "  stage \(stage.stage) " : "  "
      out +=
        label + bar(stage, scale: scale) + "  " + Units.gib(stage.totalBytes) + " of "
        + Units.gib(plan.hardware.memoryBytes) + "\n"
    }
    let legend = Self.parts.map { style.paint(String($0.glyph), $0.sgr) + " " + $0.name }
    return out + "  " + legend.joined(separator: "  ") + "\n"
  }

  /// Cells per part, from cumulative byte counts so the rounding never drifts.
  func bar(_ stage: StageMemory, scale: Double) -> String {
    let usable = plan.usableBytes
    let capacity = plan.hardware.memoryBytes
    let total = stage.totalBytes
    let filled = [
      stage.parametersBytes, stage.gradientsBytes, stage.optimizerStateBytes,
      stage.activationsBytes,
    ]
    var ends: [(Int, Int)] = []  // (part, end byte)
    var sum = 0
    for (k, bytes) in filled.enumerated() {
      sum += bytes
      ends.append((k, min(sum, usable)))
    }
    if total > usable { ends.append((6, total)) } else { ends.append((4, usable)) }
    ends.append((5, max(capacity, usable)))
    var out = ""
    var cell = 0
    var previousEnd = 0
    for (k, end) in ends {
      var upTo = Int((Double(end) * scale).rounded())
      // A part that holds bytes gets a cell, however small: a bar that hides the gradients
      // would misread as none.
      if k < 4 && end > previousEnd { upTo = max(upTo, cell + 1) }
      previousEnd = max(previousEnd, end)
      guard upTo > cell else { continue }
      let part = Self.parts[k]
      out += style.paint(String(repeating: part.glyph, count: upTo - cell), part.sgr)
      cell = upTo
    }
    return out + "|"
  }
}
