import Planner

/// A plan's pipeline stages in one text column, and its uneven split in another.
///
/// Stages are "layers in_flight parameters gradients optimizer activations total", separated by
/// ';'. A token "*N" stands for N more stages, each the one before plus the difference between
/// the two before it, field by field: a pipeline's middle stages are alike (difference 0) or
/// hold one micro-batch less each (1F1B), so a 64-stage plan is stored in a few entries and a
/// sweep's bytes and time per plan stay flat in P. Text written before runs existed has no
/// "*" and reads the same. A single stage is stored as NULL: its figures are the plan's own.
enum StageColumns {
  /// The stored fields of a stage, in column order.
  static let width = 7

  static func encode(_ stages: [StageMemory]) -> String? {
    guard stages.count > 1 else { return nil }
    let capacity = stages.count * width * (DecimalText.maximumWidth + 1)
    return String(unsafeUninitializedCapacity: capacity) { text in
      var (i, k) = (0, 0)
      func put(_ byte: Unicode.Scalar) {
        text[i] = UInt8(ascii: byte)
        i += 1
      }
      while k < stages.count {
        if k > 0 { put(";") }
        let run = k >= 2 ? progression(stages, from: k) : 0
        if run > 0 {
          put("*")
          DecimalText.write(run, into: text, at: &i)
          k += run
          continue
        }
        let s = stages[k]
        for (f, n) in [
          s.layers, s.microBatchesInFlight, s.parametersBytes, s.gradientsBytes,
          s.optimizerStateBytes, s.activationsBytes, s.totalBytes,
        ].enumerated() {
          if f > 0 { put(" ") }
          DecimalText.write(n, into: text, at: &i)
        }
        k += 1
      }
      return i
    }
  }

  static func decode(_ text: String?) throws -> [StageMemory]? {
    guard let text else { return nil }
    var rows: [Int] = []
    for entry in text.split(separator: ";", omittingEmptySubsequences: false) {
      if entry.first == "*" {
        try extend(&rows, by: entry.dropFirst(), text)
        continue
      }
      let n = entry.split(separator: " ").map { Int($0) }
      guard n.count == width, !n.contains(nil) else {
        throw StoreError.corrupt("plans.stages '\(entry.prefix(200))'")
      }
      rows.append(contentsOf: n.map { $0 ?? 0 })
    }
    return (0..<rows.count / width).map { k in
      let n = rows[(k * width)..<((k + 1) * width)].map { $0 }
      return StageMemory(
        stage: k, layers: n[0], microBatchesInFlight: n[1], parametersBytes: n[2],
        gradientsBytes: n[3], optimizerStateBytes: n[4], activationsBytes: n[5], totalBytes: n[6])
    }
  }

  /// How many stages from k on (k ≥ 2) continue the difference between stages k − 1 and k − 2.
  static func progression(_ stages: [StageMemory], from k: Int) -> Int {
    var run = 0
    while k + run < stages.count {
      let (a, b, c) = (stages[k + run - 2], stages[k + run - 1], stages[k + run])
      guard
        steady(a.layers, b.layers, c.layers)
          && steady(a.microBatchesInFlight, b.microBatchesInFlight, c.microBatchesInFlight)
          && steady(a.parametersBytes, b.parametersBytes, c.parametersBytes)
          && steady(a.gradientsBytes, b.gradientsBytes, c.gradientsBytes)
          && steady(a.optimizerStateBytes, b.optimizerStateBytes, c.optimizerStateBytes)
          && steady(a.activationsBytes, b.activationsBytes, c.activationsBytes)
          && steady(a.totalBytes, b.totalBytes, c.totalBytes)
      else { return run }
      run += 1
    }
    return run
  }

  /// Whether c − b = b − a, both without overflow (the reader computes them the same way).
  static func steady(_ a: Int, _ b: Int, _ c: Int) -> Bool {
    let (first, o1) = b.subtractingReportingOverflow(a)
    let (second, o2) = c.subtractingReportingOverflow(b)
    return !o1 && !o2 && first == second
  }

  /// Appends the stages "*N" stands for; refuses a run with fewer than two stages before it, a
  /// count no pipeline has, or a value that leaves the integers.
  static func extend(_ rows: inout [Int], by count: Substring, _ text: String) throws {
    let corrupt = StoreError.corrupt("plans.stages '\(text.prefix(200))'")
    guard rows.count >= 2 * width, let n = Int(count), n > 0, rows.count / width + n <= 1 << 20
    else { throw corrupt }
    for _ in 0..<n {
      let c = rows.count
      for i in (c - width)..<c {
        let (step, o1) = rows[i].subtractingReportingOverflow(rows[i - width])
        let (next, o2) = rows[i].addingReportingOverflow(step)
        guard !o1, !o2 else { throw corrupt }
        rows.append(next)
      }
    }
  }

  static func layers(_ layers: [Int]?) -> String? {
    layers.map { $0.map(String.init).joined(separator: ",") }
  }

  static func layers(_ text: String?) throws -> [Int]? {
    try text.map { text in
      try text.split(separator: ",").map {
        guard let n = Int($0) else { throw StoreError.corrupt("plans.pipeline_layers '\(text)'") }
        return n
      }
    }
  }
}
