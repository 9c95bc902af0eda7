#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// ISO 8601 UTC timestamps with milliseconds, e.g. `2026-11-29T14:05:43.123Z`: they sort as
/// text, so `--since` compares them as strings.
public enum Timestamp {
  public static func now() -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return format(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec) / 1_000_000)
  }

  /// Milliseconds since the Unix epoch, by the same clock as `now()`.
  public static func milliseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return UInt64(max(0, spec.tv_sec)) * 1_000 + UInt64(spec.tv_nsec / 1_000_000)
  }

  static func format(seconds: Int, milliseconds: Int) -> String {
    var t = time_t(seconds)
    var parts = tm()
    gmtime_r(&t, &parts)
    func pad(_ v: Int32, _ width: Int) -> String {
      let s = String(v)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
      + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
      + ".\(pad(Int32(milliseconds), 3))Z"
  }

  /// The days of a month in the Gregorian calendar: 2026-02-31 is a typo, not a date.
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Normalises a user's date (`2026-11-29`, `2026-11-29T10:00`, `…Z`) to a comparable prefix
  /// of the stored form, or nil when it is not a date.
  public static func lowerBound(from text: String) -> String? {
    let pattern: [Character?] = Array("dddd-dd-dd").map { $0 == "d" ? nil : $0 }
    let chars = Array(text.hasSuffix("Z") ? String(text.dropLast()) : text)
    guard chars.count >= 10 else { return nil }
    for (c, p) in zip(chars, pattern) {
      if let p { if c != p { return nil } } else if !c.isASCII || !c.isNumber { return nil }
    }
    guard let year = Int(String(chars[0...3])), let month = Int(String(chars[5...6])),
      (1...12).contains(month), let day = Int(String(chars[8...9])),
      (1...daysIn(month: month, year: year)).contains(day)
    else { return nil }
    if chars.count == 10 { return String(chars) }
    // A time part: HH:MM, HH:MM:SS or HH:MM:SS.mmm after a T or a space.
    guard chars[10] == "T" || chars[10] == " " else { return nil }
    let time = String(chars[11...])
    // ASCII digits only: other digits (`١٠`, `½`) are numbers too, and would sort after every
    // stored time.
    let shape = time.map { $0.isASCII && $0.isNumber ? "d" : String($0) }.joined()
    guard ["dd:dd", "dd:dd:dd", "dd:dd:dd.ddd"].contains(shape) else { return nil }
    // Hours, minutes and seconds in range: 24:00 or 10:60 is a typo, not a time.
    let fields = time.prefix(8).split(separator: ":").compactMap { Int($0) }
    guard fields[0] < 24, fields.dropFirst().allSatisfy({ $0 < 60 }) else { return nil }
    return String(chars[0...9]) + "T" + time
  }
}
