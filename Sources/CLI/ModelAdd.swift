import ArgumentParser
import Planner
import Storage

/// `trainplan model add NAME …`
struct ModelAdd: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Save a model config under a name.")

  @OptionGroup var store: StoreOptions

  @Argument(help: "The config's name (up to 128 characters, no commas).")
  var name: String

  @Option(
    name: .customLong("vocab-size"), parsing: .unconditional, help: "Vocabulary size v.",
    transform: Count.parse)
  var vocabSize: Int
  @Option(
    name: .customLong("context-length"),
    parsing: .unconditional, help: "Context length s, tokens per sequence.", transform: Count.parse)
  var contextLength: Int
  @Option(
    name: .customLong("layers"), parsing: .unconditional, help: "Number of transformer blocks l.",
    transform: Count.parse)
  var layers: Int
  @Option(
    name: .customLong("d-model"), parsing: .unconditional, help: "Model width h.",
    transform: Count.parse) var dModel: Int
  @Option(
    name: .customLong("heads"),
    parsing: .unconditional, help: "Attention heads n; must divide --d-model.",
    transform: Count.parse) var heads: Int
  @Option(
    name: .customLong("d-ff"),
    parsing: .unconditional, help: "Feed-forward width f. (default: 4 × --d-model)",
    transform: Count.parse) var dFf: Int?
  @Option(
    name: .customLong("kv-heads"),
    parsing: .unconditional,
    help: "Key/value heads for grouped-query attention; must divide --heads. (default: --heads)",
    transform: Count.parse)
  var kvHeads: Int?
  @Option(
    name: .customLong("ffn"), help: "Feed-forward kind: swiglu (three h×f matrices) or gelu (two).")
  var ffn: FeedForwardKind = .swiglu
  @Flag(name: .customLong("tied-embeddings"), help: "The LM head shares the embedding matrix.")
  var tiedEmbeddings = false
  @Option(
    name: .customLong("norm"),
    help: "Normalisation: rmsnorm (a gain of h) or layernorm (gain and bias, 2h).")
  var norm: NormKind = .rmsnorm
  @Option(
    name: .customLong("bias"),
    help:
      "Biases: none, qkv (Q, K and V only, as in Qwen2) or all (every linear in the blocks, as in GPT-2)."
  )
  var bias: BiasKind = .none
  @Option(
    name: .customLong("positional"),
    help: "Positions: rope (no parameters) or learned (an s×h table, as in GPT-2).")
  var positional: PositionalKind = .rope
  @Option(
    name: .customLong("source"), help: "Where the figures come from (a paper, a config.json).")
  var source = ""
  @Flag(name: .customLong("replace"), help: "Overwrite a saved config of the same name.")
  var replace = false
  @OptionGroup var moe: ExpertOptions
  @OptionGroup var latent: LatentAttentionOptions

  func run() throws {
    var config = ModelConfig(
      name: name, vocabSize: vocabSize, contextLength: contextLength, numLayers: layers,
      dModel: dModel, numHeads: heads, numKVHeads: kvHeads, dFF: dFf, ffn: ffn,
      tiedEmbeddings: tiedEmbeddings, norm: norm, bias: bias, positional: positional)
    try moe.apply(to: &config)
    config.latentAttention = latent.latentAttention
    // Check and count first: an invalid shape, or one too large to count, is refused before
    // anything is saved.
    try RecordName.validate(name, kind: "model")
    try config.validate()
    let seed = try ParameterCount(model: config).total
    let detailed = try DetailedMethod.parameterCount(config)
    let store = try store.open()
    try store.saveModel(config, source: source, replace: replace)
    print(
      "saved model '\(name)': \(Units.grouped(detailed)) parameters (\(Units.grouped(seed)) in the seed method, matrices only)"
    )
  }
}
