#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a command's `--output` goes, and how it is written; every command that writes a file
/// (`export`, later `report`) follows these rules:
/// - `-` is standard output.
/// - A regular file, or a name that does not exist yet, is replaced atomically: a temporary
///   file beside it, fsync, rename. The replaced file keeps its mode and owner. A symbolic
///   link's target is replaced, not the link.
/// - Anything else (a device such as /dev/null, a FIFO, a socket, /dev/stdout) is written
///   directly, and never renamed over or unlinked.
/// - A folder, and the database and its -wal, -shm and -journal files, are refused.
///
/// Paths are handled as bytes with POSIX calls only: Foundation's path helpers trap on some
/// names (`NSString.deletingLastPathComponent` on a one-character name raised SIGILL).
struct OutputTarget: Equatable {
  enum Kind: Equatable {
    case standardOutput
    /// Replaced atomically; `existing` is what the replaced file had, nil for a new file.
    case replace(file: String, existing: Ownership?)
    /// Opened and written in place.
    case direct(path: String)
  }

  /// Mode and owner of a file being replaced.
  struct Ownership: Equatable {
    let mode: mode_t
    let owner: uid_t
    let group: gid_t
  }

  /// The path as the user typed it, for messages.
  let typed: String
  let kind: Kind

  /// Classifies `path`. `protected` are files that must never be written (the database and
  /// its companions): refused when the target is one of them by device and inode, or by name
  /// when it does not exist yet.
  init(_ path: String, protecting protected: [String] = []) throws {
    typed = path
    if path.isEmpty { throw CLIError("--output must name a file, or - for standard output") }
    if path == "-" {
      kind = .standardOutput
      try Self.refuseIfProtected(nil, STDOUT_FILENO, protected, what: "standard output")
      return
    }
    let link = try Self.followLinks(path)
    // /dev/stdout, /dev/fd/N and /proc/…/fd/N name an open descriptor: write it in place.
    if link.special {
      kind = .direct(path: path)
      try Self.refuseIfProtected(path, nil, protected, what: "--output \(path)")
      return
    }
    kind = try Self.classifyResolved(link.path, typed: path)
    try Self.refuseIfProtected(link.path, nil, protected, what: "--output \(path)")
  }

  /// The kind of an existing or new file at `file`, a path with no link left to follow.
  private static func classifyResolved(_ file: String, typed: String) throws -> Kind {
    var info = stat()
    guard stat(file, &info) == 0 else {
      let code = errno
      guard code == ENOENT else { throw CLIError("--output \(typed): \(PathText.reason(code))") }
      try checkFolder(of: file, typed: typed)
      return .replace(file: file, existing: nil)
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG:
      return .replace(
        file: file,
        existing: Ownership(mode: info.st_mode & 0o7777, owner: info.st_uid, group: info.st_gid))
    case S_IFDIR:
      throw CLIError("--output \(typed) is a folder; name a file inside it")
    default:
      return .direct(path: file)
    }
  }

  private static func checkFolder(of file: String, typed: String) throws {
    let folder = PathText.folder(of: file)
    var info = stat()
    guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
      throw CLIError("--output \(typed): the folder \(folder) does not exist")
    }
  }

  /// Follows symbolic links at the end of `path` (a dangling one included, so its target is
  /// created). `special` when a hop names an open descriptor rather than a file.
  static func followLinks(_ path: String) throws -> (path: String, special: Bool) {
    var current = path
    for _ in 0..<40 {
      if PathText.namesDescriptor(current) { return (current, true) }
      guard let target = PathText.readLink(current) else { return (current, false) }
      current = target.hasPrefix("/") ? target : PathText.folder(of: current) + "/" + target
    }
    throw CLIError("--output \(path): \(PathText.reason(ELOOP))")
  }

  /// Throws when `path` (or the open `descriptor`) is one of `protected`: the same device and
  /// inode as one that exists, or the same name in the same folder as one that does not.
  static func refuseIfProtected(
    _ path: String?, _ descriptor: Int32?, _ protected: [String], what: String
  ) throws {
    var info = stat()
    let found = descriptor.map { fstat($0, &info) == 0 } ?? (stat(path ?? "", &info) == 0)
    let name = path.flatMap(PathText.canonical)
    for file in protected {
      var other = stat()
      let same =
        stat(file, &other) == 0
        ? found && other.st_dev == info.st_dev && other.st_ino == info.st_ino
        : name != nil && name == PathText.canonical(file)
      if same {
        throw CLIError(
          "\(what) is the database file \(file); nothing was written: choose another file")
      }
    }
  }
}

/// Path text by POSIX calls alone: safe on every name a user can type.
enum PathText {
  /// The folder part: "." for a bare name, "/" for a name at the root.
  static func folder(of path: String) -> String {
    var bytes = Array(path.utf8)
    while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
    guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
    var end = slash
    while end > 0 && bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
    return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
  }

  /// The last component.
  static func name(of path: String) -> String {
    var bytes = Array(path.utf8)
    while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
    guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return path }
    return String(decoding: bytes[(slash + 1)...], as: UTF8.self)
  }

  /// The target of the symbolic link at `path`, or nil when it is not a link.
  static func readLink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The real folder and the name: the same file has the same canonical name however it is
  /// spelled (`./x`, `dir/../x`, through a linked folder). Nil when the folder does not exist.
  static func canonical(_ path: String) -> String? {
    guard let real = realpath(folder(of: path), nil) else { return nil }
    defer { free(real) }
    let folder = String(cString: real)
    return (folder == "/" ? "" : folder) + "/" + name(of: path)
  }

  /// Names that stand for an open descriptor: /dev/stdout, /dev/fd/1, /proc/self/fd/1.
  static func namesDescriptor(_ path: String) -> Bool {
    ["/dev/stdin", "/dev/stdout", "/dev/stderr"].contains(path) || path.hasPrefix("/dev/fd/")
      || (path.hasPrefix("/proc/") && path.contains("/fd/"))
  }

  static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
