// @preconcurrency: `flushOutput` reads C's `stdout`, global state Swift 6 refuses through a
// plain import.
#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  @preconcurrency import Darwin
#endif

/// Standard output and error as the environment leaves them: closed, full, or a pipe whose
/// reader is gone. Data (stdout) failures are errors; diagnostics (stderr) are best-effort.
/// `FileHandle.write` traps on EPIPE and EBADF, so nothing here goes through it.
enum StandardStreams {
  /// Standard output is a pipe or socket whose reader is gone (`trainplan plans | head -1`):
  /// the command ends quietly with the shell's conventional 141 (128 + SIGPIPE).
  struct BrokenPipe: Error {}
  static let brokenPipeExitCode: Int32 = 141

  /// Run first. SIGPIPE is ignored so a broken pipe is an EPIPE we decide about, not a death
  /// in the middle of a database write. A closed 0, 1 or 2 is filled with a descriptor that
  /// refuses writes: otherwise the next file opened (an export's temporary file) would take
  /// that number, and `print` or an error line would land inside it.
  static func prepare() {
    signal(SIGPIPE, SIG_IGN)
    for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
      reserve(fd)
    }
  }

  private static func reserve(_ fd: Int32) {
    var filler = open("/dev/null", O_RDONLY)
    if filler < 0 { filler = open("/", O_RDONLY | O_DIRECTORY) }
    guard filler >= 0, filler != fd else { return }
    dup2(filler, fd)
    close(filler)
  }

  /// Writes `text` to stderr as far as stderr takes it; never fails, never traps.
  static func writeError(_ text: String) {
    if let output = CommandOutput.current { return output.write(text, error: true) }
    _ = writeAll(STDERR_FILENO, Array(text.utf8)[...])
  }

  /// Writes every byte to `fd`, retrying interrupted writes; 0 on success, else the errno.
  static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int32 {
    var rest = bytes
    while !rest.isEmpty {
      let written = rest.withUnsafeBytes { raw in
        raw.baseAddress.map { write(fd, $0, raw.count) } ?? 0
      }
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      rest = rest.dropFirst(written)
    }
    return 0
  }

  /// `print` buffers and drops write errors: on a full disk `trainplan plans --json > file`
  /// would leave a truncated file and exit 0. Flush, and fail when any write failed.
  static func flushOutput() throws {
    guard CommandOutput.current == nil else { return }
    let flushed = fflush(stdout) == 0
    let code = errno
    guard !flushed || ferror(stdout) != 0 else { return }
    clearerr(stdout)
    if (!flushed && code == EPIPE) || outputReaderIsGone { throw BrokenPipe() }
    let reason = flushed ? "a write failed" : String(cString: strerror(code))
    throw CLIError("cannot write standard output: \(reason); the output is incomplete")
  }

  /// True when stdout is a pipe or socket nobody reads any more. A write error seen by an
  /// earlier implicit flush of `print` loses its errno; poll still tells.
  static var outputReaderIsGone: Bool {
    var info = stat()
    guard fstat(STDOUT_FILENO, &info) == 0 else { return false }
    let kind = info.st_mode & S_IFMT
    guard kind == S_IFIFO || kind == S_IFSOCK else { return false }
    var entry = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
    guard poll(&entry, 1, 0) == 1 else { return false }
    return entry.revents & Int16(POLLERR | POLLHUP) != 0
  }
}
