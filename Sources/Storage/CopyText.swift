/// Values in the text format of PostgreSQL's COPY: `\N` for NULL, a backslash before the
/// characters that end fields and lines, numbers as their shortest exact text.
enum CopyText {
  static func append(_ value: DatabaseValue, to line: inout String) {
    switch value {
    case .null: line += "\\N"
    case .integer(let n): line += String(n)
    case .real(let d):
      if d.isNaN {
        line += "NaN"
      } else if d.isInfinite {
        line += d > 0 ? "Infinity" : "-Infinity"
      } else {
        line += d.description
      }
    case .text(let s):
      guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
      else {
        line += s
        return
      }
      for c in s.unicodeScalars {
        switch c {
        case "\\": line += "\\\\"
        case "\t": line += "\\t"
        case "\n": line += "\\n"
        case "\r": line += "\\r"
        default: line.unicodeScalars.append(c)
        }
      }
    }
  }
}
