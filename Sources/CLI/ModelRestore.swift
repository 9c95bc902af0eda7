import ArgumentParser
import Storage

/// `trainplan model restore NAME`: puts a removed preset config back.
struct ModelRestore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Save a preset model config again, with the preset's figures and source.",
    discussion: "Refused when NAME is not a preset, or when a config of that name exists.")

  @OptionGroup var store: StoreOptions
  @Argument(help: "The preset's name (e.g. gpt2-xl).") var name: String

  func run() throws {
    let store = try store.open()
    let record = try store.restoreModel(named: name, from: Presets.embedded())
    print("restored preset model '\(record.config.name)'")
  }
}
