import Foundation
import TestSupport
import Testing

/// Mixture-of-experts configs (published config.json copies under `validation/configs/`,
/// sources in `SOURCES.md`) import with the parameter counts transformers instantiates
/// (`validation/moe_counts.json`: the meta device, tied weights once, DeepSeek-V3's MTP layer
/// not counted) and the active parameters of the issue's formula.
@Suite struct MoEImportTests {
  let cli = TrainplanRunner()
  static let validation = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("validation")

  struct Counts: Decodable {
    struct Case: Decodable {
      var name, model_type, config_file: String
      var total, active: Int
    }
    var cases: [Case]
  }

  @Test func countsEqualTransformers() throws {
    let data = try Data(contentsOf: Self.validation.appendingPathComponent("moe_counts.json"))
    let counts = try JSONDecoder().decode(Counts.self, from: data)
    #expect(counts.cases.count == 4)
    for c in counts.cases {
      let path = Self.validation.appendingPathComponent(c.config_file).path
      let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
      let r = try cli.run(["model", "import", path, "--name", name])
      #expect(r.status == 0, "\(c.name): \(r.stderr)")
      let shown = try cli.json(["model", "show", name, "--json"])
      #expect(int(shown, "parameters") == c.total, "\(c.name) total")
      #expect(int(shown, "active_parameters") == c.active, "\(c.name) active")
    }
    // A plan stores every expert: Mixtral's 46.7B parameters under ZeRO 3 on 8 GPUs, bf16.
    let plan = try cli.json(
      "plan mixtral-8x7b-v0.1 h100-sxm --precision bf16 --attention flash --recompute full --num-gpus 8 --zero 3 --batch-size 1 --seq-len 4096 --method detailed --no-save --json"
    )
    #expect(int(plan, "parameters") == 46_702_792_704)
    #expect(int(plan, "active_parameters") == 12_879_925_248)
    #expect(int(plan, "memory.parameters_bytes")! > 2 * 46_702_792_704 / 8)
    // FLOPs follow the active parameters: well under 6 × total × tokens.
    let forward = try #require(double(plan, "flops.forward_per_step"))
    let dense: Double = 2 * 46_702_792_704 * 4_096 * 8
    #expect(forward < dense / 2)
  }

  @Test func unsupportedMoETypesListWhatIs() throws {
    let folder = cli.folder
    let file = folder.file("olmoe.json")
    try #"{"model_type": "olmoe", "hidden_size": 2048, "num_hidden_layers": 16}"#
      .write(toFile: file, atomically: true, encoding: .utf8)
    let r = try cli.run(["model", "import", file, "--name", "olmoe"])
    #expect(r.status == 1)
    #expect(
      r.stderr.contains(
        "supported: gpt2, llama, mistral, qwen2, gpt_neox, mixtral, qwen3_moe, deepseek_v3, gpt_oss"
      ))
  }
}
