import Formatting

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How the report writes numbers: the same figures the CLI prints, independent of the locale.
enum NumberFormat {
  static let gibibyte = Figures.gibibyte

  static func grouped(_ n: Int) -> String { Figures.grouped(n) }

  static func fixed(_ x: Double, _ places: Int) -> String { Figures.fixed(x, places) }

  static func gib(_ bytes: Int) -> String { Figures.gib(bytes) }

  static func days(_ d: Double) -> String { Figures.days(d) }

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
    var text = printf(x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  /// C's printf of one Double, the bytes `String(format:)` gave (which needs Foundation's
  /// internationalisation layer): exact decimal rounding, "C" locale.
  static func printf(_ format: String, _ x: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    let count = withVaList([x]) { vsnprintf(&buffer, buffer.count, format, $0) }
    return String(
      decoding: buffer.prefix(Int(max(0, count))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// A coordinate in an SVG attribute: one decimal is finer than a pixel.
  static func px(_ x: Double) -> String {
    let r = (x * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
  }
}
