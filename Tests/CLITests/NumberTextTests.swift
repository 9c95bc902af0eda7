import Testing

@testable import CLI

/// One number grammar for every numeric flag.
@Suite struct NumberTextTests {
  @Test func theSameNumbersReadAlikeEverywhere() throws {
    #expect(try Count.parse("1024") == 1_024)
    #expect(try Count.parse(" 400k ") == 400_000)
    #expect(try Count.parse("3e11") == 300_000_000_000)
    #expect(try Count.parse("1.5T") == 1_500_000_000_000)
    #expect(try Count.parse("9223372036854775807") == Int.max)
    #expect(try MemorySize.parse("80GiB") == 85_899_345_920)
    #expect(try MemorySize.parse("80 GiB") == 85_899_345_920)
    #expect(try MemorySize.parse("1.5e3MB") == 1_500_000_000)
    #expect(try Real.parse("0.45") == 0.45)
    #expect(try Real.parse(".5") == 0.5)
    #expect(try Real.parse("1e308") == 1e308)
  }

  @Test(arguments: [
    "0x10", "0x1p3", "1_000", "1,000", "nan", "inf", "-inf", "", " ", "1e", "e5", "1..2", "٣",
    "1 2", "--1",
  ])
  func everythingElseIsRefused(_ text: String) {
    #expect(throws: (any Error).self) { try Count.parse(text) }
    #expect(throws: (any Error).self) { try MemorySize.parse(text) }
    #expect(throws: (any Error).self) { try Real.parse(text) }
  }

  @Test func separatorsAndHexSayWhy() {
    func message(_ body: () throws -> Any) -> String {
      do { _ = try body() } catch { return "\(error)" }
      return ""
    }
    #expect(message { try Count.parse("1_000") }.contains("thousands separators"))
    #expect(message { try Real.parse("0x1p3") }.contains("hexadecimal"))
    #expect(message { try Real.parse("2GiB") }.contains("plain number"))
    #expect(message { try Real.parse("1e400") }.contains("too large"))
  }
}
