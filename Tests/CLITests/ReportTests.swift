import Foundation
import Planner
import Storage
import TestSupport
import Testing

@testable import CLI
@testable import Report

/// `trainplan report` without a browser: the page's contents, escaping and refusals.
@Suite struct ReportTests {
  let cli = TrainplanRunner()
  static let hostileGPU = "<script>alert(\"gpu\")</script>"
  static let hostileModel = "it's \"quoted\" & <b>bold</b>"

  init() throws {
    try cli.run([
      "gpu", "add", Self.hostileGPU, "--memory", "24GiB", "--fp32-tflops", "35", "--price-per-hour",
      "1.5",
    ])
    try cli.run([
      "model", "add", Self.hostileModel, "--vocab-size", "32000", "--context-length", "1024",
      "--layers", "4", "--d-model", "256", "--heads", "4",
    ])
    for words in [
      ["seed-gpt2-xl", "a100-80gb", "--global-batch-size", "1024", "--steps", "400000"],
      [Self.hostileModel, Self.hostileGPU, "--batch-size", "2"],
    ] {
      let r = try cli.run(["plan"] + words)
      precondition(r.status == 0, r.stderr)
    }
  }

  @Test func namesWithMarkupAreEscapedNeverMarkup() throws {
    let r = try cli.run(["report"])
    #expect(r.status == 0, "\(r.stderr)")
    let html = r.stdout
    #expect(!html.contains("<script"))
    #expect(!html.contains("<b>"))
    #expect(html.contains("&lt;script&gt;alert(&quot;gpu&quot;)&lt;/script&gt;"))
    #expect(html.contains("it&#39;s &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"))
    #expect(ExternalReferences.find(in: html).isEmpty, "\(ExternalReferences.find(in: html))")
  }

  @Test func pipedOutputIsTheHTMLAndAFileAppearsOnlyWhenAsked() throws {
    let r = try cli.run(["report", "1"])
    #expect(r.status == 0)
    #expect(r.stdout.hasPrefix("<!DOCTYPE html>"))
    #expect(r.stdout.contains("id=\"memory-chart\""))
    #expect(!FileManager.default.fileExists(atPath: cli.folder.file(ReportCommand.defaultFile)))
    let out = cli.folder.file("r.html")
    let w = try cli.run(["report", "--output", out, "--model", "seed-gpt2-xl"])
    #expect(w.status == 0)
    #expect(w.stdout.hasPrefix("Wrote \(out): 1 plan, "))
    let page = String(decoding: try #require(fileBytes(out)), as: UTF8.self)
    #expect(page.contains("model seed-gpt2-xl"))
  }

  @Test func anEmptySelectionWritesNothing() throws {
    let out = cli.folder.file("empty.html")
    let before = cli.databaseBytes()
    for args in [["--model", "no-such-model"], ["--since", "2999-01-01"], ["77"]] {
      let r = try cli.run(["report", "--output", out] + args)
      #expect(r.status != 0)
      #expect(r.stderr.hasPrefix("Error: no stored plan"), "\(r.stderr)")
      #expect(r.stderr.contains("nothing was written"))
      #expect(r.stderr.split(separator: "\n").count == 1)
      #expect(!FileManager.default.fileExists(atPath: out))
    }
    #expect(cli.databaseBytes() == before)
  }

  @Test func badSelectionsAreRefusedWithTheFlagNamed() throws {
    let cases: [([String], String)] = [
      (["--models", "gpt2-xl"], "--models goes with --fit"),
      (["--min-gpus"], "--min-gpus goes with --fit"),
      (["--fit", "--model", "gpt2-xl"], "--fit draws the matrix"),
      (["--precision", "bf16"], "setup options (--precision, --num-gpus, …) go with --fit"),
      (["--cluster", "dgx-h100"], "setup options (--precision, --num-gpus, …) go with --fit"),
      (["abc"], "plan ids must be whole numbers above 0"),
      (["0"], "plan ids must be whole numbers above 0"),
      (["--sweep", "9"], "no sweep"),
      (["--output", cli.folder.file("no/such/folder.html")], "--output"),
    ]
    for (args, message) in cases {
      let r = try cli.run(["report"] + args)
      #expect(r.status != 0, "\(args)")
      #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
    }
  }

  @Test func fitMatrixHasOneCellPerModelAndGPU() throws {
    let r = try cli.run([
      "report", "--fit", "--models", "gpt2-xl,seed-gpt2-small", "--gpus", "a100-80gb,t4,h100-sxm",
      "--precision", "bf16",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.components(separatedBy: "<rect class=\"cell ").count - 1 == 6)
    #expect(r.stdout.contains("class=\"cell fit-n-a\""))  // t4 has no bf16
    #expect(!r.stdout.contains("id=\"memory-chart\""))
  }
}

/// The page rendered in process: charts that appear only with their data.
@Suite struct ReportPageTests {
  let folder = TemporaryFolder()

  func stored(_ model: String, _ gpu: String, _ setup: TrainingSetup = TrainingSetup(), id: Int)
    throws -> StoredPlan
  {
    let store = try Store(path: folder.file("t.sqlite"))
    let plan = try Planner.plan(
      model: try store.model(named: model).config, hardware: try store.gpu(named: gpu).profile,
      setup: setup)
    return StoredPlan(id: id, createdAt: "2026-11-30T00:00:00.000Z", plan: plan)
  }

  @Test func timeChartOnlyForPlansWithATimeBreakdown() throws {
    let a = try stored("seed-gpt2-xl", "a100-80gb", id: 1)
    let b = try stored(
      "llama-2-7b", "h100-sxm",
      TrainingSetup(
        microBatchSize: 1, globalBatchSize: 64, numGPUs: 16, precision: .bf16,
        layout: ParallelLayout(tensorParallel: 2, pipelineParallel: 4)), id: 2)
    let time = TimeBreakdown(
      computeSeconds: 1.5, bubbleSeconds: 0.25,
      communication: [("data", 0.125), ("tensor", 0.0625), ("pipeline", 0.03125)],
      optimizerSeconds: 0.01)
    let without = ReportPage.render(
      ReportContent(
        selection: "s", command: "c", plans: [ReportPlan(stored: a), ReportPlan(stored: b)],
        planCount: 2))
    #expect(!without.contains("time-chart"))
    let with = ReportPage.render(
      ReportContent(
        selection: "s", command: "c",
        plans: [ReportPlan(stored: a), ReportPlan(stored: b, time: time)], planCount: 2))
    let chart = try #require(
      with.components(separatedBy: "<svg id=\"time-chart\"").last?.components(separatedBy: "</svg>")
        .first)
    #expect(chart.components(separatedBy: "class=\"bar-group\"").count - 1 == 1)
    // compute, bubble, three communication dimensions, optimizer
    #expect(chart.components(separatedBy: "<rect class=\"seg time-").count - 1 == 6)
    #expect(chart.contains("tensor communication"))
    #expect(chart.contains(">1.979 s<"))
    // The pipelined plan draws one memory bar per stage.
    let memory = try #require(
      with.components(separatedBy: "<svg id=\"memory-chart\"").last?.components(
        separatedBy: "</svg>"
      ).first)
    #expect(memory.components(separatedBy: "class=\"bar-group\"").count - 1 == 1 + 4)
  }

  @Test func escapingCoversEveryMarkupCharacter() {
    #expect(
      HTML.escape("<a href='x'>\"&\"</a>")
        == "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;")
  }

  @Test func externalReferenceCheckFindsWhatAPageWouldFetch() {
    for bad in [
      "<img src=\"https://example.com/x.png\">", "<a href=\"http://example.com\">x</a>",
      "<style>@import 'x.css';</style>", "<div style=\"background: url(https://x)\"></div>",
      "<script>fetch(1)</script>", "<link rel=stylesheet href=x.css>",
    ] {
      #expect(!ExternalReferences.find(in: bad).isEmpty, "\(bad)")
    }
    #expect(ExternalReferences.find(in: "<p>see https://example.com as text</p>").isEmpty)
  }
}
