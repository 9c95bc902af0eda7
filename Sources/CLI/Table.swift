#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A table: aligned columns in a terminal, tab-separated plain rows when piped, so that
/// `cut`, `awk` and spreadsheets read it.
struct Table {
  var header: [String]
  var rows: [[String]] = []
  /// Columns to align right (numbers).
  var rightAligned: Set<Int> = []
  /// An SGR colour per body cell (nil: none), painted when `style` has colour.
  var colours: [[String?]] = []
  var style = TerminalStyle.plain

  init(_ header: [String], rightAligned: Set<Int> = []) {
    self.header = header
    self.rightAligned = rightAligned
  }

  mutating func append(_ row: [String], colours: [String?] = []) {
    rows.append(row)
    self.colours.append(colours)
  }

  /// `cell` of body row `row` in its colour, if it has one and colour is on.
  func painted(_ cell: String, row: Int?, column: Int) -> String {
    guard let row, colours.indices.contains(row), colours[row].indices.contains(column),
      let sgr = colours[row][column]
    else { return cell }
    return style.paint(cell, sgr)
  }

  func render(aligned: Bool = Terminal.isStandardOutput) -> String {
    guard aligned else {
      return ([header] + rows).enumerated().map { r, cells in
        cells.enumerated().map { painted(Self.plain($1), row: r - 1, column: $0) }
          .joined(separator: "\t") + "\n"
      }.joined()
    }
    let rows = self.rows.map { $0.map(Terminal.escaped) }
    let widths = header.indices.map { i in
      ([header] + rows).map { $0.indices.contains(i) ? $0[i].count : 0 }.max() ?? 0
    }
    func line(_ cells: [String], row: Int? = nil) -> String {
      cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
        let shown = painted(cell, row: row, column: i)
        return rightAligned.contains(i) ? pad + shown : shown + pad
      }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
    }
    let rule = widths.map { String(repeating: "-", count: $0) }
    return line(header) + line(rule) + rows.enumerated().map { line($1, row: $0) }.joined()
  }

  /// Tabs and newlines inside a cell would break the row apart.
  static func plain(_ cell: String) -> String {
    // Almost every cell has neither: a scan of its bytes spares rebuilding it.
    guard cell.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A }) else { return cell }
    return String(
      String.UnicodeScalarView(cell.unicodeScalars.map { $0 == "\t" || $0 == "\n" ? " " : $0 }))
  }
}

enum Terminal {
  // Output collected in process is never a terminal.
  static var isStandardOutput: Bool { CommandOutput.current == nil && isatty(STDOUT_FILENO) != 0 }
  static var isStandardError: Bool { CommandOutput.current == nil && isatty(STDERR_FILENO) != 0 }

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
