extension Store {
  /// The overview of the plans `filter` selects, by five aggregate queries in one read
  /// transaction; each reads a few columns, so a million plans take seconds, not minutes.
  public func planOverview(_ filter: PlanFilter, xBins: Int = 48, yBins: Int = 32) throws
    -> PlanOverview
  {
    var f = filter
    f.limit = nil
    let base = f.condition
    return try database.read {
      var o = PlanOverview()
      (o.xBins, o.yBins) = (xBins, yBins)
      let drawn = Self.and(base, "parameters > 0 AND training_days > 0")
      try readBounds(drawn, into: &o)
      guard o.planCount > 0 else { return o }
      try readDensity(drawn, into: &o)
      try readFront(Self.and(drawn, "fits AND cost IS NOT NULL"), into: &o)
      try readExtremes(Self.and(drawn, "fits"), into: &o)
      return o
    }
  }

  typealias Condition = (sql: String, values: [any DatabaseValueConvertible])

  static func and(_ c: Condition, _ more: String) -> Condition {
    (c.sql.isEmpty ? " WHERE \(more)" : c.sql + " AND \(more)", c.values)
  }

  func readBounds(_ c: Condition, into o: inout PlanOverview) throws {
    let sql = """
      SELECT count(*), coalesce(sum(fits), 0), count(CASE WHEN fits THEN cost END),
        log10(min(parameters)), log10(max(parameters)), log10(min(training_days)),
        log10(max(training_days)) FROM plans\(c.sql)
      """
    try database.prepare(sql).forEachRow(c.values) { row in
      o.planCount = Int(row.value(at: 0).int ?? 0)
      o.fittingCount = Int(row.value(at: 1).int ?? 0)
      o.pricedFittingCount = Int(row.value(at: 2).int ?? 0)
      guard o.planCount > 0 else { return }
      o.logParameters = row.value(at: 3).double!...row.value(at: 4).double!
      o.logDays = row.value(at: 5).double!...row.value(at: 6).double!
    }
  }

  /// `log10(column)`'s bin among `bins` over `range`, in SQL, with its bound values.
  static func binSQL(_ column: String, _ range: ClosedRange<Double>, _ bins: Int) -> Condition {
    let span = range.upperBound - range.lowerBound
    let scale = span > 0 ? Double(bins) / span : 0
    return ("min(?, CAST((log10(\(column)) - ?) * ? AS INTEGER))", [bins - 1, range.lowerBound, scale])
  }

  func readDensity(_ c: Condition, into o: inout PlanOverview) throws {
    let x = Self.binSQL("parameters", o.logParameters, o.xBins)
    let y = Self.binSQL("training_days", o.logDays, o.yBins)
    let sql = """
      SELECT gpu_name, \(x.sql) AS bx, \(y.sql) AS by, count(*), sum(fits) FROM plans\(c.sql)
      GROUP BY gpu_name, bx, by ORDER BY gpu_name, bx, by
      """
    o.density = try database.fetch(sql, x.values + y.values + c.values) { row in
      PlanOverview.DensityBin(
        gpu: row.value(at: 0).text ?? "", x: Int(row.value(at: 1).int ?? 0),
        y: Int(row.value(at: 2).int ?? 0), count: Int(row.value(at: 3).int ?? 0),
        fitting: Int(row.value(at: 4).int ?? 0))
    }
  }

  static let overviewColumns =
    "id, model_name, gpu_name, parameters, training_days, cost, num_gpus, batch_size"

  /// In each parameter bin, the plans no other plan of the bin beats on both days and cost:
  /// ordered by days, a plan is on the front when it is cheaper than every faster one.
  func readFront(_ c: Condition, into o: inout PlanOverview) throws {
    let x = Self.binSQL("parameters", o.logParameters, o.xBins)
    let sql = """
      SELECT \(Self.overviewColumns) FROM (
        SELECT \(Self.overviewColumns), bx, min(cost) OVER (PARTITION BY bx
          ORDER BY training_days, cost, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best
        FROM (SELECT \(Self.overviewColumns), \(x.sql) AS bx FROM plans\(c.sql)))
      WHERE best IS NULL OR cost < best ORDER BY bx, training_days, id LIMIT ?
      """
    let limit = PlanOverview.frontLimit
    o.front = try database.fetch(sql, x.values + c.values + [limit + 1], Self.overviewPlan)
    if o.front.count > limit {
      o.front.removeLast(o.front.count - limit)
      o.frontCapped = true
    }
  }

  func readExtremes(_ c: Condition, into o: inout PlanOverview) throws {
    // SQLite's bare columns: with one min() or max(), the other columns come from its row.
    let queries: [(String, String)] = [
      ("fastest plan that fits", "SELECT \(Self.overviewColumns), min(training_days) FROM plans\(c.sql)"),
      (
        "cheapest plan that fits",
        "SELECT \(Self.overviewColumns), min(cost) FROM plans\(Self.and(c, "cost IS NOT NULL").sql)"
      ),
      (
        "largest model that fits on",
        "SELECT \(Self.overviewColumns), max(parameters) FROM plans\(c.sql) GROUP BY gpu_name ORDER BY gpu_name"
      ),
    ]
    for (label, sql) in queries {
      let plans = try database.fetch(sql, c.values, Self.overviewPlan)
      for p in plans where p.id > 0 {
        let text = label.hasSuffix(" on") ? "\(label) \(p.gpu)" : label
        o.extremes.append(PlanOverview.Extreme(label: text, plan: p))
      }
    }
  }

  static func overviewPlan(_ row: Row) throws -> PlanOverview.OverviewPlan {
    PlanOverview.OverviewPlan(
      id: Int(row.value(at: 0).int ?? 0), model: row.value(at: 1).text ?? "",
      gpu: row.value(at: 2).text ?? "", parameters: Int(row.value(at: 3).int ?? 0),
      days: row.value(at: 4).double ?? 0, cost: row.value(at: 5).double,
      numGPUs: Int(row.value(at: 6).int ?? 0), batchSize: Int(row.value(at: 7).int ?? 0))
  }
}
