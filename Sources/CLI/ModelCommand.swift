import ArgumentParser

/// `trainplan model …`: manage saved model configs.
struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model",
    abstract: "Save, list, show and remove model configs.",
    subcommands: [
      ModelAdd.self, ModelImport.self, ModelList.self, ModelShow.self, ModelRemove.self,
    ]
  )
}
