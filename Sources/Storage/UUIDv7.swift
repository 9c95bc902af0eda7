import Synchronization

/// A time-ordered UUID (RFC 9562 §5.7): 48 bits of Unix milliseconds, the version 7, 12 bits,
/// the variant `10`, 62 bits. Records and plans carry one so they keep who they are when a
/// history moves to another database; the integer ids stay the local key.
///
/// `next()` is monotonic within a process (RFC 9562 §6.2, method 2): within one millisecond,
/// or when the clock steps back, the 74 bits after the time count up from the last value, so
/// the plans of one sweep sort in the order they were made.
public struct UUIDv7: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The first 64 bits: time, version, rand_a.
  public let high: UInt64
  /// The last 64 bits: variant, rand_b.
  public let low: UInt64

  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// A UUID of `milliseconds` since the Unix epoch with `random` bits after it (74 are used).
  public init(milliseconds: UInt64, randomA: UInt64, randomB: UInt64) {
    high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (randomA & 0xFFF)
    low = 0x8000_0000_0000_0000 | (randomB & 0x3FFF_FFFF_FFFF_FFFF)
  }

  public var milliseconds: UInt64 { high >> 16 }
  public var version: Int { Int((high >> 12) & 0xF) }
  /// The two variant bits: 0b10 for an RFC 9562 UUID.
  public var variant: Int { Int(low >> 62) }

  /// The two halves as SQLite integers (their bit patterns), as the plans table keeps them.
  public var signedHalves: (high: Int64, low: Int64) {
    (Int64(bitPattern: high), Int64(bitPattern: low))
  }

  public init(signedHigh: Int64, signedLow: Int64) {
    self.init(high: UInt64(bitPattern: signedHigh), low: UInt64(bitPattern: signedLow))
  }

  /// `0192f3b4-…`, lower-case, 8-4-4-4-12.
  /// Written nibble by nibble into one buffer: an export writes one a row, and joining
  /// substrings took 48,000 instructions each.
  public var description: String {
    String(unsafeUninitializedCapacity: 36) { text in
      let digits = Array("0123456789abcdef".utf8)
      var i = 0
      for (word, shift) in [(high, 60), (low, 60)] {
        for nibble in stride(from: shift, through: 0, by: -4) {
          if i == 8 || i == 13 || i == 18 || i == 23 {
            text[i] = UInt8(ascii: "-")
            i += 1
          }
          text[i] = digits[Int((word >> UInt64(nibble)) & 0xf)]
          i += 1
        }
      }
      return i
    }
  }

  /// Parses the canonical text form (either case); nil for anything else.
  public init?(_ text: String) {
    let bytes = Array(text.utf8)
    guard bytes.count == 36 else { return nil }
    var digits: [UInt64] = []
    for (i, b) in bytes.enumerated() {
      if [8, 13, 18, 23].contains(i) {
        guard b == UInt8(ascii: "-") else { return nil }
        continue
      }
      guard let d = Self.hexDigit(b) else { return nil }
      digits.append(d)
    }
    high = digits[0..<16].reduce(0) { $0 << 4 | $1 }
    low = digits[16..<32].reduce(0) { $0 << 4 | $1 }
  }

  public static func < (a: UUIDv7, b: UUIDv7) -> Bool { (a.high, a.low) < (b.high, b.low) }

  /// A new UUID, later than every other this process made.
  public static func next() -> UUIDv7 {
    var random = SystemRandomNumberGenerator()
    return last.withLock { last in
      let now = Timestamp.milliseconds()
      var made = UUIDv7(milliseconds: now, randomA: random.next(), randomB: random.next())
      if let previous = last, made <= previous { made = previous.successor() }
      last = made
      return made
    }
  }

  private static let last = Mutex<UUIDv7?>(nil)

  /// The next value in the 74 counting bits, carrying into the time when they run out.
  func successor() -> UUIDv7 {
    var randomB = low & 0x3FFF_FFFF_FFFF_FFFF
    var randomA = high & 0xFFF
    var ms = milliseconds
    randomB += 1
    if randomB > 0x3FFF_FFFF_FFFF_FFFF {
      randomB = 0
      randomA += 1
      if randomA > 0xFFF {
        randomA = 0
        ms += 1
      }
    }
    return UUIDv7(milliseconds: ms, randomA: randomA, randomB: randomB)
  }

  private static func hexDigit(_ b: UInt8) -> UInt64? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt64(b - UInt8(ascii: "A") + 10)
    default: return nil
    }
  }
}
