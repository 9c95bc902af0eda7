import Planner

/// How much a sweep will grow the database, measured rather than guessed: sample plans are
/// written, as a sweep writes them, into a scratch in-memory database of the same schema, and
/// the pages they took are divided among them. Row sizes vary with the names and figures of
/// each plan, so a sample of the sweep's own plans is the honest basis.
public enum SweepSizeEstimate {
  /// Bytes per stored plan (table and indexes) for plans like `sample`; 0 for no sample.
  public static func bytesPerPlan(_ sample: [Plan]) throws -> Double {
    guard !sample.isEmpty else { return 0 }
    let scratch = try Store(path: ":memory:", seedPresets: false)
    let before = try scratch.database.int("PRAGMA page_count") ?? 0
    let writer = try scratch.beginSweep(arguments: "{}", planned: sample.count)
    for plan in sample { try writer.add(plan) }
    try writer.commit()
    let after = try scratch.database.int("PRAGMA page_count") ?? 0
    let pageSize = try scratch.database.int("PRAGMA page_size") ?? 4_096
    return Double((after - before) * pageSize) / Double(sample.count)
  }
}
