import Planner

/// The table `search` prints: the best layouts first, then why the others were rejected.
struct SearchReport {
  let result: LayoutSearch.Result
  let cluster: String
  let sweepID: Int?

  func render() -> String {
    var out =
      "Searched \(Units.grouped(result.candidates)) candidate layouts on \(Terminal.shown(cluster))"
    guard let best = result.plans.first else {
      out += ": none fits or is legal (" + rejections() + ").\n"
      return out
    }
    out += "; the \(result.plans.count) fastest that fit:\n"
    var table = Table(
      [
        "#", "T", "P", "V", "C", "E", "D", "SP", "b", "m", "recompute", "ZeRO", "peak GiB",
        "spare GiB",
        "step s", "bubble %", "MFU %", "days",
      ],
      rightAligned: Set([0, 1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 13, 14, 15, 16, 17]))
    for (i, p) in result.plans.enumerated() {
      let s = p.setup
      let l = s.layout
      let t = p.time
      table.append([
        String(i + 1), String(l.tensorParallel), String(l.pipelineParallel),
        String(l.virtualStages),
        String(l.contextParallel), String(l.expertParallel), String(s.dataParallel),
        l.sequenceParallel ? "on" : "off",
        String(s.batchSize), String(s.microBatches), s.recompute.rawValue, String(s.zeroStage),
        Units.fixed(Double(p.memory.totalBytes) / Units.gibibyte, 2),
        Units.fixed(Double(p.usableBytes - p.memory.totalBytes) / Units.gibibyte, 2),
        Units.fixed(t.stepSeconds, 3), Units.fixed(t.bubbleSeconds / t.stepSeconds * 100, 1),
        Units.fixed(t.mfu * 100, 1), Units.fixed(p.compute.trainingDays, 1),
      ])
    }
    out += table.render()
    let t = best.time
    out +=
      "Best: \(Units.seconds(t.stepSeconds)) a step — compute \(Units.seconds(t.computeSeconds)), bubble \(Units.seconds(t.bubbleSeconds)), TP \(Units.seconds(t.tensorParallelCommSeconds)), PP \(Units.seconds(t.pipelineCommSeconds)), DP \(Units.seconds(t.dataParallelCommSeconds)), CP \(Units.seconds(t.contextParallelCommSeconds)),\(t.expertParallelCommSeconds > 0 ? " EP all-to-all \(Units.seconds(t.expertParallelCommSeconds))," : "") optimizer \(Units.seconds(t.optimizerSeconds)).\n"
    if !result.rejected.isEmpty { out += "Rejected: " + rejections() + ".\n" }
    if let sweepID { out += "Saved as sweep \(sweepID) (`trainplan plans --sweep \(sweepID)`).\n" }
    return out
  }

  func rejections() -> String {
    guard !result.rejected.isEmpty else { return "no candidate" }
    return result.rejected.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
      .map { "\(Units.grouped($0.value)) \($0.key)" }.joined(separator: ", ")
  }
}
