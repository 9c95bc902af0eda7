#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the database lives: `--db PATH`, else `$TRAINPLAN_DB`, else
/// `$XDG_DATA_HOME/trainplan/trainplan.sqlite`, else `~/.local/share/trainplan/trainplan.sqlite`.
public struct DatabaseLocation: Equatable, Sendable {
  public let path: String
  /// True for the XDG default, whose folder is created on first use. A path the user named
  /// must have its folder already: a typo should not silently start a new history elsewhere.
  public let createsFolder: Bool

  public init(explicit: String?, environment: [String: String]) throws {
    if let explicit {
      (path, createsFolder) = (explicit, false)
    } else if let path = environment["TRAINPLAN_DB"], !path.isEmpty {
      (self.path, createsFolder) = (path, false)
    } else if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
      (path, createsFolder) = (data + "/trainplan/trainplan.sqlite", true)
    } else if let home = environment["HOME"], !home.isEmpty {
      (path, createsFolder) = (home + "/.local/share/trainplan/trainplan.sqlite", true)
    } else {
      throw StoreError.cannotOpen(
        path: "(default)", reason: "neither --db, TRAINPLAN_DB, XDG_DATA_HOME nor HOME is set")
    }
    if path.isEmpty { throw StoreError.cannotOpen(path: "''", reason: "the path is empty") }
  }

  var folder: String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// Creates the folder when this location may, else checks that it exists.
  func prepareFolder() throws {
    if createsFolder { try Self.makeFolders(folder) }
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
    try checkWritable(path)
    try checkWritable(folder)
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

  static func makeFolders(_ folder: String) throws {
    var prefix = folder.hasPrefix("/") ? "" : "."
    for part in folder.split(separator: "/") {
      prefix += "/" + part
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
        throw StoreError.cannotOpen(
          path: folder,
          reason: "cannot create folder \(prefix): \(String(cString: strerror(errno)))")
      }
    }
  }
}
