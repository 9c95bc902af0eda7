import Planner

// Typed access to the file's keys, each refusal naming the key, and the keys the planner's
// fields were read from.
extension HuggingFaceConfig {
  func int(_ key: String) throws -> Int {
    guard let value = try optionalInt(key) else { throw missing(key) }
    return value
  }

  /// A whole number: 4096, or 4096.0 as some exporters write it; never `true` or `"4096"`.
  func optionalInt(_ key: String) throws -> Int? {
    guard let raw = json[key], raw != .null else { return nil }
    guard case .number(let number, let whole) = raw, number == number.rounded() else {
      throw refused(key, "must be a whole number", raw)
    }
    guard abs(number) < 9.2e18, let whole else { throw refused(key, "must be below 9.2e18", raw) }
    return whole
  }

  func string(_ key: String) throws -> String {
    guard let value = try optionalString(key) else { throw missing(key) }
    return value
  }

  func optionalString(_ key: String) throws -> String? {
    guard let raw = json[key], raw != .null else { return nil }
    guard case .string(let value) = raw else { throw refused(key, "must be a string", raw) }
    return value
  }

  func optionalBool(_ key: String) throws -> Bool? {
    guard let raw = json[key], raw != .null else { return nil }
    guard case .bool(let value) = raw else { throw refused(key, "must be true or false", raw) }
    return value
  }

  func optionalProbability(_ key: String) throws -> Double? {
    guard let raw = json[key], raw != .null else { return nil }
    guard case .number(let number, _) = raw, number >= 0, number <= 1 else {
      throw refused(key, "must be a probability in [0, 1]", raw)
    }
    return number
  }

  func missing(_ key: String) -> ConfigImportError {
    ConfigImportError(file: file, key: key, "missing key '\(key)'")
  }

  func refused(_ key: String, _ rule: String, _ raw: ConfigValue) -> ConfigImportError {
    ConfigImportError(file: file, key: key, "key '\(key)' \(rule) (got \(raw.text))")
  }

  /// The key of `type`'s config.json that sets the planner's `field` (its own name if none).
  static func key(for field: Field, type: String) -> String {
    let gpt2: [Field: String] = [
      .contextLength: "n_positions", .numLayers: "n_layer", .dModel: "n_embd",
      .numHeads: "n_head", .numKVHeads: "n_head", .dFF: "n_inner",
    ]
    let common: [Field: String] = [
      .name: "_name_or_path", .vocabSize: "vocab_size",
      .contextLength: "max_position_embeddings", .numLayers: "num_hidden_layers",
      .dModel: "hidden_size", .numHeads: "num_attention_heads",
      .numKVHeads: "num_key_value_heads", .dFF: "intermediate_size",
      .topK: "num_experts_per_tok", .sharedExperts: "n_shared_experts",
      .expertFFN: "moe_intermediate_size", .firstDenseLayers: "first_k_dense_replace",
    ]
    let perType: [String: [Field: String]] = [
      "gpt2": gpt2,
      "mixtral": [.experts: "num_local_experts", .expertFFN: "intermediate_size"],
      "qwen2_moe": [.experts: "num_experts", .moeEvery: "decoder_sparse_step"],
      "qwen3_moe": [.experts: "num_experts", .moeEvery: "decoder_sparse_step"],
      "deepseek_v2": [
        .experts: "n_routed_experts", .moeEvery: "moe_layer_freq",
        .numKVHeads: "num_attention_heads",
      ],
      "deepseek_v3": [
        .experts: "n_routed_experts", .moeEvery: "moe_layer_freq",
        .numKVHeads: "num_attention_heads",
      ],
      "olmoe": [.experts: "num_experts", .expertFFN: "intermediate_size"],
      "gpt_oss": [.experts: "num_local_experts", .expertFFN: "intermediate_size"],
    ]
    return perType[type]?[field] ?? common[field] ?? field.rawValue
  }
}
