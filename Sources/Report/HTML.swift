/// Text made safe for HTML and SVG: names are the user's own and may hold `<script>`,
/// quotes or ampersands, which must show as typed and never become markup.
enum HTML {
  /// For element content and for attribute values in double or single quotes.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      // Control characters other than tab and newline are not allowed in HTML text.
      case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n":
        out += "&#xFFFD;"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// `text` cut to `limit` characters with an ellipsis, for labels in a fixed width.
  static func shortened(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
  }
}
