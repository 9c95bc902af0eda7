import Testing

// Declared in each test target that uses it, not in TestSupport: TestSupport is a library
// target, built by `swift build -c release --static-swift-stdlib` (README's install), where
// the Testing module is not available.
extension Tag {
  /// Suites that take more than a few seconds on their own (many processes, large sweeps, a
  /// browser); `swift test --skip` leaves them out for a quick run (README, "Testing").
  @Tag static var slow: Self
}
