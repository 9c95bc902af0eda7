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

  /// Scans `fd` (a regular file, read from its start) for the elements of its array,
  /// `chunkSize` bytes at a time.
  init(_ fd: Int32, chunkSize: Int = 1 << 16) throws {
    self.fd = fd
    var scan = Scanner()
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    var offset = 0
    while true {
      let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
      if n < 0 {
        if errno == EINTR { continue }
        throw Problem(message: PathText.reason(errno))
      }
      if n == 0 { break }
      try chunk.withUnsafeBufferPointer {
        try scan.take(UnsafeBufferPointer(rebasing: $0[..<n]), at: offset, into: &ranges)
      }
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

  /// The state of the pass: where it is in the array's text. Inside an element only quotes,
  /// backslashes, brackets and commas matter, so the loop over a chunk looks at nothing else.
  struct Scanner {
    enum Place { case before, between, afterComma, inElement, after }
    var place = Place.before
    var depth = 0
    var inString = false
    var escaped = false
    var start = 0

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// Takes the next bytes of the file, the first at offset `base`.
    mutating func take(
      _ bytes: UnsafeBufferPointer<UInt8>, at base: Int,
      into ranges: inout [(offset: Int, count: Int)]
    ) throws {
      var i = 0
      while i < bytes.count {
        if place == .inElement {
          i = inElement(bytes, from: i, base: base, into: &ranges)
        } else if try between(bytes[i], at: base + i, count: ranges.count) {
          i += 1
        }
      }
    }

    /// Scans an element from `i` to its end or the chunk's; returns where it stopped.
    mutating func inElement(
      _ bytes: UnsafeBufferPointer<UInt8>, from i: Int, base: Int,
      into ranges: inout [(offset: Int, count: Int)]
    ) -> Int {
      var i = i
      while i < bytes.count {
        let b = bytes[i]
        i += 1
        if inString {
          if escaped {
            escaped = false
          } else if b == 0x5C {  // \
            escaped = true
          } else if b == 0x22 {  // "
            inString = false
          }
          continue
        }
        switch b {
        case 0x22: inString = true
        case 0x7B, 0x5B: depth += 1  // { [
        case 0x7D: depth = max(0, depth - 1)  // } (a stray one is the decoder's to find)
        case 0x5D where depth > 0: depth -= 1  // ]
        case 0x2C, 0x5D:  // , ]
          guard depth == 0 else { continue }
          ranges.append((start, base + i - 1 - start))
          place = b == 0x2C ? .afterComma : .after
          return i
        default: continue
        }
      }
      return i
    }

    /// One byte outside the elements: whitespace, the brackets, commas, an element's start.
    /// False when it starts an element, whose scan then takes it again.
    mutating func between(_ b: UInt8, at offset: Int, count: Int) throws -> Bool {
      switch place {
      case .before:
        if Self.isSpace(b) { return true }
        guard b == UInt8(ascii: "[") else {
          throw Problem(message: "not a JSON array of plans (it must start with [)")
        }
        place = .between
      case .between, .afterComma:
        if Self.isSpace(b) { return true }
        if b == UInt8(ascii: "]") {
          guard place == .between else {
            throw Problem(message: "a comma after plan \(count) is followed by ]")
          }
          place = .after
          return true
        }
        guard place == .afterComma || count == 0 else {
          throw Problem(message: "plan \(count) is followed by neither , nor ]")
        }
        (place, start, depth) = (.inElement, offset, 0)
        return false
      case .inElement: return false
      case .after:
        guard Self.isSpace(b) else {
          throw Problem(message: "text follows the array's closing ]")
        }
      }
      return true
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
