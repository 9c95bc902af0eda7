import Testing

@testable import CLI

/// `ParsedJSON` reads and prints JSON as Foundation's `JSONSerialization` did before the
/// binary dropped Foundation (issue 17). Every expected text here is what the previous binary
/// (`7a0c460`, JSONSerialization) printed in `model import`'s refusals for the same value.
@Suite struct ParsedJSONTests {
  func value(_ json: String) -> ParsedJSON? {
    guard case .object(let members)? = ParsedJSON.parse(Array(#"{"v": \#(json)}"#.utf8)) else {
      return nil
    }
    return members["v"]
  }

  @Test func numbersPrintAsFoundationTypedThem() throws {
    let cases: [(String, String)] = [
      ("1.5", "1.5"), ("1e-7", "1e-07"), ("0.000001", "1e-06"), ("9.2e18", "9.2e+18"),
      ("1E2", "100"), ("-0", "0"), ("-0.0", "-0"), ("1e130", "1e+130"), ("4096.0", "4096"),
      ("0.30000000000000004", "0.30000000000000004"),
      ("3.14159265358979323846", "3.14159265358979323846"),
      ("100000000000000000000000", "100000000000000000000000"),
      ("12345678901234567890", "12345678901234567890"),
      ("-9223372036854775809", "-9223372036854775809"),
      ("1.00000000000000000001e5", "100000.000000000000001"),
      ("0.0000000000000000000001", "0.0000000000000000000001"),
    ]
    for (json, text) in cases {
      #expect(try #require(value(json), "\(json)").text == text, "\(json)")
    }
    #expect(value("4096.0")?.value == 4_096)
    #expect(value("1e400") == nil)  // valid JSON, no finite Double: the file was refused
  }

  @Test func containersPrintWithFoundationsKeyOrderAndEscapes() throws {
    let object = try #require(value(#"{"B":1,"a":2,"a10":3,"a9":4,"_z":5,"Z":[true,null,1.50]}"#))
    #expect(object.text == #"{"_z":5,"a":2,"a9":4,"a10":3,"B":1,"Z":[true,null,1.5]}"#)
    let string = try #require(value(#""a\"b\u00e9\n/\t\b\f\u0001""#))
    #expect(string.text == #""a\"bé\n\/\t\b\f\u0001""#)
    #expect(value(#""😀\ud83d\ude00""#) == .string("😀😀"))
    #expect(value(#"{"k": 1, "k": 2}"#) == .object(["k": .number("2")]))  // the last one wins
  }

  @Test func theGrammarIsJSONSerializations() {
    for accepted in ["[1,]", #"{"a": 1,}"#, "[]", "{}", " \r\n\t1 ", "-0", "1E+2"] {
      #expect(value(accepted) != nil, "\(accepted)")
    }
    for refused in [
      "[,]", "01", "-01", "1.", ".5", "+1", "1e", "--1", "NaN", "tru", "nul", #""\ud800""#,
      #""\x""#, #""\u00""#, "[1 2]", "'a'", "1x",
    ] {
      #expect(value(refused) == nil, "\(refused)")
    }
    let nested = { (depth: Int) in
      String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }
    #expect(value(nested(511)) != nil)  // with the outer object, 512 levels
    #expect(value(nested(512)) == nil)
    #expect(ParsedJSON.parse(Array("{} x".utf8)) == nil)
    #expect(ParsedJSON.parse(Array("{}\u{0}".utf8)) == nil)
  }

  @Test func encodingsAreDetectedAsFoundationDid() {
    let text = #"{"a": 1}"#
    let utf16LE = Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let utf16BE = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    let utf32BE = text.unicodeScalars.flatMap { s in
      [24, 16, 8, 0].map { UInt8((s.value >> $0) & 0xFF) }
    }
    let expected = ParsedJSON.object(["a": .number("1")])
    #expect(ParsedJSON.parse(utf16LE) == expected)
    #expect(ParsedJSON.parse(utf16BE) == expected)
    #expect(ParsedJSON.parse(utf32BE) == expected)
    #expect(ParsedJSON.parse([0xEF, 0xBB, 0xBF] + Array(text.utf8)) == expected)
    #expect(ParsedJSON.parse([0] + Array(text.utf8)) == nil)
  }
}
