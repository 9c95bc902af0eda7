import Foundation
import TestSupport
import Testing

extension TestDatabase {
  /// For the tests of what only a file has (its bytes, old SQLite schemas, the file as an
  /// output path): reported skipped when the run's databases are on the server.
  static let fileOnly = ConditionTrait.enabled(
    if: !onServer, "a file's own behaviour: this run's databases are on PostgreSQL")

  /// A command runner's database, `plans.sqlite` on a file. A server database that cannot be
  /// made fails the test that asked, which then runs on a file.
  static func forCommands() -> TestDatabase {
    do {
      return try TestDatabase("plans.sqlite")
    } catch {
      Issue.record(error)
      return TestDatabase(file: "plans.sqlite")
    }
  }

  /// `contents()`, a failure to read them failing the test.
  func recordedContents() -> [Data?] {
    do {
      return try contents()
    } catch {
      Issue.record(error)
      return []
    }
  }
}
