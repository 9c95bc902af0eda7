import ArgumentParser

/// `trainplan gpu remove NAME`
struct GPURemove: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove", abstract: "Remove a saved GPU; plans made on it keep their copy.")

  @OptionGroup var store: StoreOptions
  @Argument(help: "The GPU's name.", completion: NameCompletion.gpus) var name: String

  func run() throws {
    try store.open().removeGPU(named: name)
    print("removed GPU '\(name)'")
  }
}
