import Testing

extension Tag {
  /// Suites that take more than a few seconds on their own (many processes, large sweeps, a
  /// browser); `swift test --skip` leaves them out for a quick run (README, "Testing").
  @Tag public static var slow: Self
}
