import ArgumentParser

/// `trainplan gpu …`: manage saved hardware profiles.
struct GPUCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gpu",
    abstract: "Save, list, show, change, remove and restore GPUs (hardware profiles).",
    subcommands: [
      GPUAdd.self, GPUList.self, GPUShow.self, GPUSet.self, GPURemove.self, GPURestore.self,
    ]
  )
}
