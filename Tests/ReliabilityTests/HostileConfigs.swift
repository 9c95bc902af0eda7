import Foundation

/// Broken Hugging Face `config.json` files for `model import`, generated from two valid ones:
/// every key removed or set to a hostile JSON value, every prefix length of a cut, other
/// encodings, invalid UTF-8, malformed JSON, and paths that are not files.
enum HostileConfigs {
  /// Key and JSON text, in file order, so a value can be swapped as text.
  typealias Config = [(key: String, json: String)]

  static let llama: Config = [
    ("_name_or_path", #""x/llama-t""#), ("model_type", #""llama""#), ("hidden_act", #""silu""#),
    ("hidden_size", "4096"), ("intermediate_size", "11008"), ("max_position_embeddings", "4096"),
    ("num_attention_heads", "32"), ("num_hidden_layers", "32"), ("num_key_value_heads", "8"),
    ("vocab_size", "32000"), ("tie_word_embeddings", "false"), ("attention_bias", "false"),
    ("mlp_bias", "false"),
  ]

  static let gpt2: Config = [
    ("_name_or_path", #""x/gpt2-t""#), ("model_type", #""gpt2""#), ("n_embd", "768"),
    ("n_head", "12"), ("n_layer", "12"), ("n_positions", "1024"), ("n_inner", "null"),
    ("vocab_size", "50257"), ("tie_word_embeddings", "true"),
  ]

  static let values = [
    "-1", "0", "1.5", "1e400", "9223372036854775808", #""12""#, "true", "null", "{}", "NaN",
    #""\ud800""#,
  ]

  static func text(_ config: Config) -> String {
    "{" + config.map { "\"\($0.key)\": \($0.json)" }.joined(separator: ", ") + "}"
  }

  /// Each key removed, and set to each hostile value.
  static func mutations(_ config: Config) -> [String] {
    config.indices.flatMap { i in
      var removed = config
      removed.remove(at: i)
      return [text(removed)]
        + values.map { v in
          var changed = config
          changed[i].json = v
          return text(changed)
        }
    }
  }

  /// The valid file cut at eight lengths, from nothing to most of it.
  static func truncations(_ config: Config) -> [Data] {
    let bytes = Data(text(config).utf8)
    return (0..<8).map { bytes.prefix(bytes.count * $0 / 8) }
  }

  /// Right content, wrong bytes: other encodings, invalid UTF-8, JSON that is not JSON.
  static func encodings() -> [Data] {
    let valid = text(llama)
    let utf8 = Data(valid.utf8)
    let named = valid.replacingOccurrences(of: "x/llama-t", with: "x/ll\u{FFFF}ama")
    return [
      valid.data(using: .utf16LittleEndian)!, valid.data(using: .utf16BigEndian)!,
      valid.data(using: .utf16)!, valid.data(using: .utf32)!, Data([0xEF, 0xBB, 0xBF]) + utf8,
      Data(Data(named.utf8).map { $0 == 0xBF ? 0xFF : $0 }),
      utf8.prefix(40) + Data([0xC3]) + utf8.dropFirst(40), utf8 + Data([0]), Data([0]) + utf8,
      Data((valid + "}{").utf8), Data(("// comment\n" + valid).utf8),
      Data(valid.replacingOccurrences(of: "}", with: ",}").utf8),
      Data(valid.replacingOccurrences(of: "\"", with: "'").utf8),
      Data(valid.replacingOccurrences(of: "{", with: #"{"model_type": "t5", "#).utf8),
      Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8),
      Data(valid.replacingOccurrences(of: "}", with: ", \"pad\": \"\(padding)\"}").utf8),
      Data(), Data("   \n\t".utf8), Data("null".utf8), Data("[]".utf8), Data("42".utf8),
      Data(#""str""#.utf8), Data("{}".utf8), Data([0xFF, 0xFE, 0x00, 0x7B]),
    ]
  }

  /// Over the 16 MiB limit `model import` reads.
  static let padding = String(repeating: "p", count: 17 << 20)

  /// Writes every broken file into `folder` and returns their paths, and paths that are not
  /// files at all.
  static func write(into folder: String) throws -> [String] {
    let texts = (mutations(llama) + mutations(gpt2)).map { Data($0.utf8) }
    let files = texts + truncations(llama) + truncations(gpt2) + encodings()
    var paths: [String] = []
    for (i, bytes) in files.enumerated() {
      let path = folder + "/config-\(i).json"
      try bytes.write(to: URL(fileURLWithPath: path))
      paths.append(path)
    }
    return paths + [folder, folder + "/missing.json", "/dev/null", ""]
  }

  static func writeValid(into folder: String) throws -> String {
    let path = folder + "/valid.json"
    try Data(text(llama).utf8).write(to: URL(fileURLWithPath: path))
    return path
  }
}
