import Foundation

/// How the report writes numbers: the same figures the CLI prints, independent of the locale.
enum NumberFormat {
  static let gibibyte = 1_073_741_824.0

  /// 12,345,678
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// 1234.5 with `places` decimals, grouped: 1,234.5
  static func fixed(_ x: Double, _ places: Int) -> String {
    let text = String(format: "%.\(places)f", x)
    let parts = text.split(separator: ".", maxSplits: 1)
    guard let whole = Int(parts[0]) else { return text }
    let sign = text.hasPrefix("-") && whole == 0 ? "-" : ""
    return sign + grouped(whole) + (parts.count > 1 ? "." + parts[1] : "")
  }

  static func gib(_ bytes: Int) -> String { fixed(Double(bytes) / gibibyte, 2) + " GiB" }

  static func days(_ d: Double) -> String { fixed(d, 1) + " days" }

  static func dollars(_ x: Double) -> String { "$" + fixed(x, 0) }

  /// 1.56B, 124M, 6.4k: parameter counts on axes and in labels.
  static func parameters(_ n: Double) -> String {
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
    for (size, suffix) in units where n >= size {
      return trimmed(n / size) + suffix
    }
    return trimmed(n)
  }

  /// Up to three significant digits, no trailing zeros: 1.5, 120, 0.25
  static func trimmed(_ x: Double) -> String {
    var text = String(format: x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  /// A coordinate in an SVG attribute: one decimal is finer than a pixel.
  static func px(_ x: Double) -> String {
    let r = (x * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
  }
}
