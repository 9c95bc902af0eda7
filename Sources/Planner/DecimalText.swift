/// Integers as decimal ASCII. A pipelined plan writes up to a few hundred numbers (its stages,
/// its split); `String(n)` and string or array appends cost a sweep a third of its time where
/// writing the digits into one buffer costs almost nothing.
public enum DecimalText {
  /// The most bytes one Int takes: 19 digits and a sign.
  public static let maximumWidth = 20

  /// Writes n at `buffer[i...]`, most significant digit first, with a '-' when negative, and
  /// moves i past it. The buffer must have `maximumWidth` bytes left.
  @inlinable
  public static func write(
    _ n: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at i: inout Int
  ) {
    if n < 0 {
      buffer[i] = UInt8(ascii: "-")
      i += 1
    }
    var rest = n.magnitude
    var width = 1
    while rest >= 10 {
      rest /= 10
      width += 1
    }
    rest = n.magnitude
    var end = i + width
    i = end
    repeat {
      end -= 1
      buffer[end] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
      rest /= 10
    } while rest > 0
  }

  /// The values joined by one ASCII separator, e.g. "5,6,6,5".
  public static func list(_ values: [Int], separator: UInt8 = UInt8(ascii: ",")) -> String {
    String(unsafeUninitializedCapacity: values.count * (maximumWidth + 1)) { buffer in
      var i = 0
      for (k, n) in values.enumerated() {
        if k > 0 {
          buffer[i] = separator
          i += 1
        }
        write(n, into: buffer, at: &i)
      }
      return i
    }
  }
}
