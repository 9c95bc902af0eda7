#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// C's `open`, named apart from `FileSink.open`, which hides it inside the type.
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
  open(path, flags, mode)
}

/// Buffered output to an `OutputTarget`. A replaced file appears only when complete: it is
/// written to a temporary name beside it, made durable and renamed on `commit()`, and the
/// temporary file is removed on `abandon()`. Anything else is written in place.
final class FileSink {
  private let descriptor: Int32
  private let target: OutputTarget
  /// The temporary file and the file it replaces, for a replaced file.
  private let temporaryPath: String?
  private let finalPath: String?
  /// Set once the descriptor is closed, so it is closed exactly once: a second close could
  /// close a descriptor opened since under the same number.
  private var closed = false
  private var buffer: [UInt8] = []
  private static let capacity = 1 << 16

  private init(_ target: OutputTarget, descriptor: Int32, temporary: String? = nil) {
    self.target = target
    self.descriptor = descriptor
    self.temporaryPath = temporary
    if case .replace(let file, _) = target.kind { finalPath = file } else { finalPath = nil }
    buffer.reserveCapacity(Self.capacity)
  }

  static func standardOutput() -> FileSink {
    FileSink(OutputTarget.standard, descriptor: STDOUT_FILENO)
  }

  /// Opens `target` for writing: a temporary file beside a replaced one, else the target.
  static func open(_ target: OutputTarget) throws -> FileSink {
    switch target.kind {
    case .standardOutput:
      return FileSink(target, descriptor: STDOUT_FILENO)
    case .direct(let path):
      let fd = openFile(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
      if fd < 0 { throw CLIError("--output \(target.typed): \(PathText.reason(errno))") }
      return FileSink(target, descriptor: fd)
    case .replace(let file, let existing):
      let temporary = file + ".partial-\(getpid())"
      let fd = try createTemporary(temporary, like: existing, for: target)
      return FileSink(target, descriptor: fd, temporary: temporary)
    }
  }

  /// Creates `path` afresh (never through a link planted there) with the mode and owner of
  /// the file it will replace.
  private static func createTemporary(
    _ path: String, like existing: OutputTarget.Ownership?, for target: OutputTarget
  ) throws -> Int32 {
    let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
    var fd = openFile(path, flags, 0o666)
    // A process of the same id killed midway left its temporary file: it is ours to reuse.
    if fd < 0 && errno == EEXIST && unlink(path) == 0 { fd = openFile(path, flags, 0o666) }
    if fd < 0 {
      throw CLIError("--output \(target.typed): cannot create \(path): \(PathText.reason(errno))")
    }
    if let existing {
      // The owner first: chown clears set-id bits. Only root (or the owner, for the group)
      // may give a file away; otherwise the replacement belongs to whoever ran trainplan.
      if fchown(fd, existing.owner, existing.group) != 0 {
        _ = fchown(fd, getuid(), existing.group)
      }
      fchmod(fd, existing.mode)
    }
    return fd
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
    let code = StandardStreams.writeAll(descriptor, buffer[...])
    buffer.removeAll(keepingCapacity: true)
    guard code != 0 else { return }
    // A reader that went away (`| head -1`, a FIFO's reader) ends the command quietly.
    if code == EPIPE && temporaryPath == nil { throw StandardStreams.BrokenPipe() }
    throw CLIError("cannot write \(name): \(PathText.reason(code))\(leftAsItWas)")
  }

  /// Flushes; for a replaced file, makes it durable and puts it in place.
  func commit() throws {
    try flush()
    guard let temporaryPath, let finalPath else { return closeDirect() }
    let syncError = fsync(descriptor) == 0 ? 0 : errno
    closed = true
    let closeError = close(descriptor) == 0 ? 0 : errno
    let code = syncError != 0 ? syncError : closeError
    if code != 0 {
      throw CLIError("cannot write \(finalPath): \(PathText.reason(code))\(leftAsItWas)")
    }
    if rename(temporaryPath, finalPath) != 0 {
      throw CLIError("cannot move the output into \(finalPath): \(PathText.reason(errno))")
    }
    syncFolder(of: finalPath)
  }

  /// Closes a target opened in place; standard output stays open.
  private func closeDirect() {
    guard case .direct = target.kind, !closed else { return }
    closed = true
    close(descriptor)
  }

  /// Makes the rename itself durable; best-effort, some file systems refuse.
  private func syncFolder(of file: String) {
    let folder = openFile(PathText.folder(of: file), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard folder >= 0 else { return }
    fsync(folder)
    close(folder)
  }

  /// Drops a replacement that was not committed: the temporary file goes, the target stays.
  func abandon() {
    if !closed && target.kind != .standardOutput {
      closed = true
      close(descriptor)
    }
    if let temporaryPath { unlink(temporaryPath) }
  }

  /// True when abandoning leaves a file behind to clean: the case Ctrl-C must be caught for.
  var hasTemporaryFile: Bool { temporaryPath != nil }

  private var name: String {
    target.kind == .standardOutput ? "standard output" : finalPath ?? target.typed
  }

  private var leftAsItWas: String {
    finalPath.map { "; \($0) was left as it was" } ?? ""
  }
}

extension OutputTarget {
  static let standard = OutputTarget(typed: "-", kind: .standardOutput)

  init(typed: String, kind: Kind) {
    self.typed = typed
    self.kind = kind
  }
}
