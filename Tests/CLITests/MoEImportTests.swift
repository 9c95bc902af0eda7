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

  /// `validation/moe_counts.json`, transformers' counts of the committed configs.
  static func counts() throws -> Counts {
    let data = try Data(contentsOf: validation.appendingPathComponent("moe_counts.json"))
    return try JSONDecoder().decode(Counts.self, from: data)
  }

  @Test func countsEqualTransformers() throws {
    let counts = try Self.counts()
    #expect(counts.cases.count == 7)
    for c in counts.cases {
      let path = Self.validation.appendingPathComponent(c.config_file).path
      let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
      let r = try cli.run(["model", "import", path, "--name", name])
      #expect(r.status == 0, "\(c.name): \(r.stderr)")
      let shown = try cli.json(["model", "show", name, "--json"])
      #expect(int(shown, "parameters") == c.total, "\(c.name) total")
      #expect(int(shown, "active_parameters") == c.active, "\(c.name) active")
      // Qwen2-MoE's shared-expert gate is stored with the model and shown.
      let gate = try #require(value(shown, "experts.shared_expert_gate") as? Bool, "\(c.name)")
      #expect(gate == (c.model_type == "qwen2_moe"), "\(c.name) shared_expert_gate")
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

  /// DeepSeek-V2-Lite typed by hand with `model add`'s MoE and latent-attention flags counts
  /// what transformers instantiates for its config.json (`moe_counts.json`), as the import does.
  @Test func latentAttentionByHandEqualsTransformers() throws {
    let lite = try #require(try Self.counts().cases.first { $0.model_type == "deepseek_v2" })
    let shape =
      "--vocab-size 102400 --context-length 4096 --layers 27 --d-model 2048 --heads 16 --d-ff 10944 --experts 64 --top-k 6 --shared-experts 2 --expert-ffn 1408 --first-dense-layers 1"
    let latent = "--kv-lora-rank 512 --qk-nope-head-dim 128 --qk-rope-head-dim 64 --v-head-dim 128"
    let r = try cli.run("model add v2-lite \(shape) \(latent)")
    #expect(r.status == 0, "\(r.stderr)")
    let shown = try cli.json(["model", "show", "v2-lite", "--json"])
    #expect(int(shown, "parameters") == lite.total)
    #expect(int(shown, "active_parameters") == lite.active)
    #expect(int(shown, "latent_attention.kv_lora_rank") == 512)
    // Refused in one line, nothing saved: a rank of 0, a latent width missing, a Q rank alone.
    let before = cli.databaseBytes()
    for (extra, message) in [
      (latent.replacingOccurrences(of: "512", with: "0"), "--kv-lora-rank must be in 1…1048576"),
      (latent + " --q-lora-rank 0", "--q-lora-rank must be in 1…1048576, or none"),
      ("--kv-lora-rank 512", "missing --qk-nope-head-dim, --qk-rope-head-dim, --v-head-dim"),
      ("--q-lora-rank 1536", "--q-lora-rank describes latent attention"),
    ] {
      let bad = try cli.run("model add other \(shape) \(extra)")
      #expect(bad.status != 0, "\(extra)")
      #expect(bad.stderr.contains(message), "\(extra): \(bad.stderr)")
      #expect(bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
    }
    #expect(cli.databaseBytes() == before)
  }

  @Test func unsupportedMoETypesListWhatIs() throws {
    let folder = cli.folder
    let file = folder.file("dbrx.json")
    try #"{"model_type": "dbrx", "hidden_size": 2048, "num_hidden_layers": 16}"#
      .write(toFile: file, atomically: true, encoding: .utf8)
    let r = try cli.run(["model", "import", file, "--name", "dbrx"])
    #expect(r.status == 1)
    #expect(
      r.stderr.contains(
        "supported: gpt2, llama, mistral, qwen2, gpt_neox, mixtral, qwen2_moe, qwen3_moe, deepseek_v2, deepseek_v3, olmoe, gpt_oss"
      ))
  }

  /// A published config with one key changed to a shape trainplan does not model: one line
  /// naming the key, non-zero exit, nothing saved.
  @Test func newFamiliesRefuseUnmodelledKeysSavingNothing() throws {
    try cli.run("plan seed-gpt2-small a100-80gb --batch-size 1").expectStatus(0)
    let before = cli.databaseBytes()
    let edits: [(file: String, from: String, to: String, key: String)] = [
      (
        "qwen2-57b-a14b.json", #""decoder_sparse_step": 1"#, #""decoder_sparse_step": 2"#,
        "decoder_sparse_step"
      ),
      (
        "deepseek-v2-lite-chat.json", #""moe_layer_freq": 1"#, #""moe_layer_freq": 2"#,
        "moe_layer_freq"
      ),
      (
        "deepseek-v2-lite-chat.json", #""kv_lora_rank": 512"#, #""kv_lora_rank": 0"#,
        "kv_lora_rank"
      ),
      (
        "olmoe-1b-7b-0125-instruct.json", #""num_experts_per_tok": 8"#,
        #""num_experts_per_tok": 65"#, "num_experts_per_tok"
      ),
    ]
    for (i, edit) in edits.enumerated() {
      let published = try String(
        contentsOf: Self.validation.appendingPathComponent("configs/\(edit.file)"), encoding: .utf8)
      #expect(published.contains(edit.from), "\(edit.file)")
      let file = cli.folder.file("bad\(i).json")
      try published.replacingOccurrences(of: edit.from, with: edit.to)
        .write(toFile: file, atomically: true, encoding: .utf8)
      let r = try cli.run(["model", "import", file, "--name", "bad\(i)"])
      #expect(r.status == 1, "\(edit.key): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(edit.key): \(r.stderr)")
      #expect(r.stderr.contains(edit.key), "\(edit.key): \(r.stderr)")
    }
    #expect(cli.databaseBytes() == before)
  }

  @Test func modelAddTakesExpertsAndRefusesBadOnes() throws {
    let base =
      "model add m --vocab-size 32000 --context-length 4096 --layers 16 --d-model 2048 --heads 16"
    try cli.run(base + " --experts 64 --top-k 8 --expert-ffn 1024").expectStatus(0)
    let shown = try cli.json("model show m --json")
    // 16 layers × (attention 4h² + router 64h + 64 experts × 3·h·1024) + embedding and head.
    let h = 2_048
    let layer = 4 * h * h + 2 * h + 64 * h + 64 * 3 * h * 1_024
    #expect(int(shown, "parameters") == 16 * layer + 2 * 32_000 * h + h)
    #expect(int(shown, "active_parameters") == int(shown, "parameters")! - 16 * 56 * 3 * h * 1_024)
    try cli.run("plan seed-gpt2-small a100-80gb --batch-size 1").expectStatus(0)
    let before = cli.databaseBytes()
    for bad in [
      " --experts 4 --top-k 8", " --experts 0 --top-k 1", " --top-k 2", " --experts 8",
      " --experts 8 --top-k 2 --first-dense-layers 16", " --experts 8 --top-k 2 --moe-every 0",
    ] {
      let r = try cli.run(base.replacingOccurrences(of: " m ", with: " bad ") + bad)
      #expect(r.status != 0 && r.status < 128, "\(bad)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(bad): \(r.stderr)")
    }
    #expect(cli.databaseBytes() == before)
  }
}

extension TrainplanRunner {
  /// Imports Mixtral-8x7B's committed config.json as `mixtral`, for the MoE command tests.
  func importMixtral() throws {
    let config = MoEImportTests.validation.appendingPathComponent(
      "configs/mixtral-8x7b-v0.1.json"
    ).path
    let r = try run(["model", "import", config, "--name", "mixtral"])
    #expect(r.status == 0, "\(r.stderr)")
  }
}
