import ConfigImport
import Foundation
import Planner
import Testing

/// qwen2_moe, deepseek_v2 and olmoe: what each reads from its config.json, counted tensor by
/// tensor as transformers builds it, and the keys it refuses (each refusal naming the key).
@Suite struct MoEFamilyImportTests {
  static let qwen2MoE: [(key: String, json: String)] = [
    ("model_type", #""qwen2_moe""#), ("_name_or_path", #""q""#), ("vocab_size", "1000"),
    ("max_position_embeddings", "64"), ("num_hidden_layers", "3"), ("hidden_size", "64"),
    ("num_attention_heads", "4"), ("num_key_value_heads", "2"), ("intermediate_size", "96"),
    ("num_experts", "8"), ("num_experts_per_tok", "2"), ("moe_intermediate_size", "32"),
    ("shared_expert_intermediate_size", "80"), ("decoder_sparse_step", "1"),
  ]
  static let deepseekV2: [(key: String, json: String)] = [
    ("model_type", #""deepseek_v2""#), ("_name_or_path", #""d""#), ("vocab_size", "1000"),
    ("max_position_embeddings", "64"), ("num_hidden_layers", "4"), ("hidden_size", "64"),
    ("num_attention_heads", "4"), ("num_key_value_heads", "4"), ("intermediate_size", "128"),
    ("q_lora_rank", "null"), ("kv_lora_rank", "16"), ("qk_nope_head_dim", "8"),
    ("qk_rope_head_dim", "4"), ("v_head_dim", "8"), ("n_routed_experts", "8"),
    ("num_experts_per_tok", "2"), ("n_shared_experts", "2"), ("moe_intermediate_size", "16"),
    ("first_k_dense_replace", "1"), ("moe_layer_freq", "1"),
  ]
  static let olmoe: [(key: String, json: String)] = [
    ("model_type", #""olmoe""#), ("_name_or_path", #""o""#), ("vocab_size", "1000"),
    ("max_position_embeddings", "64"), ("num_hidden_layers", "2"), ("hidden_size", "64"),
    ("num_attention_heads", "4"), ("num_key_value_heads", "2"), ("intermediate_size", "32"),
    ("num_experts", "8"), ("num_experts_per_tok", "2"),
  ]

  /// `members` with `key` set to `json` (added when absent; nil removes it).
  static func json(_ members: [(key: String, json: String)], _ key: String? = nil, _ json: String?)
    -> Data
  {
    var all = members.compactMap { m -> String? in
      guard m.key == key else { return "\"\(m.key)\": \(m.json)" }
      return json.map { "\"\(m.key)\": \($0)" }
    }
    if let key, let json, !members.contains(where: { $0.key == key }) {
      all.append("\"\(key)\": \(json)")
    }
    return Data(("{" + all.joined(separator: ", ") + "}").utf8)
  }

  static func json(_ members: [(key: String, json: String)]) -> Data {
    json(members, nil, nil)
  }

  static func count(_ data: Data) throws -> Int {
    try DetailedMethod.parameterCount(try HuggingFaceConfigTests.config(data))
  }

  /// Qwen2-MoE: Q, K, V biases, the shared expert of its own width and its h → 1 gate.
  @Test func qwen2MoECountsBiasesSharedExpertAndGate() throws {
    let c = try HuggingFaceConfigTests.config(Self.json(Self.qwen2MoE))
    let e = try #require(c.experts)
    #expect(c.bias == .qkv && !c.qkNorm)
    #expect((e.count, e.topK, e.ffn, e.shared, e.sharedFFN) == (8, 2, 32, 1, 80))
    #expect(e.sharedExpertGate && e.firstDenseLayers == 0 && e.every == 1)
    let (h, kv) = (64, 32)
    let attention = 2 * h * h + 2 * h * kv + (h + 2 * kv)  // q, o, k, v and the q, k, v biases
    let moe = 8 * h + 8 * 3 * h * 32 + 3 * h * 80 + h  // router, experts, shared, gate
    #expect(
      try Self.count(Self.json(Self.qwen2MoE)) == 3 * (attention + moe + 2 * h) + h + 2 * 1_000 * h)
    // `qkv_bias: false` drops the biases; the gate goes with the shared expert.
    let plain = try Self.count(Self.json(Self.qwen2MoE, "qkv_bias", "false"))
    #expect(plain == 3 * (attention - (h + 2 * kv) + moe + 2 * h) + h + 2 * 1_000 * h)
  }

  /// DeepSeek-V2-Lite's shape: a plain q projection (`q_lora_rank: null`), the first layer
  /// dense, 2 shared experts, no router bias.
  @Test func deepseekV2CountsLatentAttentionWithoutQLoRA() throws {
    let c = try HuggingFaceConfigTests.config(Self.json(Self.deepseekV2))
    let m = try #require(c.latentAttention)
    let e = try #require(c.experts)
    #expect(m.qLoraRank == nil && m.kvLoraRank == 16)
    #expect((e.count, e.topK, e.shared, e.ffn, e.firstDenseLayers) == (8, 2, 2, 16, 1))
    #expect(!e.routerBias && !e.sharedExpertGate && c.bias == .none)
    let (h, n) = (64, 4)
    // q (n·12 × h), kv_a (16 + 4 × h), kv_a norm, kv_b (n·16 × 16), o (h × n·8)
    let attention = n * 12 * h + 20 * h + 16 + n * 16 * 16 + h * n * 8
    let dense = 3 * h * 128
    let moe = 8 * h + 10 * 3 * h * 16
    let total = 4 * (attention + 2 * h) + dense + 3 * moe + h + 2 * 1_000 * h
    #expect(try Self.count(Self.json(Self.deepseekV2)) == total)
  }

  /// OLMoE: Q/K norms over the whole projections (h and h/n × KV heads), not one head.
  @Test func olmoeCountsWholeProjectionQKNorms() throws {
    let c = try HuggingFaceConfigTests.config(Self.json(Self.olmoe))
    #expect(c.qkNorm && c.qkNormWholeProjection && c.bias == .none)
    let e = try #require(c.experts)
    #expect((e.count, e.topK, e.ffn, e.shared) == (8, 2, 32, 0))
    let (h, kv) = (64, 32)
    let attention = 2 * h * h + 2 * h * kv + h + kv
    let moe = 8 * h + 8 * 3 * h * 32
    #expect(
      try Self.count(Self.json(Self.olmoe)) == 2 * (attention + moe + 2 * h) + h + 2 * 1_000 * h)
    // attention_bias puts biases on q, k, v and o (no dense feed-forward to take them).
    let biased = try Self.count(Self.json(Self.olmoe, "attention_bias", "true"))
    #expect(biased == 2 * (attention + h + 2 * kv + h + moe + 2 * h) + h + 2 * 1_000 * h)
  }

  @Test(
    arguments: [
      ("qwen2_moe", "decoder_sparse_step", "2", "must be 1 (got 2)"),
      ("qwen2_moe", "mlp_only_layers", "[1]", "lists dense layers"),
      ("qwen2_moe", "shared_expert_intermediate_size", "0", "must be positive (got 0)"),
      ("qwen2_moe", "shared_expert_intermediate_size", nil, "missing key"),
      ("qwen2_moe", "num_experts_per_tok", "9", "must be at most the number of experts"),
      ("qwen2_moe", "qkv_bias", "1", "must be true or false"),
      ("qwen3_moe", "decoder_sparse_step", "2", "must be 1 (got 2)"),
      ("deepseek_v2", "moe_layer_freq", "2", "must be 1 (got 2)"),
      ("deepseek_v2", "attention_bias", "true", "true is not a deepseek_v2 layout"),
      ("deepseek_v2", "mlp_bias", "true", "true is not a deepseek_v2 layout"),
      ("deepseek_v2", "kv_lora_rank", "0", "kv_lora_rank"),
      ("deepseek_v2", "q_lora_rank", "0", "q_lora_rank"),
      ("deepseek_v2", "first_k_dense_replace", "4", "first_k_dense_replace"),
      ("olmoe", "head_dim", "32", "must be hidden_size / num_attention_heads"),
      ("olmoe", "num_experts", "0", "num_experts"),
      ("olmoe", "intermediate_size", "-1", "intermediate_size"),
    ] as [(String, String, String?, String)])
  func refusalsNameTheKey(type: String, key: String, value: String?, rule: String) {
    let base: [(key: String, json: String)]
    switch type {
    case "qwen2_moe": base = Self.qwen2MoE
    case "qwen3_moe":
      base = Self.qwen2MoE.map {
        $0.key == "model_type" ? (key: $0.key, json: #""qwen3_moe""#) : $0
      }
    case "deepseek_v2": base = Self.deepseekV2
    default: base = Self.olmoe
    }
    let error = HuggingFaceConfigTests.refusal(Self.json(base, key, value))
    #expect(error?.key == key, "\(type) \(key): \(String(describing: error))")
    #expect(error?.message.contains(rule) == true, "\(String(describing: error))")
    #expect(error?.description.contains("\n") == false)
  }

  @Test func unsupportedMoETypesListTheSupportedOnes() {
    let error = HuggingFaceConfigTests.refusal(
      Self.json(Self.olmoe, "model_type", #""granitemoe""#))
    #expect(error?.key == "model_type")
    #expect(
      error?.message.hasSuffix(
        "supported: gpt2, llama, mistral, qwen2, gpt_neox, mixtral, qwen2_moe, qwen3_moe, deepseek_v2, deepseek_v3, olmoe, gpt_oss"
      ) == true, "\(String(describing: error))")
  }
}
