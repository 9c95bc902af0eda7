/// `base`, a `postgresql://` URL, with its database replaced by `name`, and its user by `user`
/// when one is given: the test server's other databases and roles.
public func postgresURL(_ base: String, database name: String, user: String? = nil) -> String {
  guard let scheme = base.range(of: "://") else { return base }
  let rest = base[scheme.upperBound...]
  let query = rest.firstIndex(of: "?").map { String(base[$0...]) } ?? ""
  let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? base.endIndex
  var authority = String(base[scheme.upperBound..<authorityEnd])
  if let user, let at = authority.firstIndex(of: "@") {
    authority = user + authority[at...]
  }
  return String(base[..<scheme.upperBound]) + authority + "/" + name + query
}
