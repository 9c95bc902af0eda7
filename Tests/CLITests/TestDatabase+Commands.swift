import TestSupport
import Testing

extension TestDatabase {
  /// For the tests of what only a file has (its bytes, old SQLite schemas, the file as an
  /// output path): reported skipped when the run's databases are on the server.
  static let fileOnly = ConditionTrait.enabled(
    if: !onServer, "a file's own behaviour: this run's databases are on PostgreSQL")
}
