#if canImport(Glibc)
  import Glibc
#endif

/// Where a record or plan was made: `user@host`, the effective user's name from the password
/// database (its uid when it has none there) and the host's name. It says who made a row
/// after a history has been merged from several machines.
public enum Origin {
  /// This process's origin, looked up once.
  public static let current: String = "\(userName())@\(hostName())"

  static func userName() -> String {
    let uid = geteuid()
    var entry = passwd()
    var found: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    if getpwuid_r(uid, &entry, &buffer, buffer.count, &found) == 0, let found,
      let name = found.pointee.pw_name, name.pointee != 0
    {
      return String(cString: name)
    }
    return String(uid)
  }

  static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0, buffer[0] != 0 else { return "localhost" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
