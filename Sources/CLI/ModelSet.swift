import ArgumentParser
import Planner
import Storage

/// `trainplan model set NAME --layers 24 …`: changes only the fields given.
struct ModelSet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set",
    abstract: "Change fields of a saved model config; the others keep their values.",
    discussion:
      "The config is checked as a whole after the change, and nothing is saved when it is invalid. Plans made with it keep their copy."
  )

  @OptionGroup var store: StoreOptions
  @Argument(help: "The config's name.", completion: NameCompletion.models) var name: String

  @Option(
    name: .customLong("vocab-size"), parsing: .unconditional, help: "Vocabulary size v.",
    transform: Count.parse)
  var vocabSize: Int?
  @Option(
    name: .customLong("context-length"),
    parsing: .unconditional, help: "Context length s, tokens per sequence.", transform: Count.parse)
  var contextLength: Int?
  @Option(
    name: .customLong("layers"), parsing: .unconditional, help: "Number of transformer blocks l.",
    transform: Count.parse)
  var layers: Int?
  @Option(
    name: .customLong("d-model"),
    parsing: .unconditional, help: "Model width h (d_ff keeps its value).", transform: Count.parse)
  var dModel: Int?
  @Option(
    name: .customLong("heads"),
    parsing: .unconditional, help: "Attention heads n; must divide the width.",
    transform: Count.parse)
  var heads: Int?
  @Option(
    name: .customLong("d-ff"), parsing: .unconditional, help: "Feed-forward width f.",
    transform: Count.parse)
  var dFf: Int?
  @Option(
    name: .customLong("kv-heads"),
    parsing: .unconditional, help: "Key/value heads; must divide the heads.",
    transform: Count.parse)
  var kvHeads: Int?
  @Option(name: .customLong("ffn"), help: "Feed-forward kind: swiglu or gelu.") var ffn:
    FeedForwardKind?
  @Flag(
    name: .customLong("tied-embeddings"), inversion: .prefixedNo,
    help: "Whether the LM head shares the embedding matrix.")
  var tiedEmbeddings: Bool?
  @Option(name: .customLong("norm"), help: "Normalisation: rmsnorm or layernorm.") var norm:
    NormKind?
  @Option(name: .customLong("bias"), help: "Biases: none, qkv or all.") var bias: BiasKind?
  @Option(name: .customLong("positional"), help: "Positions: rope or learned.") var positional:
    PositionalKind?
  @Option(name: .customLong("source"), help: "Where the figures come from.") var source: String?

  func validate() throws {
    guard !fieldChanges().isEmpty || source != nil else {
      throw CLIError(
        "model set needs at least one field to change (e.g. --layers, --d-model, --source); see --help"
      )
    }
  }

  func run() throws {
    let changes = fieldChanges()
    let store = try store.open()
    var counts = (seed: 0, detailed: 0)
    let saved = try store.updateModel(named: name) { record in
      for change in changes { change(&record.config) }
      if let source { record.source = source }
      // Checked before saving, as `model add` does: a shape too large to count is refused.
      try record.config.validate()
      counts = (
        try ParameterCount(model: record.config).total,
        try DetailedMethod.parameterCount(record.config)
      )
    }
    print(
      "updated model '\(saved.config.name)': \(Units.grouped(counts.detailed)) parameters (\(Units.grouped(counts.seed)) in the seed method, matrices only)"
    )
  }

  /// One edit per flag given.
  func fieldChanges() -> [(inout ModelConfig) -> Void] {
    var edits: [(inout ModelConfig) -> Void] = []
    func add<T>(_ value: T?, _ path: WritableKeyPath<ModelConfig, T>) {
      if let value { edits.append { $0[keyPath: path] = value } }
    }
    add(vocabSize, \.vocabSize)
    add(contextLength, \.contextLength)
    add(layers, \.numLayers)
    add(dModel, \.dModel)
    add(heads, \.numHeads)
    add(dFf, \.dFF)
    add(kvHeads, \.numKVHeads)
    add(ffn, \.ffn)
    add(tiedEmbeddings, \.tiedEmbeddings)
    add(norm, \.norm)
    add(bias, \.bias)
    add(positional, \.positional)
    return edits
  }
}
