import ArgumentParser
import ConfigImport
import Planner
import Storage

/// `trainplan model import FILE`
struct ModelImport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Save a model config read from a Hugging Face config.json (offline).",
    discussion:
      "Supported model_type values: \(HuggingFaceConfig.supported.joined(separator: ", ")).")

  @OptionGroup var store: StoreOptions

  @Argument(help: "The config.json file.") var file: String
  @Option(
    name: .customLong("name"),
    help: "The name to save it under. (default: the last part of _name_or_path, lowercased)")
  var name: String?
  @Option(
    name: .customLong("context-length"),
    parsing: .unconditional,
    help:
      "Override the context length. (default: the file's max_position_embeddings or n_positions)",
    transform: Count.parse)
  var contextLength: Int?
  @Flag(name: .customLong("replace"), help: "Overwrite a saved config of the same name.")
  var replace = false

  func validate() throws {
    if let contextLength, contextLength <= 0 {
      throw CLIError("--context-length must be positive (got \(contextLength))")
    }
  }

  func run() throws {
    // Read, checked and counted first (an invalid shape, or one too large to count, is
    // refused naming the file's keys) before anything is saved.
    let config = try HuggingFaceConfig(file: file).modelConfig(
      name: name, contextLength: contextLength)
    try RecordName.validate(config.name, kind: "model")
    let detailed = try DetailedMethod.parameterCount(config)
    let store = try store.open()
    try store.saveModel(config, source: "imported from \(file)", replace: replace)
    print(
      "saved model '\(config.name)': \(config.numLayers) layers, d_model \(config.dModel), \(Units.grouped(detailed)) parameters"
    )
  }
}
