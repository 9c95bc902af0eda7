extension Store {
  /// The overview of the plans `filter` selects. One scan copies the few columns the charts
  /// need (log10 of parameters and days, cost, fits, GPU) into a temporary table; the bounds,
  /// the density, the front and the extremes are aggregate queries over that narrow table,
  /// all in one read transaction. A million plans take seconds, and no plan is decoded.
  public func planOverview(_ filter: PlanFilter, xBins: Int = 48, yBins: Int = 32) throws
    -> PlanOverview
  {
    var f = filter
    f.limit = nil
    let base = f.condition
    return try database.read {
      // In SQL both dialects read alike (SQLite's and PostgreSQL's): a log of zero is NULL
      // here, as SQLite has it, where PostgreSQL would fail.
      try database.execute("DROP TABLE IF EXISTS overview_plans")
      try database.execute(
        """
        CREATE TEMP TABLE overview_plans AS SELECT id, gpu_name,
          CASE WHEN parameters > 0 THEN log10(CAST(parameters AS DOUBLE PRECISION)) END AS lp,
          CASE WHEN training_days > 0 THEN log10(training_days) END AS ld,
          training_days, cost, fits FROM plans\(base.sql)
        """, base.values)
      defer { try? database.execute("DROP TABLE IF EXISTS overview_plans") }
      var o = PlanOverview()
      (o.xBins, o.yBins) = (xBins, yBins)
      try readBounds(into: &o)
      guard o.planCount > 0 else { return o }
      try readDensity(into: &o)
      try readFront(into: &o)
      try readExtremes(into: &o)
      return o
    }
  }

  /// Rows drawn: log10 is NULL for zero or negative figures, which a log axis cannot show.
  static let drawn = "lp IS NOT NULL AND ld IS NOT NULL"

  func readBounds(into o: inout PlanOverview) throws {
    let sql = """
      SELECT count(*), count(CASE WHEN \(Self.drawn) THEN 1 END),
        coalesce(sum(CASE WHEN \(Self.drawn) THEN fits END), 0),
        count(CASE WHEN fits = 1 AND \(Self.drawn) THEN cost END),
        min(lp), max(lp), min(ld), max(ld) FROM overview_plans
      """
    try database.prepare(sql).forEachRow { row in
      o.selectedCount = Int(row.value(at: 0).int ?? 0)
      o.planCount = Int(row.value(at: 1).int ?? 0)
      o.fittingCount = Int(row.value(at: 2).int ?? 0)
      o.pricedFittingCount = Int(row.value(at: 3).int ?? 0)
      guard o.planCount > 0 else { return }
      o.logParameters = row.value(at: 4).double!...row.value(at: 5).double!
      o.logDays = row.value(at: 6).double!...row.value(at: 7).double!
    }
  }

  /// A log10 column's bin among `bins` over `range`, in SQL, with its bound values.
  static func binSQL(_ column: String, _ range: ClosedRange<Double>, _ bins: Int) -> (
    sql: String, values: [any DatabaseValueConvertible]
  ) {
    let span = range.upperBound - range.lowerBound
    let scale = span > 0 ? Double(bins) / span : 0
    let offset = "(\(column) - ?) * ?"
    return (
      "CASE WHEN \(offset) < ? THEN CAST(trunc(\(offset)) AS BIGINT) ELSE ? END",
      [range.lowerBound, scale, bins - 1, range.lowerBound, scale, bins - 1]
    )
  }

  func readDensity(into o: inout PlanOverview) throws {
    let x = Self.binSQL("lp", o.logParameters, o.xBins)
    let y = Self.binSQL("ld", o.logDays, o.yBins)
    let sql = """
      SELECT gpu_name, \(x.sql) AS bx, \(y.sql) AS bin_y, count(*), sum(fits)
      FROM overview_plans WHERE \(Self.drawn)
      GROUP BY gpu_name, bx, bin_y ORDER BY gpu_name, bx, bin_y
      """
    o.density = try database.fetch(sql, x.values + y.values) { row in
      PlanOverview.DensityBin(
        gpu: row.value(at: 0).text ?? "", x: Int(row.value(at: 1).int ?? 0),
        y: Int(row.value(at: 2).int ?? 0), count: Int(row.value(at: 3).int ?? 0),
        fitting: Int(row.value(at: 4).int ?? 0))
    }
  }

  /// In each parameter bin, the plans no other plan of the bin beats on both days and cost:
  /// ordered by days, a plan is on the front when it is cheaper than every faster one.
  func readFront(into o: inout PlanOverview) throws {
    let x = Self.binSQL("lp", o.logParameters, o.xBins)
    let sql = """
      SELECT id FROM (
        SELECT id, cost, bx, training_days, min(cost) OVER (PARTITION BY bx
          ORDER BY training_days, cost, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best
        FROM (SELECT id, training_days, cost, \(x.sql) AS bx FROM overview_plans
          WHERE \(Self.drawn) AND fits = 1 AND cost IS NOT NULL) AS binned) AS ranked
      WHERE best IS NULL OR cost < best ORDER BY bx, training_days, id LIMIT ?
      """
    let limit = PlanOverview.frontLimit
    var ids = try database.fetch(sql, x.values + [limit + 1]) { Int($0.value(at: 0).int ?? 0) }
    if ids.count > limit {
      ids.removeLast(ids.count - limit)
      o.frontCapped = true
    }
    o.front = try overviewPlans(ids)
  }

  func readExtremes(into o: inout PlanOverview) throws {
    // The first plan in each order, the lowest id on a tie.
    let fitting = "FROM overview_plans WHERE \(Self.drawn) AND fits = 1"
    let queries: [(String, String)] = [
      (
        "fastest plan that fits",
        "SELECT id, '' \(fitting) ORDER BY training_days, id LIMIT 1"
      ),
      (
        "cheapest plan that fits",
        "SELECT id, '' \(fitting) AND cost IS NOT NULL ORDER BY cost, id LIMIT 1"
      ),
      (
        "largest model that fits on",
        """
        SELECT id, gpu_name FROM (SELECT id, gpu_name, row_number() OVER (
          PARTITION BY gpu_name ORDER BY lp DESC, id) AS place \(fitting)) AS ranked
        WHERE place = 1 ORDER BY gpu_name
        """
      ),
    ]
    for (label, sql) in queries {
      let found = try database.fetch(sql) { row in
        (Int(row.value(at: 0).int ?? 0), row.value(at: 1).text ?? "")
      }
      for (id, gpu) in found where id > 0 {
        guard let plan = try overviewPlans([id]).first else { continue }
        let text = gpu.isEmpty ? label : "\(label) \(gpu)"
        o.extremes.append(PlanOverview.Extreme(label: text, plan: plan))
      }
    }
  }

  /// The shown columns of these plans, in the order of `ids`, by primary key.
  func overviewPlans(_ ids: [Int]) throws -> [PlanOverview.OverviewPlan] {
    let statement = try database.prepare(
      "SELECT id, model_name, gpu_name, parameters, training_days, cost, num_gpus, batch_size FROM plans WHERE id = ?"
    )
    return try ids.flatMap { id in try statement.map([id], Self.overviewPlan) }
  }

  static func overviewPlan(_ row: Row) throws -> PlanOverview.OverviewPlan {
    PlanOverview.OverviewPlan(
      id: Int(row.value(at: 0).int ?? 0), model: row.value(at: 1).text ?? "",
      gpu: row.value(at: 2).text ?? "", parameters: Int(row.value(at: 3).int ?? 0),
      days: row.value(at: 4).double ?? 0, cost: row.value(at: 5).double,
      numGPUs: Int(row.value(at: 6).int ?? 0), batchSize: Int(row.value(at: 7).int ?? 0))
  }
}
