/// Builds the text of an INSERT for a fixed column list, so the placeholders and the upsert
/// clause always match the columns. Values are still bound, never spliced in.
enum InsertStatement {
  enum OnConflict {
    /// Fail on a duplicate key.
    case fail
    /// Keep the existing row.
    case ignore
    /// Overwrite every column but the key, `created_at` and the identity (`uuid`, `origin`):
    /// an edited record stays the same record.
    case update(key: String)
  }

  static func sql(table: String, columns: [String], onConflict: OnConflict) -> String {
    let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    let verb = if case .ignore = onConflict { "INSERT OR IGNORE" } else { "INSERT" }
    var sql = "\(verb) INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))"
    if case .update(let key) = onConflict {
      let sets = columns.filter { $0 != key && !["created_at", "uuid", "origin"].contains($0) }.map
      { "\($0) = excluded.\($0)" }
      sql += " ON CONFLICT (\(key)) DO UPDATE SET " + sets.joined(separator: ", ")
    }
    return sql
  }
}
