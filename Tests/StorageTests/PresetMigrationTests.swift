import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// The presets of issue 11 (the real GPT-2 family, the seed's variants as `seed-gpt2-*`, GPU
/// prices) and migration 0009, which renames the old presets in a database made before.
@Suite(TestDatabase.fileOnly) struct PresetMigrationTests {
  let folder = TemporaryFolder()

  static let realGPT2 = ["gpt2-small", "gpt2-medium", "gpt2-large", "gpt2-xl"]
  static let seedGPT2 = realGPT2.map { "seed-" + $0 }

  @Test func presetCounts() throws {
    let presets = try Presets.embedded()
    #expect(presets.models.count == 14)
    #expect(presets.gpus.count == 16)
    let names = Set(presets.models.map(\.name))
    #expect(names.isSuperset(of: Self.realGPT2 + Self.seedGPT2))
    #expect(Set(presets.gpus.map(\.name)).count == 16)
  }

  /// Every priced preset names the list it comes from and the date it was read.
  @Test func gpuPricesCiteAListAndADate() throws {
    let presets = try Presets.embedded()
    let priced = presets.gpus.filter { $0.pricePerHour != nil }
    #expect(priced.count >= 10)
    for gpu in presets.gpus {
      let cited = gpu.source.range(of: "price_per_hour: ") != nil
      #expect(cited == (gpu.pricePerHour != nil), "\(gpu.name)")
      guard let price = gpu.pricePerHour, let from = gpu.source.range(of: "price_per_hour: ")
      else { continue }
      let citation = gpu.source[from.upperBound...]
      #expect(citation.range(of: #"20\d\d-\d\d-\d\d"#, options: .regularExpression) != nil)
      #expect(citation.contains(String(format: "$%.2f", price)), "\(gpu.name)")
    }
  }

  @Test func theRealGPT2FamilyIsGPT2() throws {
    let presets = try Presets.embedded()
    for name in Self.realGPT2 {
      let m = try #require(presets.models.first { $0.name == name })
      #expect(m.vocabSize == 50_257 && m.contextLength == 1_024, "\(name)")
      #expect(m.dFF == 4 * m.dModel && m.ffn == .gelu && m.tiedEmbeddings, "\(name)")
      #expect(m.norm == .layernorm && m.bias == .all && m.positional == .learned, "\(name)")
    }
    let counts = try Self.realGPT2.map { name in
      try DetailedMethod.parameterCount(presets.models.first { $0.name == name }!)
    }
    // Hugging Face's GPT2LMHeadModel counts for gpt2 and gpt2-xl (tied head counted once).
    #expect(counts.first == 124_439_808)
    #expect(counts.last == 1_557_611_200)
  }

  @Test func theSeedVariantsKeepSPECsNumbers() throws {
    let presets = try Presets.embedded()
    let xl = try #require(presets.models.first { $0.name == "seed-gpt2-xl" })
    #expect(try ParameterCount(model: xl).total == 2_126_902_400)
    #expect(xl.ffn == .swiglu && !xl.tiedEmbeddings && xl.norm == .rmsnorm)
  }

  /// A database as the previous trainplan left it: migrations 0001–0008, the old presets, a
  /// plan of the old `gpt2-xl`. `prepare` makes the user's changes before the upgrade.
  func oldDatabase(_ prepare: (Store) throws -> Void = { _ in }) throws -> String {
    let path = folder.file("old.sqlite")
    let all = try DatabaseMigrator.embedded()
    // The migrations after 0009 only add tables and columns (at defaults that mean what the
    // old rows meant); they are applied too so that today's record API can write the old
    // state. 0009, under test, touches rows only, so applying it last is what an upgrade does
    // to these rows.
    let old = try DatabaseMigrator(migrations: all.migrations.filter { $0.version != 9 })
    let store = try Store(path: path, migrator: old, seedPresets: false)
    let presets = try Presets(
      modelsJSON: PresetsAtMigration8.modelsJSON, gpusJSON: PresetsAtMigration8.gpusJSON)
    try presets.seed(into: store)
    // The old binary recorded the digest of its own preset files.
    try store.database.execute("UPDATE meta SET value = 'old' WHERE key = 'fixtures_digest'")
    let xl = try store.model(named: "gpt2-xl").config
    let gpu = try store.gpu(named: "a100-80gb").profile
    _ = try store.insertPlan(Planner.plan(model: xl, hardware: gpu))
    try prepare(store)
    return path
  }

  @Test func migrationRenamesUntouchedSeedPresetsAndAddsTheRealFamily() throws {
    let path = try oldDatabase { store in
      var medium = try store.model(named: "gpt2-medium").config
      medium.numLayers = 30  // the user's own version: keeps its name
      try store.saveModel(medium, replace: true)
      try store.removeModel(named: "gpt2-large")  // removed: stays removed, as seed-gpt2-large
    }
    let plansBefore = try dumpPlans(path)
    let store = try Store(path: path)
    let presets = try Presets.embedded()
    func preset(_ name: String) -> ModelConfig { presets.models.first { $0.name == name }! }

    for name in ["seed-gpt2-small", "seed-gpt2-xl"] {
      var expected = preset(name)
      expected.name = name
      #expect(try store.model(named: name).config == expected)
    }
    #expect(
      try ParameterCount(model: store.model(named: "seed-gpt2-xl").config).total
        == 2_126_902_400)
    for name in ["gpt2-small", "gpt2-large", "gpt2-xl"] {
      #expect(try store.model(named: name).config == preset(name))
    }
    let medium = try store.model(named: "gpt2-medium").config
    #expect(medium.numLayers == 30 && medium.ffn == .swiglu)
    #expect(throws: StoreError.self) { try store.model(named: "seed-gpt2-medium") }
    #expect(throws: StoreError.self) { try store.model(named: "seed-gpt2-large") }
    #expect(try dumpPlans(path) == plansBefore)
    #expect(try store.plans().first?.plan.model.ffn == .swiglu)

    let seeded = try store.database.fetch(
      "SELECT name FROM preset_seeds WHERE kind = 'model' ORDER BY name"
    ) { try $0.text("name") }
    #expect(Set(seeded) == Set(presets.models.map(\.name)))
  }

  @Test func removalsStickAfterTheMigration() throws {
    let path = try oldDatabase()
    do {
      let store = try Store(path: path)
      try store.removeModel(named: "seed-gpt2-xl")
      try store.removeModel(named: "gpt2-xl")
    }
    let reopened = try Store(path: path)
    try reopened.database.execute("DELETE FROM meta")  // force a re-seed on the next open
    let again = try Store(path: path)
    #expect(throws: StoreError.self) { try again.model(named: "seed-gpt2-xl") }
    #expect(throws: StoreError.self) { try again.model(named: "gpt2-xl") }
  }

  @Test func aUsersOwnSeedNameDoesNotBreakTheMigration() throws {
    let mine = ModelConfig(
      name: "seed-gpt2-xl", vocabSize: 1_000, contextLength: 64, numLayers: 2, dModel: 64,
      numHeads: 4)
    let path = try oldDatabase { try $0.saveModel(mine, source: "mine") }
    let store = try Store(path: path)
    #expect(try store.model(named: "seed-gpt2-xl").config == mine)
    #expect(try store.model(named: "seed-gpt2-xl").source == "mine")
    // The old preset keeps its name, since the new one is taken; nothing is lost.
    let xl = try store.model(named: "gpt2-xl").config
    #expect(xl.ffn == .swiglu && xl.numLayers == 48)
    #expect(try store.model(named: "seed-gpt2-small").config.ffn == .swiglu)
    #expect(try store.model(named: "gpt2-small").config.ffn == .gelu)
  }

  @Test func aFreshDatabaseHasEveryPreset() throws {
    let store = try Store(path: folder.file("new.sqlite"))
    let presets = try Presets.embedded()
    #expect(try store.modelNames() == presets.models.map(\.name).sorted())
    #expect(
      try store.model(named: "gpt2-xl").config == presets.models.first { $0.name == "gpt2-xl" })
  }

  func dumpPlans(_ path: String) throws -> [String] {
    try dump(Database(path: path)).filter { $0.hasPrefix("plans: ") }
  }
}
