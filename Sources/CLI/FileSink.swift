import Foundation

/// Buffered output to standard output or to a file that appears only when complete: written
/// to a temporary name beside it and renamed on `commit()`, removed on `abandon()`.
final class FileSink {
  private let descriptor: Int32
  private let temporaryPath: String?
  private let finalPath: String?
  private var buffer: [UInt8] = []
  private static let capacity = 1 << 16

  private init(descriptor: Int32, temporaryPath: String?, finalPath: String?) {
    self.descriptor = descriptor
    self.temporaryPath = temporaryPath
    self.finalPath = finalPath
    buffer.reserveCapacity(Self.capacity)
  }

  static func standardOutput() -> FileSink {
    FileSink(descriptor: STDOUT_FILENO, temporaryPath: nil, finalPath: nil)
  }

  /// A sink that will replace the file at `path` once committed.
  convenience init(replacing path: String) throws {
    if path.isEmpty { throw CLIError("--output must name a file") }
    let folder = (path as NSString).deletingLastPathComponent
    var isFolder: ObjCBool = false
    guard
      FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder),
      isFolder.boolValue
    else {
      throw CLIError("--output \(path): the folder \(folder) does not exist")
    }
    let temporary = path + ".partial-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 {
      throw CLIError(
        "--output \(path): cannot create \(temporary): \(String(cString: strerror(errno)))")
    }
    self.init(descriptor: fd, temporaryPath: temporary, finalPath: path)
  }

  func write(_ text: String) throws {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= Self.capacity { try flush() }
  }

  /// Lets `body` append bytes to the buffer directly.
  func write(_ body: (inout [UInt8]) -> Void) throws {
    body(&buffer)
    if buffer.count >= Self.capacity { try flush() }
  }

  func flush() throws {
    var offset = 0
    while offset < buffer.count {
      let written = buffer.withUnsafeBytes {
        Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw CLIError(
          "cannot write \(finalPath ?? "standard output"): \(String(cString: strerror(errno)))")
      }
      offset += written
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes; for a file, makes it durable and puts it in place.
  func commit() throws {
    try flush()
    guard let temporaryPath, let finalPath else { return }
    if fsync(descriptor) != 0 || close(descriptor) != 0 {
      throw CLIError("cannot write \(finalPath): \(String(cString: strerror(errno)))")
    }
    if rename(temporaryPath, finalPath) != 0 {
      throw CLIError(
        "cannot move the export into \(finalPath): \(String(cString: strerror(errno)))")
    }
  }

  /// Drops a file that was not committed.
  func abandon() {
    guard let temporaryPath else { return }
    close(descriptor)
    unlink(temporaryPath)
  }
}
