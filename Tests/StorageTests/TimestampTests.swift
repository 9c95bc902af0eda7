import Testing

@testable import Storage

/// Stored timestamps, and the `--since` dates a user types, normalised to a prefix of them.
@Suite struct TimestampTests {
  @Test func storedFormIsUTCWithMilliseconds() {
    #expect(Timestamp.format(seconds: 0, milliseconds: 0) == "1970-01-01T00:00:00.000Z")
    #expect(
      Timestamp.format(seconds: 1_795_961_143, milliseconds: 123) == "2026-11-29T14:05:43.123Z")
    #expect(
      Timestamp.format(seconds: 1_709_251_199, milliseconds: 999) == "2024-02-29T23:59:59.999Z")
    #expect(Timestamp.format(seconds: 946_684_800, milliseconds: 7) == "2000-01-01T00:00:00.007Z")
  }

  /// `now` has the stored shape, and sorts after a time already passed.
  @Test func nowSortsAsText() {
    let now = Timestamp.now()
    let shape = now.map { $0.isNumber ? "d" : String($0) }.joined()
    #expect(shape == "dddd-dd-ddTdd:dd:dd.dddZ", "\(now)")
    #expect(now > "2026-01-01T00:00:00.000Z")
    #expect(Timestamp.now() >= now)
  }

  @Test(arguments: [
    ("2026-11-29", "2026-11-29"),
    ("2026-11-29Z", "2026-11-29"),
    ("2026-11-29T10:00", "2026-11-29T10:00"),
    ("2026-11-29 10:00", "2026-11-29T10:00"),
    ("2026-11-29T10:00:05", "2026-11-29T10:00:05"),
    ("2026-11-29T10:00:05.123Z", "2026-11-29T10:00:05.123"),
    ("2026-02-01T23:59:59.999", "2026-02-01T23:59:59.999"),
    ("2028-02-29", "2028-02-29"), ("2000-02-29", "2000-02-29"), ("2026-04-30", "2026-04-30"),
    ("2026-12-31", "2026-12-31"),
  ])
  func sinceIsAPrefixOfTheStoredForm(typed: String, bound: String) throws {
    #expect(Timestamp.lowerBound(from: typed) == bound)
  }

  /// Compared as text, the bound keeps what was stored at or after the moment typed.
  @Test func theBoundComparesWithStoredTimestamps() throws {
    let stored = Timestamp.format(seconds: 1_795_961_143, milliseconds: 123)
    for (typed, kept) in [
      ("2026-11-29", true), ("2026-11-29T14:05", true), ("2026-11-29 14:05:43.123", true),
      ("2026-11-29T14:05:43.124", false), ("2026-11-29T14:06", false), ("2026-11-30", false),
    ] {
      let bound = try #require(Timestamp.lowerBound(from: typed), "\(typed)")
      #expect((stored >= bound) == kept, "\(typed)")
    }
  }

  @Test(arguments: [
    "", "yesterday", "2026", "2026-11", "2026-1-29", "26-11-29", "2026/11/29", "2026-11-29x",
    "2026-13-01", "2026-00-10", "2026-11-00", "2026-11-32", "2026-11-29T", "2026-11-29T10",
    "2026-11-29T10:0", "2026-11-29T10:00:0", "2026-11-29T10:00:00.12", "2026-11-29T10:00:00.1234",
    "2026-11-29T10:00Z0", "2026-11-29t10:00", "2026-11-29T24:00", "2026-11-29T10:60",
    "2026-11-29T10:00:60", "\u{FF12}026-11-29", "2026-11-29T\u{0661}\u{0660}:00",
    "2026-11-29T10:\u{0660}\u{0660}", "2026-11-29T1\u{00BD}:00", "-2026-11-29", " 2026-11-29",
    "2026-11-29ZZ", "2026-02-31", "2026-02-29", "2100-02-29", "2026-04-31", "2026-06-31",
    "2026-09-31", "2026-11-31",
  ])
  func badDatesAreRefused(typed: String) {
    #expect(Timestamp.lowerBound(from: typed) == nil, "\(typed)")
  }
}
