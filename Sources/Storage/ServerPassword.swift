#if canImport(Glibc)
  import Glibc
#endif

/// Where a server's password comes from, as `psql` finds it: `PGPASSWORD`, else the first line
/// of the password file (`PGPASSFILE`, else `~/.pgpass`) that matches the address, in the
/// form `host:port:database:user:password` with `*` for any value and `\:`, `\\` escapes. A
/// file that others may read is ignored, as libpq ignores it, and the reason is kept for the
/// message should the server then ask for a password.
public struct ServerPassword: Equatable, Sendable {
  /// The password, or nil when none was found.
  public let password: String?
  /// Why the password file was not used, when it exists and was not (for messages).
  public let fileNote: String?

  /// No password.
  public init(none: Void) { (password, fileNote) = (nil, nil) }

  public init(for address: ServerAddress, environment: [String: String]) {
    if let password = environment["PGPASSWORD"] {
      (self.password, fileNote) = (password, nil)
      return
    }
    let file = environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" }
    guard let file else {
      (password, fileNote) = (nil, nil)
      return
    }
    var info = stat()
    guard stat(file, &info) == 0 else {
      (password, fileNote) = (nil, nil)
      return
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      (password, fileNote) = (nil, "\(file) is not a regular file")
      return
    }
    guard info.st_mode & (S_IRWXG | S_IRWXO) == 0 else {
      (password, fileNote) = (nil, "\(file) was ignored: others may read it (chmod 600 it)")
      return
    }
    let text = Self.contents(of: file) ?? ""
    password = Self.match(text, address)
    fileNote = password == nil ? "no line of \(file) matches \(address.description)" : nil
  }

  /// The password of the first line of `text` matching `address`.
  static func match(_ text: String, _ address: ServerAddress) -> String? {
    // A socket connection matches "localhost", as in libpq.
    let host = address.socketPath == nil ? address.host : "localhost"
    let wanted = [host, String(address.port), address.database, address.user]
    for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
      guard !line.hasPrefix("#"), let fields = fields(line), fields.count == 5 else { continue }
      if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
    }
    return nil
  }

  /// A line's fields, split at unescaped colons, with `\:` and `\\` undone.
  static func fields(_ line: Substring) -> [String]? {
    var fields: [String] = []
    var current = ""
    var escaped = false
    for c in line {
      if escaped {
        current.append(c)
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else if c == ":" && fields.count < 4 {
        fields.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    fields.append(current)
    return fields
  }

  /// A small text file's contents, or nil when it cannot be read.
  static func contents(of file: String) -> String? {
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < 1 << 20 {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      bytes += chunk[..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
