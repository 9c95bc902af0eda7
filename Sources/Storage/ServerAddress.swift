#if canImport(Glibc)
  import Glibc
#endif

/// A PostgreSQL database named by a URL, `postgresql://user@host:port/dbname?sslmode=require`
/// (or `postgres://`), with libpq's defaults and rules: the port 5432, the user `PGUSER` or
/// the login name, the database named after the user, a host that is a socket folder when it
/// is a path (`?host=/var/run/postgresql`). The password never comes from the URL, which
/// shows in `ps`, shell history and logs: it comes from `PGPASSWORD` or the password file
/// (`PGPASSFILE`, else `~/.pgpass`), as for `psql`.
public struct ServerAddress: Equatable, Sendable {
  /// libpq's `sslmode` values, weakest first.
  public enum TLSMode: String, Sendable, CaseIterable {
    case disable, allow, prefer, require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"
  }

  public var host: String
  public var port: Int
  public var user: String
  public var database: String
  public var tls: TLSMode
  /// The server's socket file when `host` is a folder (a path), else nil.
  public var socketPath: String? {
    host.hasPrefix("/") ? host + "/.s.PGSQL.\(port)" : nil
  }

  /// The address as a URL without any secret: what messages may show.
  public var description: String {
    let shownHost = host.contains(":") ? "[\(host)]" : host
    return host.hasPrefix("/")
      ? "postgresql://\(user)@:\(port)/\(database)?host=\(host)"
      : "postgresql://\(user)@\(shownHost):\(port)/\(database)"
  }

  /// What was wrong with a URL, in one line. It never repeats the URL, which may hold a
  /// password.
  public struct Problem: Error, Equatable, CustomStringConvertible {
    public let description: String
  }

  /// Whether `value` is a PostgreSQL URL (`postgresql://` or `postgres://`, in any case);
  /// `./postgresql:/x` is still a path.
  public static func isURL(_ value: String) -> Bool {
    let lower = value.prefix(13).lowercased()
    return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
  }

  /// Parses `url` (from `source`, e.g. "--db", for messages) with `environment` supplying
  /// libpq's defaults (`PGUSER`, `PGHOST`, `PGPORT`, `PGDATABASE`, `PGSSLMODE`, `USER`).
  public init(url: String, source: String, environment: [String: String]) throws {
    func fail(_ rule: String) -> Problem { Problem(description: "\(source): \(rule)") }
    let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
    guard Self.isURL(url), parts.count == 2 else { throw fail("not a postgresql:// URL") }
    var rest = parts[1]
    var query: Substring = ""
    if let mark = rest.firstIndex(of: "?") {
      query = rest[rest.index(after: mark)...]
      rest = rest[..<mark]
    }
    var path: Substring = ""
    if let slash = rest.firstIndex(of: "/") {
      path = rest[rest.index(after: slash)...]
      rest = rest[..<slash]
    }
    var userPart: Substring?
    if let at = rest.lastIndex(of: "@") {
      userPart = rest[..<at]
      rest = rest[rest.index(after: at)...]
    }
    if let userPart, userPart.contains(":") {
      throw fail(
        "the URL holds a password; give it in PGPASSWORD or ~/.pgpass instead (a URL shows in ps and in shell history)"
      )
    }
    let (hostText, portText) = try Self.splitHostPort(rest, fail)
    var host = try Self.decoded(hostText, fail)
    var port = portText.map(String.init)
    var user = try userPart.map { try Self.decoded($0, fail) }
    var database = path.isEmpty ? nil : try Self.decoded(path, fail)
    var tls: TLSMode?
    for pair in query.split(separator: "&") where !pair.isEmpty {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = String(parts[0])
      let value = try Self.decoded(parts.count == 2 ? parts[1] : "", fail)
      switch key {
      case "sslmode":
        guard let mode = TLSMode(rawValue: value) else {
          throw fail("sslmode '\(value)' is not one of \(Self.modes)")
        }
        tls = mode
      case "host": host = value
      case "port": port = value
      case "user": user = value
      case "dbname": database = value
      case "password":
        throw fail("the URL holds a password; give it in PGPASSWORD or ~/.pgpass instead")
      default:
        throw fail("unknown parameter '\(key)'; trainplan reads sslmode, host, port, user, dbname")
      }
    }
    if host.isEmpty { host = environment["PGHOST"] ?? "localhost" }
    let portValue = port ?? environment["PGPORT"] ?? "5432"
    guard let portNumber = Int(portValue), (1...65535).contains(portNumber) else {
      throw fail("the port '\(portValue)' must be a whole number from 1 to 65535")
    }
    let userName = user ?? environment["PGUSER"] ?? environment["USER"] ?? Self.loginName()
    guard let userName, !userName.isEmpty else {
      throw fail("no user name: put one in the URL (postgresql://NAME@host/db) or in PGUSER")
    }
    let modeText = environment["PGSSLMODE"] ?? "prefer"
    guard let mode = tls ?? TLSMode(rawValue: modeText) else {
      throw fail("PGSSLMODE '\(modeText)' is not one of \(Self.modes)")
    }
    self.host = host
    self.port = portNumber
    self.user = userName
    self.database = database ?? environment["PGDATABASE"] ?? userName
    self.tls = mode
  }

  static let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")

  /// `host`, `host:port`, `[v6]` or `[v6]:port`.
  static func splitHostPort(_ text: Substring, _ fail: (String) -> Problem) throws
    -> (Substring, Substring?)
  {
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { throw fail("an IPv6 host lacks its ]") }
      let host = text[text.index(after: text.startIndex)..<close]
      let after = text[text.index(after: close)...]
      if after.isEmpty { return (host, nil) }
      guard after.hasPrefix(":") else { throw fail("text follows the IPv6 host's ]") }
      return (host, after.dropFirst())
    }
    guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
    return (text[..<colon], text[text.index(after: colon)...])
  }

  /// Percent-decoding, as URLs carry a socket folder (`%2Ftmp`) or an `@` in a user name.
  static func decoded(_ text: Substring, _ fail: (String) -> Problem) throws -> String {
    var bytes: [UInt8] = []
    var i = text.utf8.startIndex
    let utf8 = text.utf8
    while i < utf8.endIndex {
      let b = utf8[i]
      if b == UInt8(ascii: "%") {
        let h1 = utf8.index(after: i)
        guard h1 < utf8.endIndex, utf8.index(after: h1) < utf8.endIndex,
          let high = hexValue(utf8[h1]), let low = hexValue(utf8[utf8.index(after: h1)])
        else { throw fail("a % in the URL must be followed by two hex digits") }
        bytes.append(high << 4 | low)
        i = utf8.index(h1, offsetBy: 2)
      } else {
        bytes.append(b)
        i = utf8.index(after: i)
      }
    }
    guard let decoded = String(validating: bytes, as: UTF8.self) else {
      throw fail("the URL decodes to text that is not UTF-8")
    }
    return decoded
  }

  static func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 0x30...0x39: b - 0x30
    case 0x41...0x46: b - 0x41 + 10
    case 0x61...0x66: b - 0x61 + 10
    default: nil
    }
  }

  /// The login name of the effective user, as libpq takes it when no user is given.
  static func loginName() -> String? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getpwuid_r(geteuid(), &entry, &buffer, buffer.count, &result) == 0, result != nil,
      let name = entry.pw_name
    else { return nil }
    return String(cString: name)
  }
}
