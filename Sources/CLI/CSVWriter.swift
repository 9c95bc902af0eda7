import Foundation

/// RFC 4180 CSV: fields quoted when they hold a comma, quote or line break; CRLF line ends.
enum CSV {
  static func field(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return text
    }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  static func row(_ fields: [String]) -> String {
    fields.map(field).joined(separator: ",") + "\r\n"
  }

  /// The flattened columns of a JSON object: nested keys joined with dots
  /// (`memory.total_bytes`), each leaf as its JSON text (strings unquoted, null empty).
  static func flatten(_ value: JSONValue, prefix: String = "") -> [(String, String)] {
    switch value {
    case .object(let members):
      return members.flatMap { key, v in
        flatten(v, prefix: prefix.isEmpty ? key : prefix + "." + key)
      }
    case .null: return [(prefix, "")]
    case .string(let s): return [(prefix, s)]
    default: return [(prefix, value.text())]
    }
  }
}
