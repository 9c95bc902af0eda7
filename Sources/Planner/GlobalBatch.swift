/// The global-batch rule of SPEC.md: a step of B sequences is b sequences on each of D
/// data-parallel replicas, B / (b·D) times over, so B must be a multiple of b·D. (SPEC's seed
/// rounded the accumulation steps up, silently training on more sequences than asked for.)
enum GlobalBatch {
  /// The micro-batch to plan at. An asked-for b must divide B / D; a chosen one is the
  /// largest that fits (`largestFitting`) and divides B / D — 1 when none fits, to show by how
  /// much. Without B, B = b·D and any b is consistent.
  /// Interleaving also needs m = B/(D·b) to be a multiple of P (`microBatchesMultipleOf`).
  static func microBatch(
    asked: Int?, largestFitting: Int, global: Int?, dataParallel d: Int,
    microBatchesMultipleOf p: Int = 1
  ) throws -> Int {
    let x = Exact(quantity: "the global batch")
    guard let global else {
      if p > 1 { throw interleaving(m: 1, p: p) }
      return asked ?? max(1, largestFitting)
    }
    if let b = asked {
      let step = try x.mul(b, d)
      if global % step != 0 {
        throw PlannerError.outOfRange(
          .globalBatchSize, String(global),
          rule:
            "must be a multiple of micro-batch × data-parallel GPUs (\(b) × \(d) = \(step)); nearest valid: \(nearest(global, multipleOf: step))"
        )
      }
      if (global / step) % p != 0 { throw interleaving(m: global / step, p: p) }
      return b
    }
    if global % d != 0 {
      throw PlannerError.outOfRange(
        .globalBatchSize, String(global),
        rule:
          "must be a multiple of the data-parallel GPUs (\(d)); nearest valid: \(nearest(global, multipleOf: d))"
      )
    }
    let perReplica = global / d
    if perReplica % p != 0 { throw interleaving(m: perReplica, p: p) }
    return largestDivisor(of: perReplica / p, atMost: max(1, largestFitting))
  }

  /// B / D, the sequences one data-parallel replica takes per step.
  static func perReplica(_ global: Int, dataParallel d: Int) throws -> Int {
    if global % d != 0 {
      throw PlannerError.outOfRange(
        .globalBatchSize, String(global),
        rule:
          "must be a multiple of the data-parallel GPUs (\(d)); nearest valid: \(nearest(global, multipleOf: d))"
      )
    }
    return global / d
  }

  static func interleaving(m: Int, p: Int) -> PlannerError {
    .outOfRange(
      .virtualStages, "> 1",
      rule:
        "(interleaved 1F1B) needs the micro-batches per pipeline m = B/(D·b) = \(m) to be a multiple of the pipeline stages \(p); set --global-batch-size accordingly"
    )
  }

  /// The multiples of `k` next to `value`, e.g. "999 or 1002", or just "3" below the first.
  static func nearest(_ value: Int, multipleOf k: Int) -> String {
    let below = value / k * k
    let (above, overflow) = below.addingReportingOverflow(k)
    if below == 0 { return overflow ? "none" : String(above) }
    return overflow ? String(below) : "\(below) or \(above)"
  }

  /// The largest divisor of `n` that is at most `m` (n, m ≥ 1), in at most 2·√n steps:
  /// divisors above √n are n/q for the small cofactors q, scanned from the smallest allowed.
  static func largestDivisor(of n: Int, atMost m: Int) -> Int {
    if m >= n { return n }
    var q = n / m + (n % m == 0 ? 0 : 1)
    while q <= n / q {
      if n % q == 0 { return n / q }
      q += 1
    }
    var d = min(m, q - 1)
    while d > 1 {
      if n % d == 0 { return d }
      d -= 1
    }
    return 1
  }
}
