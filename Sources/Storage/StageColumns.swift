import Planner

/// A plan's pipeline stages in one text column, and its uneven split in another.
///
/// Stages are "layers in_flight parameters gradients optimizer activations", separated by ';';
/// a stage's total is their sum and is not stored. A token "*N" stands for N more stages, each
/// the one before plus the difference between the two before it, field by field: a pipeline's
/// middle stages are alike (difference 0) or hold one micro-batch less each (1F1B), so a
/// 64-stage plan is stored in a few entries and a sweep's bytes and time per plan stay flat in
/// P. Text written before (seven fields, the total last, no runs) reads as it did. A single
/// stage is stored as NULL: its figures are the plan's own.
enum StageColumns {
  /// The stored fields of a stage: six, or seven with the total as text written before had it
  /// (and as a stage whose total is not the sum of its parts is still written).
  static let width = 6
  static let widthWithTotal = 7

  static func encode(_ stages: [StageMemory]) -> String? {
    guard stages.count > 1 else { return nil }
    let sums = stages.allSatisfy {
      let (p, o1) = $0.parametersBytes.addingReportingOverflow($0.gradientsBytes)
      let (q, o2) = $0.optimizerStateBytes.addingReportingOverflow($0.activationsBytes)
      let (t, o3) = p.addingReportingOverflow(q)
      return !o1 && !o2 && !o3 && t == $0.totalBytes
    }
    let capacity = stages.count * widthWithTotal * (DecimalText.maximumWidth + 1)
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
        func field(_ n: Int) {
          put(" ")
          DecimalText.write(n, into: text, at: &i)
        }
        DecimalText.write(s.layers, into: text, at: &i)
        field(s.microBatchesInFlight)
        field(s.parametersBytes)
        field(s.gradientsBytes)
        field(s.optimizerStateBytes)
        field(s.activationsBytes)
        if !sums { field(s.totalBytes) }
        k += 1
      }
      return i
    }
  }

  static func decode(_ text: String?) throws -> [StageMemory]? {
    guard let text else { return nil }
    let corrupt = StoreError.corrupt("plans.stages '\(text.prefix(200))'")
    var rows: [Int] = []
    var w: Int?
    for entry in text.split(separator: ";", omittingEmptySubsequences: false) {
      if entry.first == "*" {
        guard let w else { throw corrupt }
        try extend(&rows, width: w, by: entry.dropFirst(), text)
        continue
      }
      let n = entry.split(separator: " ").map { Int($0) }
      // Every entry of one text has the same fields: six, or seven with the total.
      guard n.count == (w ?? n.count), [width, widthWithTotal].contains(n.count), !n.contains(nil)
      else { throw corrupt }
      w = n.count
      rows.append(contentsOf: n.map { $0 ?? 0 })
    }
    guard let w else { throw corrupt }
    return try (0..<rows.count / w).map { k in
      let n = rows[(k * w)..<((k + 1) * w)].map { $0 }
      var total = n.count == widthWithTotal ? n[6] : 0
      if n.count == width {
        let (p, o1) = n[2].addingReportingOverflow(n[3])
        let (q, o2) = n[4].addingReportingOverflow(n[5])
        let (t, o3) = p.addingReportingOverflow(q)
        guard !o1, !o2, !o3 else { throw corrupt }
        total = t
      }
      return StageMemory(
        stage: k, layers: n[0], microBatchesInFlight: n[1], parametersBytes: n[2],
        gradientsBytes: n[3], optimizerStateBytes: n[4], activationsBytes: n[5], totalBytes: total)
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
  static func extend(_ rows: inout [Int], width w: Int, by count: Substring, _ text: String)
    throws
  {
    let corrupt = StoreError.corrupt("plans.stages '\(text.prefix(200))'")
    guard rows.count >= 2 * w, let n = Int(count), n > 0, rows.count / w + n <= 1 << 20
    else { throw corrupt }
    for _ in 0..<n {
      let c = rows.count
      for i in (c - w)..<c {
        let (step, o1) = rows[i].subtractingReportingOverflow(rows[i - w])
        let (next, o2) = rows[i].addingReportingOverflow(step)
        guard !o1, !o2 else { throw corrupt }
        rows.append(next)
      }
    }
  }

  static func layers(_ layers: [Int]?) -> String? {
    layers.map { DecimalText.list($0) }
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
