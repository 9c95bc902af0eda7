import ArgumentParser
import Planner

/// `trainplan model show NAME`
struct ModelShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show one model config.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "The config's name.", completion: NameCompletion.models) var name: String

  func run() throws {
    let record = try store.open().model(named: name)
    if output.json {
      print(RecordJSON.model(record).text(pretty: true))
      return
    }
    let m = record.config
    let p = try ParameterCount(model: m)
    let detailed = try DetailedMethod.parameterCount(m)
    let rows: [(String, String)] = [
      ("name", m.name),
      (
        "parameters",
        "\(Units.grouped(detailed)) (detailed); \(Units.grouped(p.total)) (seed: matrices only)"
      ),
      ("vocab_size", Units.grouped(m.vocabSize)),
      ("context_length", Units.grouped(m.contextLength)),
      ("num_layers", String(m.numLayers)), ("d_model", Units.grouped(m.dModel)),
      ("num_heads", String(m.numHeads)), ("num_kv_heads", String(m.numKVHeads)),
      ("d_ff", Units.grouped(m.dFF)), ("ffn", m.ffn.rawValue),
      ("tied_embeddings", m.tiedEmbeddings ? "yes" : "no"), ("norm", m.norm.rawValue),
      ("bias", m.bias.rawValue), ("positional", m.positional.rawValue), ("source", record.source),
      ("created_at", record.createdAt), ("updated_at", record.updatedAt),
    ]
    print(KeyValueList(rows).render(), terminator: "")
  }
}
