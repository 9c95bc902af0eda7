import TestSupport
import Testing

extension TestDatabase {
  /// For the tests of what only a file has (its bytes, WAL, PRAGMAs, old SQLite schemas):
  /// reported skipped when the run is on the server.
  static let fileOnly = ConditionTrait.enabled(
    if: !onServer, "a file's own behaviour: this run's storage tests are on PostgreSQL")
}
