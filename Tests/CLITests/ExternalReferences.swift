import Foundation

/// What in a page could make a browser fetch something: elements that load, attributes that
/// point somewhere, CSS that imports or references. A URL in visible text is fine.
enum ExternalReferences {
  static let patterns = [
    #"<(script|link|img|iframe|object|embed|audio|video|source|base)\b"#,
    #"\s(href|src|srcset|xlink:href|action|poster|data)\s*="#,
    #"url\s*\("#, #"@import"#,
  ]

  static func find(in html: String) -> [String] {
    patterns.flatMap { pattern -> [String] in
      let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
      let range = NSRange(html.startIndex..., in: html)
      return regex.matches(in: html, range: range).map { String(html[Range($0.range, in: html)!]) }
    }
  }
}
