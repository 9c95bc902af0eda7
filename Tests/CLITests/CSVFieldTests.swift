import Testing

@testable import CLI

/// RFC 4180 fields: plain text as it is; a comma, quote or line break quotes the field and
/// doubles each quote.
@Suite struct CSVFieldTests {
  @Test(arguments: [
    ("plain", "plain"), ("", ""), ("é ü 名", "é ü 名"), ("a,b", "\"a,b\""),
    ("say \"hi\"", "\"say \"\"hi\"\"\""), ("\"", "\"\"\"\""), ("\"\"x\"", "\"\"\"\"\"x\"\"\""),
    ("line\nbreak", "\"line\nbreak\""), ("cr\r", "\"cr\r\""),
    ("[{\"stage\":0,\"layers\":6}]", "\"[{\"\"stage\"\":0,\"\"layers\"\":6}]\""),
  ])
  func fieldIsQuotedOnlyWhenItMustBe(text: String, field: String) {
    var out: [UInt8] = [UInt8(ascii: ">")]
    CSV.appendField(text, to: &out)
    #expect(String(decoding: out, as: UTF8.self) == ">" + field)
  }
}
