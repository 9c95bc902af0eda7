import Foundation
import TestSupport
import Testing

/// `model import` on real checkpoints' config.json files (copied from their Hugging Face repos).
@Suite struct ModelImportTests {
  let cli = TrainplanRunner()

  static let configs: [(file: String, json: String, name: String, parameters: Int)] = [
    (
      "gpt2.json",
      #"{"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "summary_activation": null, "summary_first_dropout": 0.1, "summary_proj_to_labels": true, "summary_type": "cls_index", "summary_use_proj": true, "vocab_size": 50257}"#,
      "gpt2-small-real", 124_439_808
    ),
    (
      "llama2.json",
      #"{"_name_or_path": "meta-llama/Llama-2-7b-hf", "architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 11008, "max_position_embeddings": 4096, "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null, "tie_word_embeddings": false, "torch_dtype": "float16", "transformers_version": "4.31.0.dev0", "use_cache": true, "vocab_size": 32000}"#,
      "llama-2-7b-hf", 6_738_415_616
    ),
    (
      "mistral.json",
      #"{"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.34.0.dev0", "use_cache": true, "vocab_size": 32000}"#,
      "mistral-7b-real", 7_241_732_096
    ),
    (
      "qwen2.json",
      #"{"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02, "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24, "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.40.1", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}"#,
      "qwen2.5-0.5b-real", 494_032_768
    ),
    (
      "pythia.json",
      #"{"architectures": ["GPTNeoXForCausalLM"], "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "gelu", "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05, "max_position_embeddings": 2048, "model_type": "gpt_neox", "num_attention_heads": 12, "num_hidden_layers": 12, "rotary_emb_base": 10000, "rotary_pct": 0.25, "tie_word_embeddings": false, "torch_dtype": "float16", "transformers_version": "4.24.0", "use_cache": true, "use_parallel_residual": true, "vocab_size": 50304}"#,
      "pythia-160m", 162_322_944
    ),
  ]

  func write(_ name: String, _ text: String) -> String {
    let path = cli.folder.file(name)
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
  }

  @Test func realConfigsImportWithExactParameterCounts() throws {
    for c in Self.configs {
      let path = write(c.file, c.json)
      var args = ["model", "import", path]
      if !c.json.contains("_name_or_path") { args += ["--name", c.name] }
      let r = try cli.run(args)
      #expect(r.status == 0, "\(c.file): \(r.stderr)")
      #expect(r.stdout.contains(groupedDigits(c.parameters)), "\(c.file): \(r.stdout)")
      let plan = try cli.json([
        "plan", c.name, "h200", "--method", "detailed", "--batch-size", "1", "--no-save", "--json",
      ])
      #expect(int(plan, "parameters") == c.parameters, "\(c.file)")
    }
  }

  func groupedDigits(_ n: Int) -> String {
    let d = Array(String(n))
    return d.enumerated().map { i, c in (i > 0 && (d.count - i) % 3 == 0 ? "," : "") + String(c) }
      .joined()
  }

  @Test func gpt2MapsItsRealArchitecture() throws {
    let path = write("gpt2.json", Self.configs[0].json)
    #expect(try cli.run(["model", "import", path, "--name", "gpt2-real"]).status == 0)
    let m = try cli.json("model show gpt2-real --json")
    #expect(value(m, "ffn") as? String == "gelu")
    #expect(value(m, "tied_embeddings") as? Bool == true)
    #expect(value(m, "norm") as? String == "layernorm")
    #expect(value(m, "bias") as? String == "all")
    #expect(value(m, "positional") as? String == "learned")
    #expect(int(m, "context_length") == 1_024)
    #expect(int(m, "d_ff") == 3_072)
  }

  @Test func qwen2HasQKVBiasesAndGQA() throws {
    let path = write("qwen2.json", Self.configs[3].json)
    #expect(
      try cli.run(["model", "import", path, "--name", "q", "--context-length", "4096"]).status == 0)
    let m = try cli.json("model show q --json")
    #expect(value(m, "bias") as? String == "qkv")
    #expect(int(m, "num_kv_heads") == 2)
    #expect(int(m, "context_length") == 4_096)
  }

  @Test func badFilesAreRefusedNamingTheKeyAndSaveNothing() throws {
    let before = try #require(try cli.json("model list --json") as? [Any]).count
    let cases: [(String, [UInt8], String)] = [
      (
        "unknown.json", Array(#"{"model_type": "t5", "vocab_size": 5}"#.utf8),
        "model_type 't5' is not supported"
      ),
      (
        "missing.json",
        Array(#"{"model_type": "llama", "_name_or_path": "x/y", "vocab_size": 32000}"#.utf8),
        "missing key 'num_attention_heads'"
      ),
      (
        "wrongtype.json",
        Array(
          #"{"model_type": "gpt2", "_name_or_path": "g", "vocab_size": "many", "n_positions": 1, "n_layer": 1, "n_embd": 4, "n_head": 1}"#
            .utf8), "key 'vocab_size' must be a whole number"
      ),
      ("truncated.json", Array(Self.configs[1].json.utf8.prefix(120)), "not a JSON object"),
      ("binary.json", [0xFF, 0xFE, 0x00, 0x7B, 0x80, 0x81], "not UTF-8"),
      ("array.json", Array("[1, 2, 3]".utf8), "not a JSON object"),
      (
        "noname.json",
        Array(
          #"{"model_type": "mistral", "vocab_size": 32000, "max_position_embeddings": 8, "num_hidden_layers": 1, "hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 16}"#
            .utf8), "give --name"
      ),
      (
        "hugewidth.json",
        Array(
          #"{"model_type": "gpt2", "_name_or_path": "w", "vocab_size": 10, "n_positions": 8, "n_layer": 1, "n_embd": 4000000000000000000, "n_head": 1}"#
            .utf8), "too large"
      ),
      (
        "badheads.json",
        Array(
          #"{"model_type": "llama", "_name_or_path": "bad", "vocab_size": 10, "max_position_embeddings": 8, "num_hidden_layers": 1, "hidden_size": 10, "num_attention_heads": 3, "intermediate_size": 16}"#
            .utf8), "num_attention_heads 3 does not divide hidden_size 10"
      ),
    ]
    for (name, bytes, message) in cases {
      let path = cli.folder.file(name)
      _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
      let r = try cli.run(["model", "import", path])
      #expect(r.status != 0 && !r.signaled, "\(name)")
      #expect(r.stderr.contains(message), "\(name): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(name): \(r.stderr)")
    }
    #expect(try #require(try cli.json("model list --json") as? [Any]).count == before)
  }
}
