import ArgumentParser
import Storage

/// `trainplan gpu restore NAME`: puts a removed preset GPU back.
struct GPURestore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Save a preset GPU again, with the preset's figures, price and sources.",
    discussion: "Refused when NAME is not a preset, or when a GPU of that name exists.")

  @OptionGroup var store: StoreOptions
  @Argument(help: "The preset's name (e.g. a100-80gb).") var name: String

  func run() throws {
    let store = try store.open()
    let record = try store.restoreGPU(named: name, from: Presets.embedded())
    print("restored preset GPU '\(record.profile.name)'")
  }
}
