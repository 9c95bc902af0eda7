import Formatting

/// How numbers are shown to a person: memory in GiB (2³⁰ bytes, and said so), FLOPs in
/// scientific notation, days with one decimal, thousands separated.
enum Units {
  static let gibibyte = Figures.gibibyte

  static func gib(_ bytes: Int) -> String { Figures.gib(bytes) }

  /// Bytes in the largest binary unit that keeps the figure at least 1: `240.5 KiB`, `3.1 GiB`.
  static func size(_ bytes: Double) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = bytes
    var unit = 0
    while value >= 1_024 && unit < units.count - 1 {
      value /= 1_024
      unit += 1
    }
    return unit == 0 ? fixed(value, 0) + " bytes" : fixed(value, 1) + " " + units[unit]
  }

  static func tflops(_ flops: Double) -> String { trimmed(flops / 1e12) + " TFLOP/s" }

  /// `5.3525e21`-style: four significant decimals.
  static func scientific(_ value: Double) -> String { Figures.scientific(value) }

  /// `value` with `places` decimals and thousands separators.
  static func fixed(_ value: Double, _ places: Int) -> String { Figures.fixed(value, places) }

  /// A number without trailing zeros: 19.5, 312, 0.25.
  static func trimmed(_ value: Double) -> String {
    var text = fixed(value, 3)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  static func grouped(_ n: Int) -> String { Figures.grouped(n) }

  static func days(_ d: Double) -> String { Figures.days(d) }

  /// `13.83 s`, `412 ms`, `85 µs`.
  static func seconds(_ s: Double) -> String {
    if s >= 1 || s == 0 { return fixed(s, 2) + " s" }
    if s >= 1e-3 { return fixed(s * 1e3, 1) + " ms" }
    return fixed(s * 1e6, 0) + " µs"
  }

  static func dollars(_ d: Double) -> String { "$" + fixed(d, 2) }
}

extension Units {
  /// `2.13 B`, `124.4 M`: parameter counts as people say them.
  static func parameters(_ p: Int) -> String {
    let v = Double(p)
    if v >= 1e12 { return fixed(v / 1e12, 2) + " T" }
    if v >= 1e9 { return fixed(v / 1e9, 2) + " B" }
    if v >= 1e6 { return fixed(v / 1e6, 1) + " M" }
    return grouped(p)
  }
}

/// Aligned `key  value` lines.
struct KeyValueList {
  let rows: [(String, String)]

  init(_ rows: [(String, String)]) { self.rows = rows }

  /// One `key  value` line per row; values escaped for a terminal (`Terminal.escaped`).
  func render(escaping: Bool = Terminal.isStandardOutput) -> String {
    let width = rows.map(\.0.count).max() ?? 0
    return rows.map { k, v in
      k + String(repeating: " ", count: width - k.count + 2) + (escaping ? Terminal.escaped(v) : v)
        + "\n"
    }
    .joined()
  }
}

extension Units {
  /// Bytes per second in decimal units, said so: `2,039 GB/s`, `864 GB/s`, `3.35 TB/s` is
  /// written `3,350 GB/s` (one unit for every GPU, easy to compare).
  static func bandwidth(_ bytesPerSecond: Double) -> String {
    if bytesPerSecond >= 1e9 || bytesPerSecond == 0 {
      return trimmed(bytesPerSecond / 1e9) + " GB/s"
    }
    if bytesPerSecond >= 1e6 { return trimmed(bytesPerSecond / 1e6) + " MB/s" }
    return trimmed(bytesPerSecond) + " B/s"
  }

  /// A link's rate in bytes and in bits, as datasheets give one or the other:
  /// `300 GB/s (2,400 Gb/s)`.
  static func linkBandwidth(_ bytesPerSecond: Double) -> String {
    let bits = bytesPerSecond * 8
    let inBits =
      bits >= 1e9 || bits == 0
      ? trimmed(bits / 1e9) + " Gb/s"
      : bits >= 1e6 ? trimmed(bits / 1e6) + " Mb/s" : trimmed(bits) + " b/s"
    return bandwidth(bytesPerSecond) + " (" + inBits + ")"
  }

  /// Seconds in the unit that reads best: `10 us`, `1.5 ms`, `800 ns`, `2 s`.
  static func latency(_ seconds: Double) -> String {
    if seconds == 0 { return "0 us" }
    if seconds >= 1 { return trimmed(seconds) + " s" }
    if seconds >= 1e-3 { return trimmed(seconds * 1e3) + " ms" }
    if seconds >= 1e-6 { return trimmed(seconds * 1e6) + " us" }
    return trimmed(seconds * 1e9) + " ns"
  }
}
