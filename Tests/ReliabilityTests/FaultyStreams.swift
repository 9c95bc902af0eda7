import Foundation
import TestSupport

/// What a child's standard output or error is connected to.
enum Stream: CustomStringConvertible {
  /// A file in the test's folder, read back afterwards.
  case captured
  /// Not open at all (`>&-`).
  case closed
  /// A private character device that behaves as /dev/full: every write fails with ENOSPC.
  case full
  /// A pipe whose reader has exited: every write fails with EPIPE (or raises SIGPIPE).
  case broken

  var description: String {
    switch self {
    case .captured: return "captured"
    case .closed: return "closed"
    case .full: return "full"
    case .broken: return "broken"
    }
  }
}

/// Private device nodes made with mknod in a temporary folder: the tests never write to the
/// machine's own /dev. Needs root (CAP_MKNOD) on a file system mounted without `nodev`.
enum DeviceNodes {
  /// Makes a character device `major`,`minor` at `path`; true when it exists and works.
  static func make(_ path: String, major: UInt32, minor: UInt32) -> Bool {
    // Linux's encoding of small device numbers (glibc's makedev is a macro Swift cannot call).
    mknod(path, S_IFCHR | 0o666, dev_t((major & 0xfff) << 8 | (minor & 0xff))) == 0
  }

  /// The equivalents of /dev/full (1, 7) and /dev/null (1, 3).
  static func full(in folder: TemporaryFolder) -> String? {
    let path = folder.file("full")
    if FileManager.default.fileExists(atPath: path) { return path }
    return make(path, major: 1, minor: 7) ? path : nil
  }

  static func null(in folder: TemporaryFolder) -> String? {
    let path = folder.file("null")
    if FileManager.default.fileExists(atPath: path) { return path }
    return make(path, major: 1, minor: 3) ? path : nil
  }

  /// True when a private full device can be made and refuses writes with ENOSPC here.
  static let available: Bool = {
    let folder = TemporaryFolder()
    guard let path = full(in: folder) else { return false }
    let fd = open(path, O_WRONLY)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return write(fd, "x", 1) < 0 && errno == ENOSPC
  }()
}

/// Runs a program with its standard output and error connected as asked, through
/// posix_spawn so that a stream can be truly closed; SIGPIPE is reset to its default in the
/// child, as a shell would leave it.
func runWithStreams(
  _ argv: [String], stdout: Stream, stderr: Stream, environment: [String: String],
  in folder: TemporaryFolder, timeout: TimeInterval = 120
) throws -> ProcessResult {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  let id = UUID().uuidString
  let input = folder.file("in-\(id)")
  _ = FileManager.default.createFile(atPath: input, contents: nil)
  posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
  var toClose: [Int32] = []
  let outPath = try connect(stdout, to: 1, &actions, folder, "out-\(id)", &toClose)
  let errPath = try connect(stderr, to: 2, &actions, folder, "err-\(id)", &toClose)
  let pid = try spawn(argv, environment: environment, actions: &actions)
  for fd in toClose { close(fd) }
  let (status, signaled) = try waitFor(pid, timeout: timeout, argv: argv)
  let read = { (path: String?) in
    path.map { String(decoding: fileBytes($0) ?? Data(), as: UTF8.self) } ?? ""
  }
  return ProcessResult(
    status: status, signaled: signaled, stdout: read(outPath), stderr: read(errPath))
}

/// Adds the file action that connects `stream` to `fd`; returns the capture file, if any.
private func connect(
  _ stream: Stream, to fd: Int32, _ actions: inout posix_spawn_file_actions_t,
  _ folder: TemporaryFolder, _ name: String, _ toClose: inout [Int32]
) throws -> String? {
  switch stream {
  case .captured:
    let path = folder.file(name)
    posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    return path
  case .closed:
    posix_spawn_file_actions_addclose(&actions, fd)
  case .full:
    guard let device = DeviceNodes.full(in: folder) else { throw Failure("no full device") }
    posix_spawn_file_actions_addopen(&actions, fd, device, O_WRONLY, 0)
  case .broken:
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { throw Failure("pipe: \(errno)") }
    // Not inherited by the other processes tests start meanwhile (dup2 clears it in the child).
    _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
    close(ends[0])  // the reader is gone before the child starts
    posix_spawn_file_actions_adddup2(&actions, ends[1], fd)
    toClose.append(ends[1])
  }
  return nil
}

private func spawn(
  _ argv: [String], environment: [String: String],
  actions: inout posix_spawn_file_actions_t
) throws -> pid_t {
  var attributes = posix_spawnattr_t()
  posix_spawnattr_init(&attributes)
  defer { posix_spawnattr_destroy(&attributes) }
  var defaults = sigset_t()
  sigemptyset(&defaults)
  sigaddset(&defaults, SIGPIPE)
  var none = sigset_t()
  sigemptyset(&none)
  posix_spawnattr_setsigdefault(&attributes, &defaults)
  posix_spawnattr_setsigmask(&attributes, &none)
  posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
  let cArgs = argv.map { strdup($0) } + [nil]
  let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer { for pointer in cArgs + cEnv { free(pointer) } }
  var pid = pid_t()
  let code = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
  guard code == 0 else { throw Failure("posix_spawn \(argv[0]): \(code)") }
  return pid
}

/// `argv` run in `folder` (a shell changes into it first): relative names then resolve there.
func inFolder(_ folder: String, _ argv: [String]) -> [String] {
  ["/bin/sh", "-c", #"cd "$0" && exec "$@""#, folder] + argv
}

/// Waits for `pid`, killing it after `timeout`; the exit code, or the signal and true.
private func waitFor(_ pid: pid_t, timeout: TimeInterval, argv: [String]) throws -> (Int32, Bool) {
  let deadline = Date().addingTimeInterval(timeout)
  var status: Int32 = 0
  while true {
    let done = waitpid(pid, &status, WNOHANG)
    if done == pid { break }
    if done < 0 && errno != EINTR { throw Failure("waitpid: \(errno)") }
    if Date() > deadline {
      kill(pid, SIGKILL)
      waitpid(pid, &status, 0)
      throw Failure("\(argv) did not end within \(Int(timeout)) s")
    }
    usleep(2_000)
  }
  let signal = status & 0x7f
  return signal == 0 ? ((status >> 8) & 0xff, false) : (signal, true)
}
