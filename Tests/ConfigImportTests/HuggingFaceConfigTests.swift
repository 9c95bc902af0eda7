import ConfigImport
import Foundation
import Planner
import Testing

/// `HuggingFaceConfig` in process: what each key is read as, what is refused and how the
/// refusal names the key, and the MoE families against transformers' own parameter counts.
@Suite struct HuggingFaceConfigTests {
  static let llama: [(key: String, json: String)] = [
    ("_name_or_path", #""meta-llama/Llama-T""#), ("model_type", #""llama""#),
    ("hidden_size", "4096"), ("intermediate_size", "11008"), ("max_position_embeddings", "4096"),
    ("num_attention_heads", "32"), ("num_hidden_layers", "32"), ("num_key_value_heads", "8"),
    ("vocab_size", "32000"), ("tie_word_embeddings", "false"),
  ]

  /// The llama config with `key` set to `json` (nil removes it).
  static func llama(_ key: String? = nil, _ json: String? = nil) -> Data {
    let members = llama.compactMap { m -> String? in
      guard m.key == key else { return "\"\(m.key)\": \(m.json)" }
      return json.map { "\"\(m.key)\": \($0)" }
    }
    return Data(("{" + members.joined(separator: ", ") + "}").utf8)
  }

  static func config(_ data: Data, name: String? = nil) throws -> ModelConfig {
    try HuggingFaceConfig(data: data, file: "c.json").modelConfig(name: name)
  }

  /// The refusal of `data`, which must be one.
  static func refusal(_ data: Data) -> ConfigImportError? {
    do {
      _ = try config(data)
      return nil
    } catch {
      return error as? ConfigImportError
    }
  }

  @Test func readsTheLlamaShape() throws {
    let c = try Self.config(Self.llama())
    #expect(c.name == "llama-t")
    let shape: [Int] = [
      c.vocabSize, c.contextLength, c.numLayers, c.dModel, c.numHeads, c.numKVHeads, c.dFF,
    ]
    #expect(shape == [32_000, 4_096, 32, 4_096, 32, 8, 11_008])
    #expect(c.ffn == .swiglu && c.norm == .rmsnorm && c.positional == .rope && !c.tiedEmbeddings)
    #expect(try Self.config(Self.llama(), name: "mine").name == "mine")
  }

  @Test func wholeNumbersWrittenAsDecimalsAreTaken() throws {
    #expect(try Self.config(Self.llama("hidden_size", "4096.0")).dModel == 4_096)
    #expect(try Self.config(Self.llama("vocab_size", "3.2e4")).vocabSize == 32_000)
    // Beyond 2^53 a double is inexact: the integer is read as written.
    let big = try Self.config(Self.llama("max_position_embeddings", "9007199254740993"))
    #expect(big.contextLength == 9_007_199_254_740_993)
  }

  @Test(arguments: [
    ("true", "must be a whole number (got true)"),
    ("false", "must be a whole number (got false)"),
    (#""4096""#, #"must be a whole number (got "4096")"#),
    ("4096.5", "must be a whole number (got 4096.5)"),
    ("[4096]", "must be a whole number (got [4096])"),
    (#"{"a": 1}"#, #"must be a whole number (got {"a":1})"#),
    ("9223372036854775807", "must be below 9.2e18 (got 9223372036854775807)"),
    ("9223372036854775808", "must be below 9.2e18 (got 9223372036854775808)"),
  ])
  func numbersAreRefusedNamingTheKey(json: String, rule: String) {
    let error = Self.refusal(Self.llama("num_key_value_heads", json))
    #expect(error?.key == "num_key_value_heads")
    #expect(error?.description == "c.json: key 'num_key_value_heads' \(rule)")
  }

  @Test func booleansAndStringsKeepTheirTypes() {
    let flag = Self.refusal(Self.llama("tie_word_embeddings", "1"))
    #expect(flag?.message == "key 'tie_word_embeddings' must be true or false (got 1)")
    let type = Self.refusal(Self.llama("model_type", "-0.0"))
    #expect(type?.message == "key 'model_type' must be a string (got -0)")
    #expect(Self.refusal(Self.llama("model_type", "null"))?.message == "missing key 'model_type'")
    #expect(Self.refusal(Self.llama("vocab_size"))?.key == "vocab_size")
  }

  @Test func thePlannersRulesNameTheFilesKeys() {
    let kv = Self.refusal(Self.llama("num_key_value_heads", "5"))
    #expect(kv?.key == "num_key_value_heads")
    #expect(kv?.message == "num_key_value_heads 5 does not divide num_attention_heads 32")
    let zero = Self.refusal(Self.llama("hidden_size", "0"))
    #expect(zero?.message == "hidden_size must be positive (got 0)")
    let gpt2 = Data(
      #"{"model_type": "gpt2", "_name_or_path": "g", "vocab_size": 10, "n_positions": 8, "n_layer": 1, "n_embd": 10, "n_head": 3}"#
        .utf8)
    #expect(Self.refusal(gpt2)?.message == "n_head 3 does not divide n_embd 10")
  }

  @Test func filesThatAreNotAJSONObjectAreRefusedWhole() {
    for (text, reason) in [
      ("[1]", "the file holds an array"),
      ("{", "malformed or truncated JSON: an object's key must be a string at byte 1"),
      (
        "{\"a\": 1e400}", "malformed or truncated JSON: the number 1e400 is out of range at byte 11"
      ),
      ("", "malformed or truncated JSON: the text ends where a value should be at byte 0"),
    ] {
      let error = Self.refusal(Data(text.utf8))
      #expect(error?.key == nil)
      #expect(error?.message == "not a JSON object (\(reason))", "\(text)")
    }
    #expect(Self.refusal(Data([0xFF, 0xFE, 0x00, 0x7B]))?.message == "not UTF-8 text")
    let unsupported = Self.refusal(Self.llama("model_type", #""t5""#))
    #expect(unsupported?.key == "model_type")
    #expect(
      unsupported?.message.hasPrefix("model_type 't5' is not supported; supported: gpt2") == true)
  }

  // MARK: The MoE families

  static let validation = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("validation")

  struct Counts: Decodable {
    struct Case: Decodable {
      var model_type, config_file: String
      var total, active: Int
    }
    var cases: [Case]
  }

  /// The seven MoE configs (validation/configs, sources in SOURCES.md) count as transformers
  /// instantiates them (validation/moe_counts.json), total and active.
  @Test func moeFamiliesCountAsTransformers() throws {
    let data = try Data(contentsOf: Self.validation.appendingPathComponent("moe_counts.json"))
    let cases = try JSONDecoder().decode(Counts.self, from: data).cases
    #expect(
      Set(cases.map(\.model_type)) == [
        "mixtral", "qwen2_moe", "qwen3_moe", "deepseek_v2", "deepseek_v3", "olmoe", "gpt_oss",
      ])
    for c in cases {
      let file = Self.validation.appendingPathComponent(c.config_file).path
      let config = try HuggingFaceConfig(file: file).modelConfig(name: c.model_type)
      #expect(try DetailedMethod.parameterCount(config) == c.total, "\(c.model_type)")
      #expect(try DetailedMethod.activeParameterCount(config) == c.active, "\(c.model_type)")
      #expect(config.experts != nil, "\(c.model_type)")
    }
  }

  @Test func moeKeysAreReadAndNamed() throws {
    let mixtral = Data(
      #"{"model_type": "mixtral", "_name_or_path": "m", "vocab_size": 32000, "max_position_embeddings": 4096, "num_hidden_layers": 2, "hidden_size": 512, "num_attention_heads": 8, "num_key_value_heads": 2, "intermediate_size": 1024, "num_local_experts": 8, "num_experts_per_tok": 2}"#
        .utf8)
    let experts = try #require(try Self.config(mixtral).experts)
    #expect((experts.count, experts.topK, experts.ffn) == (8, 2, 1_024))
    let tooMany = String(decoding: mixtral, as: UTF8.self)
      .replacingOccurrences(of: #""num_experts_per_tok": 2"#, with: #""num_experts_per_tok": 9"#)
    let error = Self.refusal(Data(tooMany.utf8))
    #expect(error?.key == "num_experts_per_tok", "\(String(describing: error))")
    let qwen = Data(
      #"{"model_type": "qwen3_moe", "_name_or_path": "q", "vocab_size": 1000, "max_position_embeddings": 64, "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128, "num_experts": 4, "num_experts_per_tok": 1, "moe_intermediate_size": 32, "mlp_only_layers": [0]}"#
        .utf8)
    #expect(Self.refusal(qwen)?.key == "mlp_only_layers")
    let deepseek = Data(
      #"{"model_type": "deepseek_v3", "_name_or_path": "d", "vocab_size": 1000, "max_position_embeddings": 64, "num_hidden_layers": 4, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "kv_lora_rank": 16, "qk_nope_head_dim": 8, "qk_rope_head_dim": 8, "v_head_dim": 8, "n_routed_experts": 8, "num_experts_per_tok": 2, "n_shared_experts": 1, "moe_intermediate_size": 16, "first_k_dense_replace": true}"#
        .utf8)
    #expect(Self.refusal(deepseek)?.key == "first_k_dense_replace")
    let oss = Data(
      #"{"model_type": "gpt_oss", "_name_or_path": "o", "vocab_size": 1000, "max_position_embeddings": 64, "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 64, "num_local_experts": 4, "experts_per_token": 2}"#
        .utf8)
    let gptOSS = try Self.config(oss)
    #expect(gptOSS.experts?.topK == 2 && gptOSS.attentionSinks)
  }
}
