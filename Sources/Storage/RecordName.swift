/// The rules for the name of a saved config or GPU: what a user can type back on a command
/// line and pick out of a comma-separated list.

public enum RecordName {
  public static let maximumLength = 128

  /// The form a name is saved and looked up in: Unicode NFC, so that two names that look the
  /// same ("café" typed composed or as "e" + U+0301) are one name. SQLite compares bytes.
  /// The standard library's own NFC (its Unicode tables, no ICU): Foundation's
  /// `precomposedStringWithCanonicalMapping` would link the internationalisation layer.
  public static func normalized(_ name: String) -> String {
    String(decoding: name._nfcCodeUnits, as: UTF8.self)
  }

  /// Characters that change how text around them is shown without showing themselves: the
  /// bidirectional controls (which can display "gpt2-xl" for what is stored as something else)
  /// and the zero-width ones (which make two different names look identical).
  static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
    case 0x200B...0x200D, 0x2060, 0xFEFF: return true
    default: return false
    }
  }

  /// Checks `name` as it will be saved (call it with the normalized form).
  public static func validate(_ name: String, kind: String) throws {
    if name.isEmpty { throw StoreError.invalidName(kind: kind, rule: "must not be empty") }
    if name.count > maximumLength {
      throw StoreError.invalidName(
        kind: kind, rule: "must be at most \(maximumLength) characters (got \(name.count))")
    }
    if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      throw StoreError.invalidName(kind: kind, rule: "must not contain control characters")
    }
    if name.unicodeScalars.contains(where: isInvisibleControl) {
      throw StoreError.invalidName(
        kind: kind,
        rule:
          "must not contain bidirectional-control or zero-width characters (U+200B–U+200F, U+202A–U+202E, U+2060, U+2066–U+2069, U+061C, U+FEFF)"
      )
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
