import ConfigImport
import Foundation
import Testing

/// `ConfigValueParser` reads what `JSONDecoder` reads into a `ConfigValue`, the same way, and
/// refuses what it refuses, without trapping on hostile text.
@Suite struct ConfigValueParserTests {
  static let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
      "validation/configs")

  func decoded(_ text: String) -> ConfigValue? {
    try? JSONDecoder().decode(ConfigValue.self, from: Data(text.utf8))
  }

  func parsed(_ text: String) -> ConfigValue? {
    try? ConfigValueParser.parse(Array(text.utf8))
  }

  @Test func everyPublishedConfigReadsAsJSONDecoderReadsIt() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.configs.path)
      .filter { $0.hasSuffix(".json") }
    #expect(names.count >= 5)
    for name in names {
      let text = try String(contentsOf: Self.configs.appendingPathComponent(name), encoding: .utf8)
      let value = parsed(text)
      #expect(value != nil, "\(name)")
      #expect(value == decoded(text), "\(name)")
    }
  }

  @Test func scalarsEscapesAndNumbersMatch() {
    for text in [
      "null", "true", "false", "0", "-0", "4096", "4096.0", "-12.5e-3", "1E+2", "1.5e300",
      "9007199254740993", "-9223372036854775808", "99999999999999999999", "0.1", "3.14159",
      #""plain""#, #""a\"b\\c\/d\b\f\n\r\t""#, #""\u00e9\u4e2d\ud83d\ude00""#, #""é 中 😀""#,
      "[]", "{}", " [1, [2, [3]], {\"a\": null}] ", #"{"a": 1, "a": 2}"#,
      #"{"k": [true, false, null, 1.25, "x"]}"#,
    ] {
      #expect(parsed(text) != nil, "\(text)")
      #expect(parsed(text) == decoded(text), "\(text)")
    }
    // Beyond 2^53 the digits are kept, not the Double's rounding.
    #expect(
      parsed("9007199254740993") == .number(9_007_199_254_740_992, whole: 9_007_199_254_740_993))
    #expect(parsed(#"{"a": 1, "a": 2}"#) == .object(["a": .number(1, whole: 1)]))
  }

  @Test func malformedTextIsRefused() {
    for text in [
      "", " ", "nul", "tru", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\": 1,}", "{1: 2}", "01", "1.",
      ".5", "1e", "-", "+1", "\"open", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud83d\"",
      "\"\\ude00\"", "\"raw \n newline\"", "[1] 2", "1e400", "NaN", "[", "{",
    ] {
      #expect(parsed(text) == nil, "\(text)")
    }
    let invalidUTF8: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
    #expect((try? ConfigValueParser.parse(invalidUTF8)) == nil)
  }

  /// Deep nesting is one error, never a stack overflow.
  @Test func deepNestingIsRefusedNotCrashed() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: ConfigValueParser.Problem.self) {
      try ConfigValueParser.parse(Array(deep.utf8))
    }
    let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect(parsed(fine) != nil)
  }
}
