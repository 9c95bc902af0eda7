import ArgumentParser
import Planner

/// `trainplan model list`
struct ModelList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List saved model configs.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  func run() throws {
    let records = try store.open().models()
    if output.json {
      print(JSONValue.array(records.map(RecordJSON.model)).text(pretty: true))
      return
    }
    var table = Table(
      [
        "name", "params", "vocab", "context", "layers", "d_model", "heads", "kv_heads", "d_ff",
        "ffn", "tied",
      ],
      rightAligned: [1, 2, 3, 4, 5, 6, 7, 8])
    for r in records {
      let m = r.config
      let p = (try? ParameterCount(model: m).total).map(Units.parameters) ?? "-"
      table.append([
        m.name, p, Units.grouped(m.vocabSize), Units.grouped(m.contextLength), String(m.numLayers),
        Units.grouped(m.dModel), String(m.numHeads), String(m.numKVHeads), Units.grouped(m.dFF),
        m.ffn.rawValue, m.tiedEmbeddings ? "yes" : "no",
      ])
    }
    print(table.render(), terminator: "")
  }
}
