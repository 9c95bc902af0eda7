#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where each element of the JSON array in a file lies, found in one streaming pass without
/// parsing the elements: a million-plan export is gone through in constant memory, and its
/// elements are then read one at a time, in any order (`read(_:)`).
struct JSONArrayElements {
  struct Problem: Error {
    let message: String
  }

  /// The byte range of each element, in file order.
  private(set) var ranges: [(offset: Int, count: Int)] = []
  private let fd: Int32

  /// Scans `fd` (a regular file, read from its start) for the elements of its array.
  init(_ fd: Int32) throws {
    self.fd = fd
    var scan = Scanner()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var offset = 0
    while true {
      let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
      if n < 0 {
        if errno == EINTR { continue }
        throw Problem(message: PathText.reason(errno))
      }
      if n == 0 { break }
      for i in 0..<n { try scan.take(chunk[i], at: offset + i, into: &ranges) }
      offset += n
    }
    try scan.finish(ranges.count)
  }

  /// The bytes of one element.
  func read(_ index: Int) throws -> [UInt8] {
    let (offset, count) = ranges[index]
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let n = bytes.withUnsafeMutableBytes {
        pread(fd, $0.baseAddress! + filled, count - filled, off_t(offset + filled))
      }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 {
        throw Problem(message: n < 0 ? PathText.reason(errno) : "the file shrank while it was read")
      }
      filled += n
    }
    return bytes
  }

  /// The state of the pass: where it is in the array's text, byte by byte.
  struct Scanner {
    enum Place { case before, between, afterComma, inElement, after }
    var place = Place.before
    var depth = 0
    var inString = false
    var escaped = false
    var start = 0

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    mutating func take(_ b: UInt8, at i: Int, into ranges: inout [(offset: Int, count: Int)])
      throws
    {
      switch place {
      case .before:
        if Self.isSpace(b) { return }
        guard b == UInt8(ascii: "[") else {
          throw Problem(message: "not a JSON array of plans (it must start with [)")
        }
        place = .between
      case .between, .afterComma:
        if Self.isSpace(b) { return }
        if b == UInt8(ascii: "]") {
          guard place == .between else {
            throw Problem(message: "a comma after plan \(ranges.count) is followed by ]")
          }
          place = .after
          return
        }
        guard place == .afterComma || ranges.isEmpty else {
          throw Problem(message: "plan \(ranges.count) is followed by neither , nor ]")
        }
        (place, start, depth) = (.inElement, i, 0)
        try inElement(b, at: i, into: &ranges)
      case .inElement:
        try inElement(b, at: i, into: &ranges)
      case .after:
        guard Self.isSpace(b) else {
          throw Problem(message: "text follows the array's closing ]")
        }
      }
    }

    mutating func inElement(
      _ b: UInt8, at i: Int, into ranges: inout [(offset: Int, count: Int)]
    ) throws {
      if inString {
        if escaped {
          escaped = false
        } else if b == UInt8(ascii: "\\") {
          escaped = true
        } else if b == UInt8(ascii: "\"") {
          inString = false
        }
        return
      }
      switch b {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"): depth = max(0, depth - 1)  // a stray } is the decoder's to find
      case UInt8(ascii: "]") where depth > 0: depth -= 1
      case UInt8(ascii: ","), UInt8(ascii: "]"):
        guard depth == 0 else { return }
        ranges.append((start, i - start))
        place = b == UInt8(ascii: ",") ? .afterComma : .after
      default: return
      }
    }

    func finish(_ count: Int) throws {
      switch place {
      case .after: return
      case .before: throw Problem(message: "empty; a JSON export is an array of plans")
      case .inElement: throw Problem(message: "cut short inside plan \(count + 1)")
      case .between, .afterComma: throw Problem(message: "cut short: the array has no closing ]")
      }
    }
  }
}
