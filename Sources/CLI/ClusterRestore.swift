import ArgumentParser
import Storage

/// `trainplan cluster restore NAME`: puts a removed preset cluster back.
struct ClusterRestore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Save a preset cluster again, with the preset's figures and sources.",
    discussion: "Refused when NAME is not a preset, or when a cluster of that name exists.")

  @OptionGroup var store: StoreOptions
  @Argument(help: "The preset's name (e.g. dgx-h100).") var name: String

  func run() throws {
    let store = try store.open()
    let record = try store.restoreCluster(named: name, from: Presets.embedded())
    let note =
      record.gpu == nil
      ? " (its GPU '\(record.spec.gpuName)' is not saved: `gpu restore \(record.spec.gpuName)`)"
      : ""
    print("restored preset cluster '\(record.spec.name)'\(note)")
  }
}
