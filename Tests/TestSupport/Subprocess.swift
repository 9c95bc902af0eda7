import Foundation

/// What a finished process left.
public struct ProcessResult: Sendable {
  public let status: Int32
  /// True when a signal ended it (a trap, a kill).
  public let signaled: Bool
  public let stdout: String
  public let stderr: String

  public init(status: Int32, signaled: Bool, stdout: String, stderr: String) {
    (self.status, self.signaled, self.stdout, self.stderr) = (status, signaled, stdout, stderr)
  }
}

/// A program built by this package, from the folder the test bundle runs in.
public func builtProduct(_ name: String) -> String {
  let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  var folder = bundle.deletingLastPathComponent()
  // Swift Testing runs the .xctest bundle itself; XCTest may run a helper inside it.
  while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent(name).path),
    folder.path != "/"
  {
    folder = folder.deletingLastPathComponent()
  }
  return folder.appendingPathComponent(name).path
}

/// Starts `executable` with `arguments`; output goes to files so a large output cannot block it.
public final class Subprocess: @unchecked Sendable {
  public let process = Process()
  let out: FileHandle
  let err: FileHandle
  let outPath: String
  let errPath: String

  public init(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    stdin: String? = nil, in folder: TemporaryFolder
  ) throws {
    let id = UUID().uuidString
    outPath = folder.file("out-\(id)")
    errPath = folder.file("err-\(id)")
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = out
    process.standardError = err
    if let stdin {
      let pipe = Pipe()
      process.standardInput = pipe
      try process.run()
      pipe.fileHandleForWriting.write(Data(stdin.utf8))
      try pipe.fileHandleForWriting.close()
    } else {
      process.standardInput = FileHandle.nullDevice
      try process.run()
    }
  }

  /// Text written to stdout so far.
  public var stdoutSoFar: String { String(decoding: fileBytes(outPath) ?? Data(), as: UTF8.self) }

  public func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

  public func wait() -> ProcessResult {
    process.waitUntilExit()
    try? out.close()
    try? err.close()
    return ProcessResult(
      status: process.terminationStatus,
      signaled: process.terminationReason == .uncaughtSignal,
      stdout: String(decoding: fileBytes(outPath) ?? Data(), as: UTF8.self),
      stderr: String(decoding: fileBytes(errPath) ?? Data(), as: UTF8.self))
  }
}

/// Runs a program to the end.
public func run(
  _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
  stdin: String? = nil, in folder: TemporaryFolder
) throws -> ProcessResult {
  try Subprocess(executable, arguments, environment: environment, stdin: stdin, in: folder).wait()
}
