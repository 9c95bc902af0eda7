import ArgumentParser

/// `trainplan model remove NAME`
struct ModelRemove: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove",
    abstract: "Remove a saved model config; plans made with it keep their copy.")

  @OptionGroup var store: StoreOptions
  @Argument(help: "The config's name.", completion: NameCompletion.models) var name: String

  func run() throws {
    try store.open().removeModel(named: name)
    print("removed model '\(name)'")
  }
}
