import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

@Suite struct RecordTests {
  let db: TestDatabase
  let store: Store

  init() throws {
    db = try TestDatabase()
    store = try db.open()
  }

  static let toy = ModelConfig(
    name: "toy", vocabSize: 1_000, contextLength: 128, numLayers: 2, dModel: 64, numHeads: 4)

  @Test func modelRoundTrips() throws {
    var m = Self.toy
    m.numKVHeads = 2
    m.ffn = .gelu
    m.tiedEmbeddings = true
    try store.saveModel(m, source: "hand-made")
    let back = try store.model(named: "toy")
    #expect(back.config == m)
    #expect(back.source == "hand-made")
    #expect(back.createdAt == back.updatedAt)
  }

  @Test func duplicateNameIsRefusedUnlessReplacing() throws {
    try store.saveModel(Self.toy)
    var wider = Self.toy
    wider.dModel = 128
    #expect(throws: StoreError.duplicateName(kind: "model", name: "toy")) {
      try store.saveModel(wider)
    }
    #expect(try store.model(named: "toy").config.dModel == 64)
    try store.saveModel(wider, replace: true)
    #expect(try store.model(named: "toy").config.dModel == 128)
  }

  @Test func presetsThatAreNewToADatabaseAreAddedOnOpen() throws {
    #expect(
      try store.database.text("SELECT value FROM meta WHERE key = 'fixtures_digest'")
        == Presets.embeddedDigest)
    // As if this binary brought a preset the database has not seen: its seed and digest gone.
    try store.database.execute("DELETE FROM meta")
    try store.database.execute("DELETE FROM preset_seeds WHERE name = 'h200'")
    try store.removeGPU(named: "h200")
    let reopened = try db.open()
    #expect(try reopened.gpu(named: "h200").profile.memoryBytes == 143_771 * 1_048_576)
  }

  @Test func presetsAreSeededOnceAndRemovalsStick() throws {
    try store.removeModel(named: "gpt2-xl")
    var a100 = try store.gpu(named: "a100-80gb").profile
    a100.pricePerHour = 1.5
    try store.saveGPU(a100, replace: true)
    let reopened = try db.open()
    #expect(throws: StoreError.self) { try reopened.model(named: "gpt2-xl") }
    #expect(try reopened.gpu(named: "a100-80gb").profile.pricePerHour == 1.5)
  }

  @Test(arguments: [
    "x'); DROP TABLE plans;--", "quote\"d 'name'", "模型-7b", "emoji 🚀 model", "ümlaut",
    "; SELECT * FROM models", String(repeating: "λ", count: 128),
  ])
  func hostileNamesRoundTripVerbatim(_ name: String) throws {
    var m = Self.toy
    m.name = name
    try store.saveModel(m)
    #expect(try store.model(named: name).config.name == name)
    var g = try store.gpu(named: "t4").profile
    g.name = name
    try store.saveGPU(g)
    #expect(try store.gpu(named: name).profile.name == name)
    let plan = try Planner.plan(model: m, hardware: g, setup: TrainingSetup(microBatchSize: 1))
    try store.insertPlan(plan)
    #expect(try store.plans(PlanFilter(model: name)).first?.plan.model.name == name)
    #expect(try store.database.int("SELECT count(*) FROM plans") == 1)
  }

  @Test(arguments: [
    "", " leading", "trailing ", "a,b", "tab\there", "new\nline",
    String(repeating: "x", count: 129),
  ])
  func badNamesAreRefused(_ name: String) throws {
    var m = Self.toy
    m.name = name
    #expect(throws: StoreError.self) { try store.saveModel(m) }
    #expect(try store.modelNames().contains(name) == false)
  }

  @Test func invalidConfigIsRefusedAndNothingSaved() throws {
    var m = Self.toy
    m.numHeads = 7
    #expect(throws: PlannerError.notDivisible(.numHeads, 7, divides: .dModel, 64)) {
      try store.saveModel(m)
    }
    #expect(throws: StoreError.self) { try store.model(named: "toy") }
  }

  @Test func unknownNamesSuggestTheClosest() throws {
    #expect(
      throws: StoreError.notFound(
        kind: "GPU", name: "a100", suggestions: ["a100-40gb", "a100-80gb"])
    ) {
      try store.gpu(named: "a100")
    }
    #expect(throws: StoreError.notFound(kind: "model", name: "gpt2-xxl", suggestions: ["gpt2-xl"]))
    {
      try store.model(named: "gpt2-xxl")
    }
    #expect(throws: StoreError.self) { try store.removeGPU(named: "nope") }
  }

  @Test func removingAConfigKeepsItsPlans() throws {
    try store.saveModel(Self.toy)
    let gpu = try store.gpu(named: "a100-80gb").profile
    let plan = try Planner.plan(model: Self.toy, hardware: gpu)
    let saved = try store.insertPlan(plan)
    try store.removeModel(named: "toy")
    try store.removeGPU(named: "a100-80gb")
    let history = try store.plans()
    #expect(history.count == 1)
    #expect(history[0].id == saved.id)
    #expect(history[0].plan.model == Self.toy)
    #expect(history[0].plan.hardware == gpu)
  }
}
