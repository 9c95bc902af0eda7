import Foundation

/// A table: aligned columns in a terminal, tab-separated plain rows when piped, so that
/// `cut`, `awk` and spreadsheets read it.
struct Table {
  var header: [String]
  var rows: [[String]] = []
  /// Columns to align right (numbers).
  var rightAligned: Set<Int> = []

  init(_ header: [String], rightAligned: Set<Int> = []) {
    self.header = header
    self.rightAligned = rightAligned
  }

  mutating func append(_ row: [String]) { rows.append(row) }

  func render(aligned: Bool = Terminal.isStandardOutput) -> String {
    guard aligned else {
      return ([header] + rows).map { $0.map(Self.plain).joined(separator: "\t") + "\n" }.joined()
    }
    let rows = self.rows.map { $0.map(Terminal.escaped) }
    let widths = header.indices.map { i in
      ([header] + rows).map { $0.indices.contains(i) ? $0[i].count : 0 }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
        return rightAligned.contains(i) ? pad + cell : cell + pad
      }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
    }
    let rule = widths.map { String(repeating: "-", count: $0) }
    return line(header) + line(rule) + rows.map(line).joined()
  }

  /// Tabs and newlines inside a cell would break the row apart.
  static func plain(_ cell: String) -> String {
    cell.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
  }
}

enum Terminal {
  static var isStandardOutput: Bool { isatty(STDOUT_FILENO) != 0 }
  static var isStandardError: Bool { isatty(STDERR_FILENO) != 0 }

  /// `text` safe to show on a terminal: control characters (an escape sequence in a saved
  /// `--source` would reach the terminal), bidirectional controls and zero-width characters
  /// (which make text look like what it is not) written as `\n`, `\u{1B}`, `\u{202E}`.
  /// Piped output keeps the bytes as saved.
  static func escaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.properties.generalCategory == .control || isInvisible(scalar):
        out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// The characters `RecordName` refuses in names: bidirectional controls and zero-width ones.
  static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x202A...0x202E, 0x2066...0x2069, 0x200B...0x200F, 0x2060, 0x061C, 0xFEFF: return true
    default: return false
    }
  }

  /// `escaped` on a terminal, `text` itself when the output is piped.
  static func shown(_ text: String) -> String { isStandardOutput ? escaped(text) : text }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.last == " " { s.removeLast() }
    return String(s)
  }
}
