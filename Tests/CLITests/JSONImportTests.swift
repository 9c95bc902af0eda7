import Foundation
import Storage
import TestSupport
import Testing

@testable import CLI

/// `import FILE` of a JSON export (issue 18): the plans come back exactly (exporting them
/// again gives the same JSON, local ids aside), twice changes nothing, and a damaged file is
/// refused in one line with nothing kept.
@Suite struct JSONImportTests {
  let cli = TrainplanRunner()
  var theirs: String { cli.folder.file("theirs.sqlite") }
  var file: String { cli.folder.file("theirs.json") }

  /// Plans that use every part of a plan's JSON: a saved GPU with a peak that does not survive
  /// TFLOPS × 1e12, a sweep, a cluster with a predicted time and pipeline stages, LoRA, an
  /// uneven pipeline, and mixture-of-experts models with latent attention, sinks and Q/K norms.
  init() throws {
    let configs = MoEImportTests.validation.appendingPathComponent("configs")
    for line in [
      "gpu add lab-gpu --memory 24GiB --fp32-tflops 35 --bf16-tflops 141.42135623 --price-per-hour 1.5",
      "plan gpt2-small lab-gpu --precision bf16",
      "sweep --models gpt2-small,gpt2-medium --gpus a100-80gb,lab-gpu --precisions fp32,bf16",
      "plan llama-2-7b --cluster dgx-h100 --precision bf16 --num-gpus 16 --tp 2 --pp 2 --virtual-stages 2 --sequence-parallel --global-batch-size 64 --method megatron",
      "plan llama-3-8b a100-80gb --finetune qlora --lora-rank 8 --lora-targets q,k,v,o --precision bf16 --optimizer paged-adamw-8bit --offload optimizer --steps 100",
      "plan llama-3-70b h100-sxm --cluster dgx-h100 --num-gpus 64 --tp 8 --pp 8 --pipeline-layers 9,10,10,10,10,10,10,11 --precision bf16 --global-batch-size 512 --tokens 1e9 --method detailed",
      "model import \(configs.path)/deepseek-v2-lite-chat.json --name dsv2-lite",
      "model import \(configs.path)/gpt-oss-20b.json --name gpt-oss",
      "model import \(configs.path)/olmoe-1b-7b-0125-instruct.json --name olmoe",
      "plan dsv2-lite h100-sxm --cluster dgx-h100 --num-gpus 16 --ep 8 --precision bf16 --capacity-factor 1.25 --global-batch-size 64 --steps 100 --method megatron",
      "plan gpt-oss h100-sxm --precision bf16 --num-gpus 8 --zero 3 --steps 100",
      "plan olmoe a100-80gb --finetune lora --precision bf16 --global-batch-size 16",
    ] {
      let r = try cli.run(line.split(separator: " ").map(String.init), db: theirs)
      precondition(r.status == 0, "\(line): \(r.stderr)")
      if line.hasPrefix("gpu add") {
        // A peak that TFLOPS × 1e12 does not give back (2124.232790572604 × 1e12 is 0.25
        // off): the export must carry the exact figure.
        try Database(path: theirs).execute(
          "UPDATE gpus SET fp32_flops = 2124232790572604 WHERE name = 'lab-gpu'")
      }
    }
    let r = try cli.run(["export", "--format", "json", "--output", file], db: theirs)
    precondition(r.status == 0, r.stderr)
  }

  /// How many plans the export holds.
  var count: Int {
    get throws {
      let data = try Data(contentsOf: URL(fileURLWithPath: file))
      return try #require(try JSONSerialization.jsonObject(with: data) as? [Any]).count
    }
  }

  func run(_ line: String, db: String? = nil) throws -> ProcessResult {
    try cli.run(line.split(separator: " ").map(String.init), db: db)
  }

  /// Each plan of a JSON export as the export wrote it (one per line), without the ids that
  /// are local: the text itself, so that a number one unit in the last place off shows.
  func plans(_ json: String) throws -> [String] {
    let lines = json.split(separator: "\n").filter { $0.hasPrefix("{") }
    #expect(lines.count == (try count))
    return lines.map {
      String($0).replacing(/^\{"id":\d+,/, with: "{").replacing(/"sweep_id":(null|\d+),/, with: "")
    }
  }

  @Test func aRoundTripGivesTheSameJSON() throws {
    let r = try run("import \(file)")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try count == 15)
    #expect(r.stdout.contains("plans:     15 added; 0 already here"), "\(r.stdout)")
    #expect(r.stdout.contains("sweeps:    1 added"), "\(r.stdout)")
    let source = try String(contentsOfFile: file, encoding: .utf8)
    let again = try run("export --format json").stdout
    #expect(try plans(again) == plans(source))
    // Their oldest plan is our first: ids keep the order of creation.
    let ours = try #require(try cli.json("plans --json --limit 0") as? [[String: Any]])
    let times = ours.reversed().compactMap { $0["created_at"] as? String }
    #expect(times == times.sorted())
  }

  @Test func theSweepsPlansAreGatheredIntoOneNewSweep() throws {
    #expect(try run("sweep --models gpt2-small --gpus a100-80gb").status == 0)
    #expect(try run("import \(file)").status == 0)
    let sweeps = try #require(try cli.json("sweeps --json") as? [[String: Any]])
    let imported = try #require(sweeps.first { ($0["id"] as? Int) == 2 })
    #expect(imported["status"] as? String == "complete")
    #expect(imported["planned"] as? Int == 8 && imported["written"] as? Int == 8)
    #expect((imported["summary"] as? String)?.hasPrefix("imported from \(file)") == true)
    let swept = try #require(try cli.json("plans --json --limit 0 --sweep 2") as? [Any])
    #expect(swept.count == 8)
  }

  @Test func importingTwiceOrIntoItsOwnSourceChangesNothing() throws {
    #expect(try run("import \(file)").status == 0)
    let listings = ["plans --json --limit 0", "sweeps --json"]
    let before = try listings.map { try run($0).stdout }
    let second = try run("import \(file)")
    #expect(second.stdout.contains("plans:     0 added; 15 already here"), "\(second.stdout)")
    #expect(try listings.map { try run($0).stdout } == before)
    let home = try run("import \(file)", db: theirs)
    #expect(home.stdout.contains("plans:     0 added; 15 already here"), "\(home.stdout)")
  }

  /// The export with one plan's member replaced (or removed, for nil).
  func edited(_ name: String, plan index: Int, _ edit: (inout [String: Any]) -> Void) throws
    -> String
  {
    let data = try Data(contentsOf: URL(fileURLWithPath: file))
    var array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    edit(&array[index])
    let path = cli.folder.file(name)
    try JSONSerialization.data(withJSONObject: array).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func aDamagedExportIsRefusedInOneLineNamingThePlanAndKey() throws {
    #expect(try run("plan gpt2-small a100-80gb").status == 0)
    let precision = try edited("precision.json", plan: 0) {
      var setup = $0["setup"] as! [String: Any]
      setup["precision"] = "bf17"
      $0["setup"] = setup
    }
    let older = try edited("older.json", plan: 3) {
      var model = $0["model"] as! [String: Any]
      model["qk_norm"] = nil
      $0["model"] = model
    }
    let fraction = try edited("fraction.json", plan: 14) { $0["parameters"] = 1.5 }
    func write(_ name: String, _ text: String) throws -> String {
      let path = cli.folder.file(name)
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      return path
    }
    let source = try String(contentsOfFile: file, encoding: .utf8)
    let cut = try write("cut.json", String(source.prefix(source.count / 2)))
    let trailing = try write("trailing.json", source + "x")
    let scalar = try write("scalar.json", "[1]")
    let comma = try write("comma.json", "[{},]")
    let invalid = try write("invalid.json", "[{\"id\": 1,}]")
    try cli.expectRefusedChangingNothing([
      ["import", precision], ["import", older], ["import", fraction], ["import", cut],
      ["import", trailing], ["import", scalar], ["import", comma], ["import", invalid],
    ])
    let messages = try [precision, older, fraction, cut].map { try run("import \($0)").stderr }
    #expect(messages[0].contains("plan 1: setup.precision is \"bf17\", it must be one of fp32"))
    #expect(messages[1].contains("plan 4: model.qk_norm is missing"))
    #expect(messages[1].contains("older trainplan"))
    #expect(messages[2].contains("plan 15: parameters is 1.5, it must be a whole number"))
    #expect(messages[3].contains("cut short inside plan"))
  }

  @Test func anEmptyExportImportsNothing() throws {
    let empty = cli.folder.file("empty.json")
    #expect(try run("export --format json --output \(empty)").status == 0)
    let r = try run("import \(empty)")
    #expect(r.status == 0 && r.stdout.contains("plans:     0 added; 0 already here"))
  }
}

/// The pass that finds a JSON array's elements without parsing them.
@Suite struct JSONArrayElementsTests {
  /// The elements found, the same whatever the size of the chunks the file is read in (an
  /// element, a string or an escape cut between two chunks).
  func elements(_ text: String) throws -> [String] {
    let folder = TemporaryFolder()
    let path = folder.file("a.json")
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    let found = try [1, 2, 3, 7, 1 << 16].map { size in
      let elements = try JSONArrayElements(fd, chunkSize: size)
      return try elements.ranges.indices.map {
        String(decoding: try elements.read($0), as: UTF8.self)
      }
    }
    #expect(Set(found).count == 1, "\(found)")
    return found[0]
  }

  @Test func bracketsAndQuotesInsideStringsDoNotEndAnElement() throws {
    let text = #" [ {"a": "],\"[{"}, [1, [2]] ,{"b":{"c":[]}} ] "#
    #expect(try elements(text) == [#"{"a": "],\"[{"}"#, "[1, [2]] ", #"{"b":{"c":[]}} "#])
    #expect(try elements("[]").isEmpty)
    #expect(try elements("\n[\n]\n").isEmpty)
  }

  @Test func aBrokenArrayIsAProblem() {
    for text in ["", " ", "{}", "[", "[{}", "[{},", "[{},]", "[{}] x", #"[{"a": "]"#] {
      #expect(throws: JSONArrayElements.Problem.self, "\(text)") { try elements(text) }
    }
  }
}
