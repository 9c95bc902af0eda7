/// The rules for the name of a saved config or GPU: what a user can type back on a command
/// line and pick out of a comma-separated list.
public enum RecordName {
  public static let maximumLength = 128

  public static func validate(_ name: String, kind: String) throws {
    if name.isEmpty { throw StoreError.invalidName(kind: kind, rule: "must not be empty") }
    if name.count > maximumLength {
      throw StoreError.invalidName(
        kind: kind, rule: "must be at most \(maximumLength) characters (got \(name.count))")
    }
    if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      throw StoreError.invalidName(kind: kind, rule: "must not contain control characters")
    }
    if name.contains(",") {
      throw StoreError.invalidName(
        kind: kind, rule: "must not contain a comma (lists are comma-separated)")
    }
    if name.first!.isWhitespace || name.last!.isWhitespace {
      throw StoreError.invalidName(kind: kind, rule: "must not start or end with white space")
    }
  }

  /// Up to `limit` of `candidates` closest to `name`, for "did you mean": names that contain
  /// what was typed first (`a100` → `a100-40gb`), else those a few edits away.
  public static func suggestions(for name: String, among candidates: [String], limit: Int = 3)
    -> [String]
  {
    let typed = name.lowercased()
    let containing = candidates.filter { !typed.isEmpty && $0.lowercased().contains(typed) }
    if !containing.isEmpty {
      return Array(containing.sorted { ($0.count, $0) < ($1.count, $1) }.prefix(limit))
    }
    let target = Array(typed)
    return candidates.map { ($0, editDistance(target, Array($0.lowercased()))) }
      .filter { $0.1 <= max(2, target.count / 3) }
      .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
  }

  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let substitution = previous + (a[i - 1] == b[j - 1] ? 0 : 1)
        previous = row[j]
        row[j] = min(substitution, row[j] + 1, row[j - 1] + 1)
      }
    }
    return row[b.count]
  }
}
