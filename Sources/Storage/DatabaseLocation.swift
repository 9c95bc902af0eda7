#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the database lives: `--db PATH`, else `$TRAINPLAN_DB`, else
/// `$XDG_DATA_HOME/trainplan/trainplan.sqlite`, else `~/.local/share/trainplan/trainplan.sqlite`.
///
/// A default location is used only inside an existing folder: HOME, or an absolute
/// XDG_DATA_HOME, must be an absolute path to an existing folder. The missing folders below it
/// are created on first use; HOME itself, or anything outside it, never is. A relative
/// XDG_DATA_HOME is ignored, as the XDG Base Directory specification says.
public struct DatabaseLocation: Equatable, Sendable {
  public let path: String
  /// For a default location, the existing folder (HOME or XDG_DATA_HOME) below which the
  /// missing folders are created; nil for a path the user named, whose folder must exist: a
  /// typo should not silently start a new history elsewhere.
  public let base: String?
  /// The folders from `base` down to the database's folder.
  let below: [String]

  /// The PostgreSQL database named by a `postgresql://` URL instead of a file; nil for a file.
  public let server: ServerAddress?
  /// The server's password, found as the location is made (`PGPASSWORD`, `~/.pgpass`).
  public let serverPassword: ServerPassword?

  public var createsFolder: Bool { base != nil }

  public init(explicit: String?, environment: [String: String]) throws {
    // A server URL is not a relative path to a folder "postgresql:". The URL is not repeated
    // in messages: it may carry a password.
    for (source, value) in [("--db", explicit), ("TRAINPLAN_DB", environment["TRAINPLAN_DB"])] {
      guard let value else { continue }
      if Self.isServerURL(value) {
        #if Postgres
          let address = try ServerAddress(url: value, source: source, environment: environment)
          server = address
          serverPassword = ServerPassword(for: address, environment: environment)
          (path, base, below) = (address.description, nil, [])
          return
        #else
          throw StoreError.serverDatabase(source: source)
        #endif
      }
      if source == "--db" { break }
    }
    (server, serverPassword) = (nil, nil)
    if let explicit {
      (path, base, below) = (explicit, nil, [])
    } else if let path = environment["TRAINPLAN_DB"], !path.isEmpty {
      (self.path, base, below) = (path, nil, [])
    } else if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
      let base = try Self.existingFolder(data, variable: "XDG_DATA_HOME")
      (self.base, below) = (base, ["trainplan"])
      path = Self.join(base, below + ["trainplan.sqlite"])
    } else {
      let base = try Self.existingFolder(environment["HOME"], variable: "HOME")
      (self.base, below) = (base, [".local", "share", "trainplan"])
      path = Self.join(base, below + ["trainplan.sqlite"])
    }
    if path.isEmpty { throw StoreError.cannotOpen(path: "''", reason: "the path is empty") }
  }

  /// Whether `value` is a PostgreSQL connection URL (`postgresql://` or `postgres://`, in any
  /// case); `./postgresql:/x` is still a path.
  static func isServerURL(_ value: String) -> Bool {
    let lower = value.prefix(13).lowercased()
    return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
  }

  /// `value` without trailing slashes, when it is an absolute path to an existing folder.
  static func existingFolder(_ value: String?, variable: String) throws -> String {
    let refuse = { (why: String) in
      StoreError.noDefaultLocation(
        "\(variable) \(why); pass --db PATH or set TRAINPLAN_DB")
    }
    guard let value else { throw refuse("is not set") }
    guard !value.isEmpty else { throw refuse("is empty") }
    guard value.hasPrefix("/") else { throw refuse("(\(value)) is not an absolute path") }
    var info = stat()
    guard stat(value, &info) == 0 else { throw refuse("(\(value)) does not exist") }
    guard info.st_mode & S_IFMT == S_IFDIR else { throw refuse("(\(value)) is not a folder") }
    var trimmed = Substring(value)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    return String(trimmed)
  }

  static func join(_ base: String, _ parts: [String]) -> String {
    (base == "/" ? "" : base) + parts.map { "/" + $0 }.joined()
  }

  var folder: String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// Creates the missing folders below the base when this location has one, else checks that
  /// the folder exists.
  func prepareFolder() throws {
    if let base { try Self.makeFolders(below, under: base) }
    var info = stat()
    guard stat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
      throw StoreError.cannotOpen(
        path: path,
        reason: "the folder \(folder) does not exist; create it first or choose another --db")
    }
  }

  /// Refuses, before SQLite touches anything, what SQLite would misreport or half-open: a folder
  /// or device where the file should be, a name the system cannot take, and a file or folder
  /// this user cannot write. (SQLite opens an unwritable file read-only and leaves new -wal and
  /// -shm files beside it; WAL mode needs to create those, so the folder must be writable too.)
  func checkFile() throws {
    var info = stat()
    guard stat(path, &info) == 0 else {
      if errno != ENOENT { throw unusable(errno) }
      try checkWritable(folder)
      return
    }
    try checkKind(info)
    try checkWritable(path)
    try checkWritable(folder)
  }

  /// What `checkFile` checks for a database opened read-only: an existing regular file this
  /// user can read. Nothing is created, not even the folder of a default location.
  func checkReadableFile() throws {
    var info = stat()
    guard stat(path, &info) == 0 else {
      guard errno == ENOENT else { throw unusable(errno) }
      throw StoreError.cannotOpen(
        path: path, reason: "there is no database there to read, and a read-only open creates none")
    }
    try checkKind(info)
  }

  /// True when this user can write the database file (if there is one) and its folder, which
  /// SQLite's journal files need: when false, the database can only be read.
  var isWritable: Bool {
    (access(path, F_OK) != 0 || access(path, W_OK) == 0) && access(folder, W_OK) == 0
  }

  /// True when a file exists at the path (of whatever kind).
  var exists: Bool { access(path, F_OK) == 0 }

  private func checkKind(_ info: stat) throws {
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR:
      throw StoreError.cannotOpen(
        path: path,
        reason: "it is a folder; name a database file, e.g. --db \(path)/trainplan.sqlite")
    default:
      throw StoreError.cannotOpen(
        path: path, reason: "it is not a regular file; choose a database file with --db")
    }
    if access(path, R_OK) != 0 { throw unusable(errno) }
  }

  /// Throws `readOnly` when `file` (the database or its folder) cannot be written.
  private func checkWritable(_ file: String) throws {
    guard access(file, W_OK) != 0 else { return }
    if [EACCES, EPERM, EROFS].contains(errno) { throw StoreError.readOnly(path) }
    throw unusable(errno)
  }

  private func unusable(_ code: Int32) -> StoreError {
    StoreError.cannotOpen(
      path: path, reason: "\(String(cString: strerror(code))); choose another file with --db")
  }

  /// Creates each of `parts` in turn below `base`, which exists; one already there must be a
  /// folder (another process may have just made it).
  static func makeFolders(_ parts: [String], under base: String) throws {
    var folder = base
    for part in parts {
      folder = join(folder, [part])
      if mkdir(folder, 0o755) != 0 && errno != EEXIST {
        throw StoreError.cannotOpen(
          path: folder, reason: "cannot create the folder: \(String(cString: strerror(errno)))")
      }
      var info = stat()
      guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
        throw StoreError.cannotOpen(path: folder, reason: "it is not a folder; move it aside")
      }
    }
  }
}
