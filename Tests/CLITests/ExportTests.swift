import Foundation
import TestSupport
import Testing

@Suite struct ExportTests {
  let cli = TrainplanRunner()

  init() throws {
    try cli.run("gpu add priced,x --memory 1GiB --fp32-tflops 1")  // refused: a comma
    try cli.run([
      "gpu", "add", "quoted \"gpu\"", "--memory", "24GiB", "--fp32-tflops", "35",
      "--price-per-hour", "1.25", "--source", "line one, with comma",
    ])
    for args in [
      "seed-gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000",
      "seed-gpt2-small quoted \"gpu\" --batch-size 2",
      "llama-3-8b h100-sxm --precision bf16 --attention flash --num-gpus 8 --zero 3 --batch-size 1",
    ] {
      var words = args.split(separator: " ").map(String.init)
      if args.contains("quoted") {
        words = ["seed-gpt2-small", "quoted \"gpu\"", "--batch-size", "2"]
      }
      let r = try cli.run(["plan"] + words)
      precondition(r.status == 0, r.stderr)
    }
  }

  @Test func csvParsedBackEqualsTheJSON() throws {
    let csv = try CSVReader.parse(try cli.run("export --format csv").stdout)
    let json = try #require(try cli.json("export --format json") as? [[String: Any]])
    #expect(csv.count == json.count + 1)
    let header = csv[0]
    for (row, object) in zip(csv.dropFirst(), json) {
      #expect(row.count == header.count)
      for (column, field) in zip(header, row) {
        let expected = value(object, column)
        #expect(expected != nil, "CSV column \(column) is not in the JSON")
        #expect(
          same(field, expected), "\(column): CSV '\(field)' vs JSON \(String(describing: expected))"
        )
      }
    }
    #expect(header.contains("memory.total_bytes"))
    #expect(header.contains("setup.precision"))
  }

  /// A CSV field equals a JSON leaf: null is empty, numbers compare as numbers.
  func same(_ field: String, _ json: Any?) -> Bool {
    switch json {
    case is NSNull: return field.isEmpty
    case let s as String: return field == s
    case let n as NSNumber:
      if field == "true" || field == "false" { return (json as? Bool) == (field == "true") }
      if let i = Int(field) { return n.int64Value == Int64(i) && n.doubleValue == Double(i) }
      // Foundation's JSON parser on Linux rounds the last digits of some doubles differently
      // from Double(String) (seen: 60997.592689836114 off by 3 ulp); both texts print the same value.
      guard let d = Double(field) else { return false }
      return abs(d - n.doubleValue) <= 1e-12 * abs(d)
    case let container as NSObject where json is [Any] || json is [String: Any]:
      // A list or an object (a plan's stages) is one cell of its JSON text.
      guard
        let parsed = try? JSONSerialization.jsonObject(with: Data(field.utf8)) as? NSObject
      else { return false }
      return parsed.isEqual(container)
    default: return false
    }
  }

  @Test func jsonIsOneArrayNewestFirst() throws {
    let json = try #require(try cli.json("export --format json") as? [[String: Any]])
    #expect(json.compactMap { ($0["id"] as? NSNumber)?.intValue } == [3, 2, 1])
    #expect(value(json[0], "setup.zero_stage") as? NSNumber == 3)
  }

  @Test func exportToAFileAndFilters() throws {
    let out = cli.folder.file("plans.csv")
    let r = try cli.run(["export", "--output", out, "--model", "seed-gpt2-xl"])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try CSVReader.parse(String(decoding: try #require(fileBytes(out)), as: UTF8.self))
    #expect(rows.count == 2)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).filter {
      $0.contains("partial")
    }
    #expect(leftovers.isEmpty)
  }

  @Test func exportIntoAMissingFolderFailsAndWritesNothing() throws {
    let r = try cli.run(["export", "--output", cli.folder.file("no/such/folder.csv")])
    #expect(r.status != 0)
    #expect(r.stderr.split(separator: "\n").count == 1)
  }

  @Test func emptyHistoryExportsAHeaderOrAnEmptyArray() throws {
    let empty = TrainplanRunner()
    let csv = try CSVReader.parse(try empty.run("export").stdout)
    #expect(csv.count == 1)
    #expect(csv[0].contains("training_days"))
    #expect((try empty.json("export --format json") as? [Any])?.isEmpty == true)
  }
}
