/// Storage writes its SQL once, in SQLite's spelling; a PostgreSQL server gets it through
/// these few rewrites, each of a construct the two spell differently and mean alike:
///
/// - parameters: `?` and `?N` become `$N`;
/// - `INSERT OR IGNORE INTO t …` becomes `INSERT INTO t … ON CONFLICT DO NOTHING`, and the one
///   `INSERT OR REPLACE` (the `meta` table's key) an upsert on its key;
/// - `x IS ?` (NULL-safe equality) becomes `x IS NOT DISTINCT FROM $N`;
/// - a temporary table's `WITHOUT ROWID` and `STRICT` are dropped;
/// - a `PRAGMA` (SQLite's tuning and file settings) becomes a query of no rows.
///
/// Schema changes are not rewritten: each dialect has its own migrations.
public enum ServerDialect {
  /// The advisory lock every write transaction on a server holds to its end (any constant
  /// that no other program on the database uses: "trainplan" in ASCII).
  static let writeLock: Int64 = 0x74_7261_696E_706C

  /// Whether `sql`, past leading blanks, begins with `keyword` (an upper-case word), in any case.
  static func begins(_ sql: String, with keyword: String) -> Bool {
    sql.drop { $0 == " " || $0 == "\n" }.prefix(keyword.count).uppercased() == keyword
  }

  public static func translate(_ sql: String) -> String {
    if begins(sql, with: "PRAGMA") { return "SELECT NULL WHERE false" }
    var text = numberParameters(sql)
    text = text.replacingAll(" IS $", with: " IS NOT DISTINCT FROM $")
    for suffix in [" WITHOUT ROWID", " STRICT"] {
      text = text.replacingAll(")" + suffix, with: ")")
    }
    // A temporary table's columns: SQLite's INTEGER is 8 bytes, PostgreSQL's 4.
    if begins(sql, with: "CREATE TEMP TABLE") {
      text = text.replacingAll(" INTEGER", with: " BIGINT").replacingAll(
        " REAL", with: " DOUBLE PRECISION")
    }
    if text.contains("INSERT OR IGNORE INTO") {
      text =
        text.replacingAll("INSERT OR IGNORE INTO", with: "INSERT INTO")
        + " ON CONFLICT DO NOTHING"
    }
    if text.contains("INSERT OR REPLACE INTO meta") {
      text =
        text.replacingAll("INSERT OR REPLACE INTO", with: "INSERT INTO")
        + " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    }
    return text
  }

  /// `?` → `$1`, `$2`, … in order, and `?N` → `$N`, outside quoted text.
  static func numberParameters(_ sql: String) -> String {
    var out = ""
    var next = 1
    var quote: Character?
    var chars = sql.makeIterator()
    var pending: Character? = chars.next()
    while let c = pending {
      pending = chars.next()
      if let q = quote {
        out.append(c)
        if c == q { quote = nil }
        continue
      }
      if c == "'" || c == "\"" {
        quote = c
        out.append(c)
        continue
      }
      guard c == "?" else {
        out.append(c)
        continue
      }
      var digits = ""
      while let d = pending, d.isASCII, d.isNumber {
        digits.append(d)
        pending = chars.next()
      }
      if digits.isEmpty {
        out += "$\(next)"
        next += 1
      } else {
        out += "$" + digits
        next = max(next, (Int(digits) ?? 0) + 1)
      }
    }
    return out
  }

  /// The statements of a script (a migration), split at semicolons outside quotes, comments
  /// and `$$`-quoted function bodies (tagged dollar quotes, `$tag$`, are not used here).
  public static func statements(of script: String) -> [String] {
    var statements: [String] = []
    var current = ""
    var quote: Character?
    var lineComment = false
    /// Inside a `$$` body: the characters of it so far, or nil outside one.
    var dollarBody: Int?
    var previous: Character = " "
    for c in script {
      defer { previous = c }
      if lineComment {
        if c == "\n" { lineComment = false }
        continue
      }
      if let length = dollarBody {
        current.append(c)
        // The opening `$$` is not its own end: a `$$` that closes is two characters of body.
        dollarBody = c == "$" && previous == "$" && length >= 1 ? nil : length + 1
        continue
      }
      if c == "$" && previous == "$" {
        current.append(c)
        dollarBody = 0
        continue
      }
      if let q = quote {
        current.append(c)
        if c == q { quote = nil }
        continue
      }
      if c == "-" && previous == "-" {
        current.removeLast()
        lineComment = true
        continue
      }
      if c == "'" || c == "\"" { quote = c }
      if c == ";" {
        let statement = current.trimmed(" \n\t\r")
        if !statement.isEmpty { statements.append(statement) }
        current = ""
        continue
      }
      current.append(c)
    }
    let last = current.trimmed(" \n\t\r")
    if !last.isEmpty { statements.append(last) }
    return statements
  }
}

extension String {
  /// Every occurrence of `target` replaced.
  fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
    guard !target.isEmpty, contains(target) else { return self }
    return split(separator: target, omittingEmptySubsequences: false).joined(
      separator: replacement)
  }

  /// Without leading and trailing characters of `set`.
  fileprivate func trimmed(_ set: String) -> String {
    let kept = drop { set.contains($0) }
    return String(kept.reversed().drop { set.contains($0) }.reversed())
  }
}
