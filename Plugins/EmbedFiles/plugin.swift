import Foundation
import PackagePlugin

/// Turns a target's `.sql` and `.json` files into Swift string constants, so the built binary
/// carries `migrations/` and `fixtures/` with it and runs from any folder. Each is named by
/// its path in the target's folder (`sqlite/0001_initial.sql`).
@main
struct EmbedFiles: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    guard let target = target as? SourceModuleTarget else { return [] }
    let inputs = target.sourceFiles
      .map(\.url)
      .filter { ["sql", "json"].contains($0.pathExtension) }
      .sorted { $0.path < $1.path }
    let output = context.pluginWorkDirectoryURL.appending(path: "Embedded\(target.name).swift")
    return [
      .buildCommand(
        displayName: "Embedding \(inputs.count) files of \(target.name)",
        executable: try context.tool(named: "EmbedFilesTool").url,
        arguments: ["\(target.name)Files", output.path, target.directoryURL.path]
          + inputs.map(\.path),
        inputFiles: inputs,
        outputFiles: [output]
      )
    ]
  }
}
