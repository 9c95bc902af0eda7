import Foundation
import Storage
import TestSupport
import Testing

/// Reports rendered by a real browser: to a DOM (each chart there with the expected number of
/// bars, cells and points, the labels equal to the plans' JSON) and to a PNG (not blank).
/// Skipped, and reported as such, where no Chromium is installed.
@Suite(
  .tags(.slow),
  .enabled(
    if: Browser.path != nil, "needs chromium-headless-shell or chromium (.ci/run installs it)"))
struct BrowserTests {
  let cli = TrainplanRunner()
  static let hostile = "<script>document.title='pwned'</script> \"q\""

  init() throws {
    try cli.run([
      "gpu", "add", Self.hostile, "--memory", "24GiB", "--fp32-tflops", "35", "--bf16-tflops",
      "140",
      "--price-per-hour", "0.9",
    ])
    for words in [
      ["seed-gpt2-xl", "a100-80gb", "--global-batch-size", "1024", "--steps", "400000"],
      [
        "llama-2-7b", "h100-sxm", "--precision", "bf16", "--attention", "flash", "--num-gpus", "64",
        "--tp", "4",
        "--pp", "4", "--sequence-parallel", "--recompute", "selective", "--global-batch-size",
        "512",
      ],
      ["llama-3-70b", "a100-80gb", "--batch-size", "2"],
      ["gpt2-medium", Self.hostile, "--precision", "bf16"],
    ] {
      let r = try cli.run(["plan"] + words)
      precondition(r.status == 0, r.stderr)
    }
  }

  func report(_ args: [String], name: String) throws -> String {
    let file = cli.folder.file(name)
    let r = try cli.run(["report", "--output", file] + args)
    guard r.status == 0 else { throw Failure("report exited \(r.status): \(r.stderr)") }
    return file
  }

  /// The text of the `<svg id=ID>` element in `dom`.
  func chart(_ id: String, in dom: String) throws -> String {
    let after = try #require(
      dom.components(separatedBy: "<svg id=\"\(id)\"").dropFirst().first, "no svg#\(id)")
    return try #require(after.components(separatedBy: "</svg>").first)
  }

  func count(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }

  /// The texts of elements whose class list starts with `cls`, in order.
  func texts(_ cls: String, in svg: String) -> [String] {
    svg.components(separatedBy: "class=\"\(cls)\"").dropFirst().compactMap {
      $0.split(separator: ">", maxSplits: 1).last?.split(separator: "<").first.map(String.init)
    }
  }

  @Test func plansReportDrawsEveryStageAndItsLabelsAreThePlansFigures() throws {
    let dom = try Browser.dumpDOM(try report([], name: "plans.html"), in: cli.folder)
    let plans = try #require(try cli.json("plans --json --limit 0") as? [[String: Any]])
    #expect(plans.count == 4)
    // One bar per stage: 1 + 4 (the pipeline) + 1 + 1.
    let memory = try chart("memory-chart", in: dom)
    #expect(count("class=\"bar-group\"", in: memory) == 7)
    let days = try chart("days-cost-chart", in: dom)
    #expect(count("<rect class=\"bar days\"", in: days) == 4)
    #expect(
      count("<rect class=\"bar cost\"", in: days)
        == plans.filter { !(value($0, "cost") is NSNull) }.count)
    // Labels, newest first as the JSON is: the total of the heaviest stage, days, cost.
    let dayLabels = texts("value-label days-label", in: days)
    #expect(dayLabels == plans.map { fixed(double($0, "training_days")!, 1) + " days" })
    let costLabels = texts("value-label cost-label", in: days)
    #expect(costLabels == plans.compactMap { double($0, "cost") }.map { "$" + fixed($0, 0) })
    let totals = texts("value-label", in: memory).map {
      $0.split(separator: " ").first.map(String.init) ?? ""
    }
    let expected = plans.flatMap { p -> [String] in
      let stages = (value(p, "memory.stages") as? [[String: Any]]).map {
        $0.map { int($0, "total_bytes")! }
      }
      return (stages ?? [int(p, "memory.total_bytes")!]).map {
        fixed(Double($0) / 1_073_741_824, 2)
      }
    }
    #expect(totals == expected)
    // The hostile name is text, not a script: the title stayed, the name shows escaped.
    #expect(dom.contains("&lt;script&gt;document.title="))
    #expect(!dom.contains("<script"))
    #expect(dom.contains("<title>trainplan report: every stored plan</title>"))
    #expect(ExternalReferences.find(in: dom).isEmpty, "\(ExternalReferences.find(in: dom))")
  }

  @Test func sweepReportDrawsTheAggregatesItSaysItDraws() throws {
    let sweep = try cli.run(
      "sweep --layers 4:24:4 --d-model 256:2048:256 --heads-dim 64 --gpus a100-80gb,h100-sxm,t4 --batch-sizes 1,8 --json"
    )
    #expect(sweep.status == 0, "\(sweep.stderr)")
    let dom = try Browser.dumpDOM(try report(["--sweep", "1"], name: "sweep.html"), in: cli.folder)
    let overview = try cli.database.open().planOverview(PlanFilter(sweep: 1))
    let svg = try chart("sweep-chart", in: dom)
    #expect(count("<circle class=\"point ", in: svg) == overview.density.count)
    #expect(count("<circle class=\"front-point\"", in: svg) == overview.front.count)
    #expect(overview.planCount == 6 * 8 * 3 * 2)
    #expect(dom.contains("Aggregated in SQLite"))
    #expect(dom.contains("\(overview.planCount) plans fall into a 48 × 32 grid"))
    #expect(
      count("<tr data-plan=", in: dom.components(separatedBy: "id=\"overview-table\"").last!) > 0)
  }

  @Test func fitReportColoursEveryCellWithTheFitFigure() throws {
    let args = [
      "--models", "gpt2-xl,seed-gpt2-small,llama-3-8b", "--gpus", "a100-80gb,t4", "--precision",
      "bf16",
    ]
    let dom = try Browser.dumpDOM(try report(["--fit"] + args, name: "fit.html"), in: cli.folder)
    let fit = try #require(try cli.json(["fit", "--json"] + args) as? [[String: Any]])
    let svg = try chart("fit-chart", in: dom)
    #expect(count("<rect class=\"cell ", in: svg) == 6)
    let labels = texts("cell-label", in: svg)
    #expect(
      labels
        == fit.map { c in
          if value(c, "error") != nil { return "n/a" }
          let b = int(c, "max_batch_size")!
          return b > 0 ? String(b) : "none"
        })
  }

  @Test(.enabled(if: Browser.python != nil, "needs python3 to decode the PNG"))
  func screenshotIsNotBlankAndShowsTheCharts() throws {
    let file = try report([], name: "shot.html")
    let png = cli.folder.file("shot.png")
    try Browser.screenshot(file, to: png, width: 1000, height: 900, in: cli.folder)
    // #4e79a7 is the parameters' colour in the memory chart.
    let stats = try Browser.pixelStatistics(png, colour: "4e79a7", in: cli.folder)
    #expect(stats.variance > 100, "grey variance \(stats.variance)")
    #expect(stats.inked > 0.05, "share of non-background pixels \(stats.inked)")
    #expect(stats.hasColour)
  }

  func fixed(_ x: Double, _ places: Int) -> String {
    let text = String(format: "%.\(places)f", x)
    let parts = text.split(separator: ".")
    let whole = String(parts[0])
    var grouped = ""
    for (i, c) in whole.enumerated() {
      if i > 0 && (whole.count - i) % 3 == 0 { grouped += "," }
      grouped.append(c)
    }
    return grouped + (parts.count > 1 ? "." + parts[1] : "")
  }
}
