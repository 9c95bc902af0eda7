import Foundation
import TestSupport
import Testing

@testable import CLI

/// `gpu set`, `model set`, `gpu restore`, `model restore`, and user text shown on a terminal.
@Suite struct RecordEditCommandTests {
  let cli = TrainplanRunner()

  @Test func gpuSetChangesOnlyTheFieldsGiven() throws {
    let before = try #require(try cli.json("gpu show a100-80gb --json") as? [String: Any])
    let r = try cli.run("gpu set a100-80gb --price-per-hour 2.5")
    #expect(r.status == 0, "\(r.stderr)")
    let after = try #require(try cli.json("gpu show a100-80gb --json") as? [String: Any])
    #expect(double(after, "price_per_hour") == 2.5)
    for key in before.keys where !["price_per_hour", "updated_at"].contains(key) {
      #expect("\(before[key]!)" == "\(after[key]!)", "\(key) changed")
    }
  }

  @Test func modelSetChangesOnlyTheFieldsGiven() throws {
    let r = try cli.run("model set gpt2-small --layers 6 --no-tied-embeddings --source mine")
    #expect(r.status == 0, "\(r.stderr)")
    let m = try cli.json("model show gpt2-small --json")
    #expect(int(m, "num_layers") == 6)
    #expect(value(m, "tied_embeddings") as? Bool == false)
    #expect(value(m, "source") as? String == "mine")
    #expect(int(m, "d_model") == 768 && value(m, "ffn") as? String == "gelu")
  }

  static let refused: [String] = [
    "gpu set a100-80gb --reserve 90GiB",
    "gpu set a100-80gb --price-per-hour -1",
    "gpu set a100-80gb --bf16-tflops 0",
    "gpu set a100-80gb",
    "gpu set nope --price-per-hour 1",
    "model set gpt2-xl --heads 7",
    "model set gpt2-xl --kv-heads 4",
    "model set gpt2-xl --layers 0",
    "model set gpt2-xl --d-model 1e300",
    "model set gpt2-xl",
    "model restore gpt2-xl",
    "model restore my-model",
    "gpu restore h200",
    "gpu restore h2000",
  ]

  @Test func refusalsAreOneLineAndChangeNothing() throws {
    try cli.run("plan seed-gpt2-small a100-80gb --batch-size 1")
    try cli.expectRefusedChangingNothing(Self.refused)
    let taken = try cli.run("model restore gpt2-xl")
    #expect(taken.stderr.contains("exists already"))
    let unknown = try cli.run("gpu restore h2000")
    #expect(unknown.stderr.contains("no preset GPU named 'h2000'"))
  }

  @Test func removedPresetsCanBeRestored() throws {
    let original = try cli.json("gpu show h200 --json")
    #expect(try cli.run("gpu remove h200").status == 0)
    let r = try cli.run("gpu restore h200")
    #expect(r.status == 0, "\(r.stderr)")
    let back = try cli.json("gpu show h200 --json")
    for key in ["memory_bytes", "bf16_tflops", "price_per_hour", "power_watts", "source"] {
      #expect("\(value(original, key)!)" == "\(value(back, key)!)", "\(key)")
    }
    #expect(try cli.run("model remove seed-gpt2-xl").status == 0)
    #expect(try cli.run("model restore seed-gpt2-xl").status == 0)
    let plan = try cli.json("plan seed-gpt2-xl a100-80gb --no-save --json")
    #expect(int(plan, "parameters") == 2_126_902_400)
  }

  @Test func namesInEitherUnicodeFormAreOneName() throws {
    let add = [
      "model", "add", "cafe\u{301}", "--vocab-size", "100", "--context-length", "8", "--layers",
      "1", "--d-model", "8", "--heads", "2",
    ]
    #expect(try cli.run(add).status == 0)
    #expect(
      value(try cli.json(["model", "show", "caf\u{E9}", "--json"]), "name") as? String
        == "caf\u{E9}")
    var again = add
    again[2] = "caf\u{E9}"
    #expect(try cli.run(again).stderr.contains("exists already"))
    let bidi = try cli.run(["gpu", "add", "a\u{202E}b", "--memory", "1GiB", "--fp32-tflops", "1"])
    #expect(bidi.status != 0)
    #expect(bidi.stderr.contains("bidirectional-control or zero-width"))
  }

  /// The README's first command plans SPEC's worked example and stays true.
  @Test func theREADMEsFirstCommandIsSPECsWorkedExample() throws {
    let readme = try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
          "README.md"), encoding: .utf8)
    let command = "plan seed-gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000"
    let firstBlock = readme.components(separatedBy: "```").dropFirst().first ?? ""
    #expect(firstBlock.contains("swift run trainplan " + command))
    let r = try cli.run(command)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("(2,126,902,400)"))
    // The largest that fits is 3 (SPEC); 3 does not divide B = 1,024, so it plans at 2.
    #expect(r.stdout.contains("fits at micro-batch 2"))
    #expect(r.stdout.contains("Largest micro-batch that fits: 3"))
    #expect(r.stdout.contains("6,353.9 days"))
  }

  @Test func userTextIsEscapedOnATerminal() {
    let hostile = "mine\u{1B}[31m\u{202E}lx-2tpg\u{200B}\ttab"
    #expect(Terminal.escaped(hostile) == #"mine\u{1B}[31m\u{202E}lx-2tpg\u{200B}\ttab"#)
    #expect(Terminal.escaped("café 模型 🚀") == "café 模型 🚀")
    var table = Table(["name", "source"])
    table.append(["g", hostile])
    let shown = table.render(aligned: true)
    #expect(!shown.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
    #expect(shown.contains(#"\u{1B}"#))
    let list = KeyValueList([("source", hostile)])
    #expect(
      list.render(escaping: true) == #"source  mine\u{1B}[31m\u{202E}lx-2tpg\u{200B}\ttab"# + "\n")
    #expect(list.render(escaping: false) == "source  " + hostile + "\n")
  }
}
