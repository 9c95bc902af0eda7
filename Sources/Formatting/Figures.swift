#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The figures a person reads, the same in the terminal and in the report: thousands
/// separated, a fixed number of decimals, independent of the locale.
public enum Figures {
  public static let gibibyte = 1_073_741_824.0

  /// 12,345,678
  public static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// `value` with `places` decimals and thousands separators: 1,234.5
  public static func fixed(_ value: Double, _ places: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    let scale = pow(10, Double(places))
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9.0e18 else { return scientific(value) }
    let whole = Int(scaled) / Int(scale)
    let fraction = Int(scaled) % Int(scale)
    var text = grouped(whole)
    if places > 0 {
      let digits = String(fraction)
      text += "." + String(repeating: "0", count: places - digits.count) + digits
    }
    return (value < 0 && scaled > 0 ? "-" : "") + text
  }

  /// `5.3525e21`-style: four significant decimals.
  public static func scientific(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return value == 0 ? "0" : "\(value)" }
    var exponent = Int(log10(abs(value)).rounded(.down))
    var mantissa = value / pow(10, Double(exponent))
    if abs(mantissa) >= 9.99995 {
      mantissa /= 10
      exponent += 1
    }
    return fixed(mantissa, 4) + "e" + String(exponent)
  }

  /// Memory in GiB (2³⁰ bytes, and said so) with two decimals.
  public static func gib(_ bytes: Int) -> String { fixed(Double(bytes) / gibibyte, 2) + " GiB" }

  public static func days(_ d: Double) -> String { fixed(d, 1) + " days" }
}
