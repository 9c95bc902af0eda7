import Planner
import Storage

/// Everything a report shows, gathered by the caller: the page does no I/O.
public struct ReportContent: Sendable {
  /// What was selected, in words ("sweep 3", "plans of gpt2-xl since 2026-11-01").
  public var selection: String
  /// The command that made the report, shown as text.
  public var command: String
  /// The newest plans of the selection, newest first, each with its time breakdown if one
  /// was predicted.
  public var plans: [ReportPlan]
  /// How many plans the selection holds (may be more than `plans`).
  public var planCount: Int
  /// Aggregates of the whole selection, for a sweep or any selection too large to draw plan
  /// by plan.
  public var overview: PlanOverview?
  public var fit: FitMatrix?

  public init(
    selection: String, command: String, plans: [ReportPlan], planCount: Int,
    overview: PlanOverview? = nil, fit: FitMatrix? = nil
  ) {
    self.selection = selection
    self.command = command
    self.plans = plans
    self.planCount = planCount
    self.overview = overview
    self.fit = fit
  }

  /// Plans drawn one by one in the memory, days and time charts; the table lists more.
  public static let chartLimit = 40
  /// Rows of the plans table.
  public static let tableLimit = 200
}

/// A plan as the report draws it.
public struct ReportPlan: Sendable {
  public var stored: StoredPlan
  /// Where a step's time goes, once the time model predicts it; nil draws no time bar.
  public var time: TimeBreakdown?

  public init(stored: StoredPlan, time: TimeBreakdown? = nil) {
    self.stored = stored
    self.time = time ?? TimeBreakdown(predicted: stored.plan.time)
  }

  var plan: Plan { stored.plan }
  var label: String { "#\(stored.id) \(plan.model.name) · \(plan.hardware.name)" }
}

/// Seconds per training step by cause, for plans whose time was predicted on a cluster
/// (`--cluster`); the report draws the chart only for plans that have them.
public struct TimeBreakdown: Equatable, Sendable {
  public var computeSeconds: Double
  /// Pipeline fill and drain.
  public var bubbleSeconds: Double
  /// Communication not hidden behind compute, per parallel dimension ("data", "tensor",
  /// "pipeline", "context"), in the order given.
  public var communication: [(dimension: String, seconds: Double)]
  public var optimizerSeconds: Double

  public init(
    computeSeconds: Double, bubbleSeconds: Double,
    communication: [(dimension: String, seconds: Double)], optimizerSeconds: Double
  ) {
    self.computeSeconds = computeSeconds
    self.bubbleSeconds = bubbleSeconds
    self.communication = communication
    self.optimizerSeconds = optimizerSeconds
  }

  /// The breakdown of a predicted step; nil when the time follows from the MFU.
  public init?(predicted t: StepTime) {
    guard t.model == .predicted else { return nil }
    self.init(
      computeSeconds: t.computeSeconds, bubbleSeconds: t.bubbleSeconds,
      communication: [
        ("tensor", t.tensorParallelCommSeconds), ("pipeline", t.pipelineCommSeconds),
        ("data", t.dataParallelCommSeconds), ("context", t.contextParallelCommSeconds),
        ("expert", t.expertParallelCommSeconds), ("host", t.offloadSeconds),
      ], optimizerSeconds: t.optimizerSeconds)
  }

  public var totalSeconds: Double {
    computeSeconds + bubbleSeconds + optimizerSeconds + communication.reduce(0) { $0 + $1.seconds }
  }

  public static func == (a: TimeBreakdown, b: TimeBreakdown) -> Bool {
    a.computeSeconds == b.computeSeconds && a.bubbleSeconds == b.bubbleSeconds
      && a.optimizerSeconds == b.optimizerSeconds
      && a.communication.map(\.dimension) == b.communication.map(\.dimension)
      && a.communication.map(\.seconds) == b.communication.map(\.seconds)
  }
}

/// The fit matrix: models as rows, GPUs as columns, one cell each.
public struct FitMatrix: Sendable {
  public enum Status: String, Sendable {
    case fits
    case doesNotFit = "does-not-fit"
    case notApplicable = "n-a"
  }

  public struct Cell: Sendable {
    public var text: String
    /// The number the cell shows (largest micro-batch, or GPUs needed), for its shade.
    public var value: Int?
    public var status: Status
    public var detail: String

    public init(text: String, value: Int?, status: Status, detail: String) {
      self.text = text
      self.value = value
      self.status = status
      self.detail = detail
    }
  }

  public var models: [String]
  public var gpus: [String]
  /// Row-major: models[i] × gpus[j] is cells[i * gpus.count + j].
  public var cells: [Cell]
  /// What the cells show, e.g. "largest micro-batch that fits".
  public var measure: String
  /// Larger values are better (micro-batch) or worse (GPUs needed): the shade follows.
  public var higherIsBetter: Bool

  public init(
    models: [String], gpus: [String], cells: [Cell], measure: String, higherIsBetter: Bool
  ) {
    self.models = models
    self.gpus = gpus
    self.cells = cells
    self.measure = measure
    self.higherIsBetter = higherIsBetter
  }
}
