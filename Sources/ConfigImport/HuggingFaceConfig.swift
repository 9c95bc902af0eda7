import Planner

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a Hugging Face `config.json` into a model config, offline, mapping each supported
/// `model_type`'s real architecture (GPT-2's learned positions, biases, LayerNorm, GELU and tied
/// embeddings; Qwen2's Q/K/V biases; …). Every refusal is a `ConfigImportError` naming the key.
public struct HuggingFaceConfig {
  public static let supported = [
    "gpt2", "llama", "mistral", "qwen2", "gpt_neox", "mixtral", "qwen2_moe", "qwen3_moe",
    "deepseek_v2", "deepseek_v3", "olmoe", "gpt_oss",
  ]
  static let mixtureOfExperts: Set<String> = [
    "mixtral", "qwen2_moe", "qwen3_moe", "deepseek_v2", "deepseek_v3", "olmoe", "gpt_oss",
  ]
  public static let maximumFileBytes = 16 << 20

  let json: [String: ConfigValue]
  let file: String

  /// Reads `file`: at most 16 MiB of UTF-8 text holding one JSON object.
  public init(file: String) throws {
    var isFolder = false
    if FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), isFolder {
      throw ConfigImportError(file: file, "is a folder; name the config.json file inside it")
    }
    guard let bytes = Self.contents(of: file, limit: Self.maximumFileBytes + 1) else {
      throw ConfigImportError(file: file, "cannot read the file")
    }
    if bytes.count > Self.maximumFileBytes {
      throw ConfigImportError(file: file, "larger than 16 MiB; not a config.json")
    }
    try self.init(data: Data(bytes), file: file)
  }

  /// Up to `limit` bytes of `file`: nil when the file cannot be opened or read, or holds
  /// nothing (as `FileHandle.read(upToCount:)` answered, without Foundation's file handles).
  static func contents(of file: String, limit: Int) -> [UInt8]? {
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while bytes.count < limit {
      let count = read(fd, &chunk, min(chunk.count, limit - bytes.count))
      if count < 0 && errno == EINTR { continue }
      if count < 0 { return nil }
      if count == 0 { break }
      bytes += chunk[..<count]
    }
    return bytes.isEmpty ? nil : bytes
  }

  /// Decodes `data`, the contents of `file` (named in errors).
  public init(data: Data, file: String) throws {
    guard String(validating: data, as: UTF8.self) != nil else {
      throw ConfigImportError(file: file, "not UTF-8 text")
    }
    let value: ConfigValue
    do {
      value = try ConfigValueParser.parse(Array(data))
    } catch let problem as ConfigValueParser.Problem {
      throw ConfigImportError(
        file: file,
        "not a JSON object (malformed or truncated JSON: \(problem.message) at byte \(problem.offset))"
      )
    }
    guard case .object(let object) = value else {
      throw ConfigImportError(file: file, "not a JSON object (the file holds \(value.kind))")
    }
    self.json = object
    self.file = file
  }

  /// The model config the file describes, named `name` (default: the last part of
  /// `_name_or_path`), checked by the planner: a shape it refuses, or one too large to count,
  /// is refused here with the file's keys for the fields.
  public func modelConfig(name: String? = nil, contextLength: Int? = nil) throws -> ModelConfig {
    let type = try string("model_type")
    guard Self.supported.contains(type) else {
      throw ConfigImportError(
        file: file, key: "model_type",
        "model_type '\(type)' is not supported; supported: \(Self.supported.joined(separator: ", "))"
      )
    }
    var config =
      type == "gpt2"
      ? try gpt2() : Self.mixtureOfExperts.contains(type) ? try moe(type) : try llamaFamily(type)
    config.name = try name ?? defaultName()
    // GPT-2's c_attn and GPT-NeoX's query_key_value are one fused Q, K, V matrix.
    config.fusedQKV = type == "gpt2" || type == "gpt_neox"
    config.dropout = try hasDropout(type)
    if let contextLength { config.contextLength = contextLength }
    try check(config, type: type)
    return config
  }

  /// The planner's checks and parameter count, its errors naming this file's keys.
  func check(_ config: ModelConfig, type: String) throws {
    do {
      try config.validate()
      _ = try DetailedMethod.parameterCount(config)
    } catch let error as PlannerError {
      let key = error.field.map { Self.key(for: $0, type: type) }
      throw ConfigImportError(
        file: file, key: key, error.message { Self.key(for: $0, type: type) })
    }
  }

  func gpt2() throws -> ModelConfig {
    // No n_inner means 4 × n_embd, which ModelConfig computes without overflowing.
    ModelConfig(
      vocabSize: try int("vocab_size"), contextLength: try int("n_positions"),
      numLayers: try int("n_layer"), dModel: try int("n_embd"), numHeads: try int("n_head"),
      dFF: try optionalInt("n_inner"), ffn: .gelu,
      tiedEmbeddings: try optionalBool("tie_word_embeddings") ?? true, norm: .layernorm,
      bias: .all, positional: .learned)
  }

  func llamaFamily(_ type: String) throws -> ModelConfig {
    let heads = try int("num_attention_heads")
    let neox = type == "gpt_neox"
    let act = try optionalString("hidden_act") ?? (neox ? "gelu" : "silu")
    let ffn: FeedForwardKind = act.hasPrefix("gelu") ? .gelu : .swiglu
    if neox && ffn == .swiglu {
      throw ConfigImportError(
        file: file, key: "hidden_act",
        "hidden_act '\(act)' with gpt_neox is not a supported feed-forward (gelu)")
    }
    return ModelConfig(
      vocabSize: try int("vocab_size"), contextLength: try int("max_position_embeddings"),
      numLayers: try int("num_hidden_layers"), dModel: try int("hidden_size"), numHeads: heads,
      numKVHeads: try optionalInt("num_key_value_heads") ?? heads,
      dFF: try int("intermediate_size"), ffn: ffn,
      tiedEmbeddings: try optionalBool("tie_word_embeddings") ?? false,
      norm: neox ? .layernorm : .rmsnorm, bias: try bias(type), positional: .rope)
  }

  func bias(_ type: String) throws -> BiasKind {
    switch type {
    case "qwen2": return .qkv
    case "gpt_neox": return try optionalBool("attention_bias") ?? true ? .all : .none
    default:
      let attention = try optionalBool("attention_bias") ?? false
      let mlp = try optionalBool("mlp_bias") ?? false
      switch (attention, mlp) {
      case (false, false): return .none
      case (true, true): return .all
      default:
        throw ConfigImportError(
          file: file, key: "mlp_bias",
          "attention_bias=\(attention) with mlp_bias=\(mlp) is not a bias layout trainplan models (none, qkv, all)"
        )
      }
    }
  }

  /// Whether any dropout probability is above 0, each missing key at the architecture's own
  /// default (GPT-2's 0.1; Llama, Mistral, Qwen2 and GPT-NeoX's 0).
  func hasDropout(_ type: String) throws -> Bool {
    let keys: [(String, Double)]
    switch type {
    case "gpt2": keys = [("resid_pdrop", 0.1), ("embd_pdrop", 0.1), ("attn_pdrop", 0.1)]
    case "gpt_neox": keys = [("attention_dropout", 0), ("hidden_dropout", 0)]
    default: keys = [("attention_dropout", 0)]  // the MoE families too
    }
    for (key, fallback) in keys where try optionalProbability(key) ?? fallback > 0 { return true }
    return false
  }

  func defaultName() throws -> String {
    guard let path = try optionalString("_name_or_path"), let last = path.split(separator: "/").last
    else {
      throw ConfigImportError(
        file: file, key: "_name_or_path", "no _name_or_path to name the model; give --name")
    }
    return last.lowercased()
  }
}
