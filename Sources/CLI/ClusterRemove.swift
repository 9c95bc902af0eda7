import ArgumentParser

/// `trainplan cluster remove NAME`
struct ClusterRemove: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove", abstract: "Remove a saved cluster; its GPU stays.")

  @OptionGroup var store: StoreOptions
  @Argument(help: "The cluster's name.") var name: String

  func run() throws {
    try store.open().removeCluster(named: name)
    print("removed cluster '\(name)'")
  }
}
