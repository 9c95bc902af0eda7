#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a report draws of a large selection (a million-plan sweep), computed by aggregate
/// queries over a few columns of the plans table instead of decoding every plan: the bounds,
/// a binned density of log parameters × log days per GPU, the cost–time Pareto front of each
/// parameter bin, and the extremes.
public struct PlanOverview: Equatable, Sendable {
  /// Plans in the selection.
  public var selectedCount = 0
  /// Plans in the selection with parameters and days above zero (the ones drawn).
  public var planCount = 0
  public var fittingCount = 0
  /// Fitting plans with a cost (their GPU has a price): the front is made of these.
  public var pricedFittingCount = 0
  public var xBins = 0
  public var yBins = 0
  /// log10 of the fewest and most parameters, and of the fewest and most days.
  public var logParameters: ClosedRange<Double> = 0...0
  public var logDays: ClosedRange<Double> = 0...0
  public var density: [DensityBin] = []
  /// Ordered by parameter bin, then days.
  public var front: [OverviewPlan] = []
  /// True when the front was cut at `PlanOverview.frontLimit` points.
  public var frontCapped = false
  public var extremes: [Extreme] = []

  /// Points the front may have at most: it bounds the page's size, whatever the sweep.
  public static let frontLimit = 2_000

  /// One cell of the density: how many plans of one GPU fall in it, and how many of them fit.
  public struct DensityBin: Equatable, Sendable {
    public var gpu: String
    public var x: Int
    public var y: Int
    public var count: Int
    public var fitting: Int
  }

  /// The columns of a plan the overview shows.
  public struct OverviewPlan: Equatable, Sendable {
    public var id: Int
    public var model: String
    public var gpu: String
    public var parameters: Int
    public var days: Double
    public var cost: Double?
    public var numGPUs: Int
    public var batchSize: Int
  }

  public struct Extreme: Equatable, Sendable {
    public var label: String
    public var plan: OverviewPlan
  }

  /// The parameter bin of `parameters`. The queries bin SQLite's log10, which may differ
  /// from the C library's in the last place: a value on a bin's edge may land next door.
  public func xBin(_ parameters: Double) -> Int {
    Self.bin(log10(parameters), logParameters, xBins)
  }

  static func bin(_ value: Double, _ range: ClosedRange<Double>, _ bins: Int) -> Int {
    // The same arithmetic as `Store.binSQL`, so a point lands in the bin the query gave it.
    let span = range.upperBound - range.lowerBound
    let scale = span > 0 ? Double(bins) / span : 0
    return min(bins - 1, Int((value - range.lowerBound) * scale))
  }
}
