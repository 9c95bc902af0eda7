import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// Changing records in place, restoring removed presets, and the rules for names (NFC, no
/// invisible controls).
@Suite struct RecordEditTests {
  let db: TestDatabase
  let store: Store

  init() throws {
    db = try TestDatabase()
    store = try db.open()
  }

  /// The database's bytes: the main file and its write-ahead log.
  func bytes() throws -> [Data?] { try db.contents(of: store) }

  @Test func updateGPUChangesOnlyTheFieldsGiven() throws {
    let before = try store.gpu(named: "a100-80gb")
    let after = try store.updateGPU(named: "a100-80gb") { $0.profile.pricePerHour = 2.5 }
    var expected = before.profile
    expected.pricePerHour = 2.5
    #expect(after.profile == expected)
    #expect(try store.gpu(named: "a100-80gb").profile == expected)
    #expect(after.createdAt == before.createdAt)
    #expect(after.updatedAt >= before.updatedAt)
  }

  @Test func anInvalidResultIsRefusedAndNothingChanges() throws {
    let before = try bytes()
    #expect(throws: PlannerError.self) {
      try store.updateGPU(named: "a100-80gb") { $0.profile.reserveBytes = 1 << 40 }
    }
    #expect(throws: PlannerError.notDivisible(.numHeads, 7, divides: .dModel, 1_600)) {
      try store.updateModel(named: "gpt2-xl") { $0.config.numHeads = 7 }
    }
    #expect(throws: StoreError.self) { try store.updateModel(named: "nope") { _ in } }
    #expect(try bytes() == before)
  }

  @Test func updateNeverRenames() throws {
    try store.updateModel(named: "gpt2-small") {
      $0.config.name = "other"
      $0.config.numLayers = 6
    }
    #expect(try store.model(named: "gpt2-small").config.numLayers == 6)
    #expect(throws: StoreError.self) { try store.model(named: "other") }
  }

  @Test func removedPresetsCanBeRestored() throws {
    let presets = try Presets.embedded()
    let original = try store.gpu(named: "h200")
    try store.removeGPU(named: "h200")
    let restored = try store.restoreGPU(named: "h200", from: presets)
    #expect(restored.profile == original.profile)
    let model = try store.model(named: "gpt2-xl")
    try store.removeModel(named: "gpt2-xl")
    let back = try store.restoreModel(named: "gpt2-xl", from: presets)
    #expect(back.config == model.config)
    #expect(back.source == model.source)
    // Still removed-and-restored after a re-seed: no duplicate, no error.
    try store.database.execute("DELETE FROM meta")
    #expect(try db.open().model(named: "gpt2-xl").config == model.config)
  }

  @Test func restoreIsRefusedForAnExistingNameOrANonPreset() throws {
    let presets = try Presets.embedded()
    try store.saveModel(
      ModelConfig(
        name: "mine", vocabSize: 100, contextLength: 8, numLayers: 1, dModel: 8, numHeads: 2))
    let before = try bytes()
    #expect(throws: StoreError.presetNameTaken(kind: "GPU", name: "h200")) {
      try store.restoreGPU(named: "h200", from: presets)
    }
    #expect(throws: StoreError.notAPreset(kind: "model", name: "mine", suggestions: [])) {
      try store.restoreModel(named: "mine", from: presets)
    }
    #expect(
      throws: StoreError.notAPreset(kind: "GPU", name: "h2000", suggestions: ["h200", "b200"])
    ) {
      try store.restoreGPU(named: "h2000", from: presets)
    }
    #expect(try bytes() == before)
  }

  static let composed = "caf\u{E9}"
  static let decomposed = "cafe\u{301}"

  @Test func namesAreOneNameWhateverTheirUnicodeForm() throws {
    #expect(Self.composed.unicodeScalars.count != Self.decomposed.unicodeScalars.count)
    var m = ModelConfig(
      name: Self.decomposed, vocabSize: 100, contextLength: 8, numLayers: 1, dModel: 8,
      numHeads: 2)
    try store.saveModel(m)
    #expect(try store.model(named: Self.composed).config.name.unicodeScalars.count == 4)
    #expect(try store.model(named: Self.decomposed).config.name == Self.composed)
    m.name = Self.composed
    #expect(throws: StoreError.duplicateName(kind: "model", name: Self.composed)) {
      try store.saveModel(m)
    }
    var g = try store.gpu(named: "t4").profile
    g.name = Self.composed
    try store.saveGPU(g)
    #expect(try store.gpu(named: Self.decomposed).profile.name == Self.composed)
    let plan = try Planner.plan(model: m, hardware: g, setup: TrainingSetup(microBatchSize: 1))
    _ = try store.insertPlan(plan)
    #expect(try store.plans(PlanFilter(model: Self.decomposed)).count == 1)
    try store.removeModel(named: Self.decomposed)
    #expect(try store.modelNames().contains(Self.composed) == false)
  }

  /// A name saved decomposed by an earlier trainplan is still found, changed and removed.
  @Test func aNameSavedBeforeNormalisingIsStillFound() throws {
    try store.database.execute(
      """
      INSERT INTO models (name, vocab_size, context_length, num_layers, d_model, num_heads,
        num_kv_heads, d_ff, ffn, tied_embeddings, source, created_at, updated_at)
      VALUES (?, 100, 8, 1, 8, 2, 2, 32, 'swiglu', 0, '', '2026-01-01', '2026-01-01')
      """, [Self.decomposed])
    #expect(try store.model(named: Self.decomposed).config.name == Self.decomposed)
    try store.updateModel(named: Self.decomposed) { $0.config.numLayers = 2 }
    #expect(try store.model(named: Self.decomposed).config.numLayers == 2)
    try store.removeModel(named: Self.decomposed)
    #expect(throws: StoreError.self) { try store.model(named: Self.decomposed) }
  }

  @Test(arguments: [
    "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}",
    "\u{2068}", "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}", "\u{200B}", "\u{200C}",
    "\u{200D}", "\u{2060}", "\u{FEFF}",
  ])
  func invisibleControlsAreRefusedInNames(_ scalar: String) throws {
    var m = ModelConfig(
      name: "gpt2" + scalar + "-xl", vocabSize: 100, contextLength: 8, numLayers: 1, dModel: 8,
      numHeads: 2)
    let before = try bytes()
    #expect(throws: StoreError.self) { try store.saveModel(m) }
    m.name = scalar + "x"
    var g = try store.gpu(named: "t4").profile
    g.name = "t4" + scalar
    #expect(throws: StoreError.self) { try store.saveGPU(g) }
    #expect(try bytes() == before)
    do {
      try RecordName.validate(m.name, kind: "model")
      Issue.record("accepted U+\(String(scalar.unicodeScalars.first!.value, radix: 16))")
    } catch let error as StoreError {
      #expect(error.description.contains("bidirectional-control or zero-width"))
    }
  }
}
