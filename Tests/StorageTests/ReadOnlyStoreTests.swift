import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// A store opened for reading only: queries answer as on a writable open, every write is
/// refused before it runs, and neither the file nor its folder changes.
@Suite(TestDatabase.fileOnly) struct ReadOnlyStoreTests {
  let folder = TemporaryFolder()

  static let toy = ModelConfig(
    name: "toy", vocabSize: 1_000, contextLength: 128, numLayers: 2, dModel: 64, numHeads: 4)

  /// A closed database with a saved model and a plan, in a folder of its own.
  func savedDatabase() throws -> String {
    let path = folder.file("history.sqlite")
    let store = try Store(path: path)
    try store.saveModel(Self.toy, source: "hand-made")
    let plan = try Planner.plan(
      model: Self.toy, hardware: try store.gpu(named: "a100-80gb").profile,
      setup: TrainingSetup(microBatchSize: 1))
    _ = try store.insertPlan(plan)
    return path
  }

  @Test(arguments: [Store.ReadOnlyReason.requested, .permissions])
  func queriesAnswerAsOnAWritableOpen(reason: Store.ReadOnlyReason) throws {
    let path = try savedDatabase()
    let writable = try Store(path: path)
    let expected = (try writable.models(), try writable.plans(), try writable.gpuNames())
    let readOnly = try Store(readingOnly: path, reason: reason)
    #expect(readOnly.readOnly == reason)
    #expect(try readOnly.models() == expected.0)
    #expect(try readOnly.plans() == expected.1)
    #expect(try readOnly.gpuNames() == expected.2)
  }

  @Test func everyWriteIsRefusedAndNothingChanges() throws {
    let path = try savedDatabase()
    let before = folderContents()
    for reason in [Store.ReadOnlyReason.permissions, .requested] {
      let store = try Store(readingOnly: path, reason: reason)
      let refusal =
        reason == .requested ? StoreError.openedReadOnly(path) : StoreError.readOnly(path)
      var other = Self.toy
      other.name = "other"
      #expect(throws: refusal) { try store.saveModel(other) }
      #expect(throws: refusal) { try store.removeModel(named: "toy") }
      #expect(throws: refusal) { _ = try store.insertPlan(try store.plans()[0].plan) }
      #expect(throws: refusal) { _ = try store.beginSweep(arguments: "x", planned: 1) }
      if reason == .permissions {
        // An immutable open (the file cannot be written) leaves no -wal or -shm behind.
        #expect(folderContents() == before)
      } else {
        // A requested one reads like any WAL reader: the file keeps its bytes.
        #expect(fileBytes(path) == before["history.sqlite"])
      }
    }
  }

  /// A snapshot made by an older trainplan is migrated in memory, never on disk.
  @Test func olderSchemaIsUpgradedInMemoryOnly() throws {
    let path = folder.file("old.sqlite")
    let all = try DatabaseMigrator.embedded()
    let older = try DatabaseMigrator(migrations: Array(all.migrations.prefix(9)))
    do { _ = try Store(path: path, migrator: older, seedPresets: false) }
    let before = folderContents()
    let store = try Store(readingOnly: path, reason: .permissions)
    #expect(try store.models().isEmpty)
    #expect(try store.plans().isEmpty)
    #expect(
      try store.database.int("SELECT max(version) FROM schema_migrations")
        == all.migrations.last?.version)
    #expect(throws: StoreError.readOnly(path)) { try store.saveModel(Self.toy) }
    #expect(folderContents() == before)
  }

  @Test func anEmptyFileHoldsNothingToRead() throws {
    let path = folder.file("empty.sqlite")
    #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    #expect(
      throws: StoreError.cannotOpen(
        path: path,
        reason: "it holds no trainplan history yet, and a read-only open creates none")
    ) { try Store(readingOnly: path, reason: .permissions) }
    #expect(fileBytes(path) == Data())
  }

  @Test func aMissingFileIsNotCreated() throws {
    let location = try DatabaseLocation(explicit: folder.file("none.sqlite"), environment: [:])
    #expect(throws: StoreError.self) { try Store(location: location, readOnly: true) }
    #expect(!FileManager.default.fileExists(atPath: location.path))
  }

  @Test func uriEscapingKeepsEveryByteOfThePath() throws {
    let path = folder.file("a b?c#d%e é.sqlite")
    do { _ = try Store(path: path) }
    let store = try Store(readingOnly: path, reason: .permissions)
    #expect(store.path == path)
    #expect(try store.gpuNames().contains("a100-80gb"))
  }

  func folderContents() -> [String: Data] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return Dictionary(
      uniqueKeysWithValues: names.map { ($0, fileBytes(folder.file($0)) ?? Data()) })
  }
}
