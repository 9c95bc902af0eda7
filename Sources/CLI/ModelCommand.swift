import ArgumentParser

/// `trainplan model …`: manage saved model configs.
struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model",
    abstract: "Save, list, show, change, remove and restore model configs.",
    subcommands: [
      ModelAdd.self, ModelImport.self, ModelList.self, ModelShow.self, ModelSet.self,
      ModelRemove.self, ModelRestore.self,
    ]
  )
}
