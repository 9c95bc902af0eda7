import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// Saved clusters (issue 13), the GPU's memory bandwidth, their presets and migration 0011.
@Suite struct ClusterRecordTests {
  let db: TestDatabase
  var folder: TemporaryFolder { db.folder }
  let store: Store

  init() throws {
    db = try TestDatabase()
    store = try db.open()
  }

  func bytes() throws -> [Data?] { try db.contents(of: store) }

  static let mine = ClusterSpec(
    name: "mine", gpuName: "h100-sxm", gpusPerNode: 8, intraNodeBandwidth: 450e9,
    interNodeBandwidth: 25e9, intraNodeLatency: 5e-6, interNodeLatency: 30e-6, source: "hand-made")

  @Test func aClusterRoundTripsOnItsGPUsCurrentProfile() throws {
    try store.saveCluster(Self.mine)
    let stored = try store.storedCluster(named: "mine")
    #expect(stored.spec == Self.mine)
    #expect(stored.createdAt == stored.updatedAt)
    let h100 = try store.gpu(named: "h100-sxm").profile
    #expect(stored.gpu == h100)
    let record = try store.cluster(named: "mine")
    #expect(record.profile == Self.mine.profile(gpu: h100))
    #expect(record.profile.gpu.memoryBandwidth == 3.35e12)
    // The cluster names its GPU: a change to the GPU is what it plans with next.
    try store.updateGPU(named: "h100-sxm") { $0.profile.pricePerHour = 1.5 }
    #expect(try store.cluster(named: "mine").profile.gpu.pricePerHour == 1.5)
    #expect(try store.clusters().contains { $0.spec == Self.mine && $0.gpu?.pricePerHour == 1.5 })
  }

  @Test func aDuplicateIsRefusedUnlessReplacing() throws {
    try store.saveCluster(Self.mine)
    var other = Self.mine
    other.interNodeBandwidth = 50e9
    #expect(throws: StoreError.duplicateName(kind: "cluster", name: "mine")) {
      try store.saveCluster(other)
    }
    try store.saveCluster(other, replace: true)
    #expect(try store.storedCluster(named: "mine").spec.interNodeBandwidth == 50e9)
  }

  @Test func everyPresetIsSeededWithItsSources() throws {
    let presets = try Presets.embedded()
    #expect(
      Set(presets.clusters.map(\.name)) == [
        "dgx-a100-80gb", "dgx-a100-40gb", "dgx-h100", "hgx-h200", "dgx-b200", "gb200-nvl72",
        "cloud-a100-80gb-roce", "cloud-h100-roce",
      ])
    #expect(try store.clusterNames() == presets.clusters.map(\.name).sorted())
    for preset in presets.clusters {
      let stored = try store.storedCluster(named: preset.name)
      #expect(stored.spec == preset)
      #expect(stored.gpu != nil, "\(preset.name)")
      for key in ["gpus_per_node", "intra_node_bandwidth", "inter_node_bandwidth", "latency"] {
        #expect(preset.source.contains("; \(key): "), "\(preset.name) cites no \(key)")
      }
    }
    let selene = try store.cluster(named: "dgx-a100-80gb").profile
    #expect(selene.gpu.name == "a100-80gb" && selene.gpusPerNode == 8)
    #expect(selene.intraNodeBandwidth == 300e9 && selene.interNodeBandwidth == 25e9)
    #expect(selene.intraNodeLatency == 10e-6 && selene.interNodeLatency == 20e-6)
    let nvl72 = try store.cluster(named: "gb200-nvl72").profile
    #expect(nvl72.gpusPerNode == 72 && nvl72.gpu.name == "gb200")
    #expect(nvl72.intraNodeBandwidth == 900e9)
    // Every preset GPU has its HBM bandwidth, cited.
    for gpu in presets.gpus {
      #expect(gpu.memoryBandwidth != nil, "\(gpu.name)")
      #expect(gpu.source.contains("; memory_bandwidth: "), "\(gpu.name)")
      #expect(try store.gpu(named: gpu.name).profile == gpu)
    }
    let gb200 = try #require(presets.gpus.first { $0.name == "gb200" })
    #expect(gb200.memoryBytes == 189_471 * 1_048_576)
    #expect(gb200.peak.bf16 == 2_500e12 && gb200.peak.fp8 == 5_000e12)
    #expect(gb200.memoryBandwidth == 8e12)
  }

  @Test func aRemovedPresetStaysRemovedAndCanBeRestored() throws {
    let presets = try Presets.embedded()
    let original = try store.storedCluster(named: "dgx-h100").spec
    try store.removeCluster(named: "dgx-h100")
    try store.database.execute("DELETE FROM meta")  // force a re-seed on the next open
    let reopened = try db.open()
    #expect(throws: StoreError.self) { try reopened.storedCluster(named: "dgx-h100") }
    let restored = try reopened.restoreCluster(named: "dgx-h100", from: presets)
    #expect(restored.spec == original)
    try reopened.database.execute("DELETE FROM meta")
    #expect(try db.open().clusterNames().filter { $0 == "dgx-h100" }.count == 1)
  }

  @Test func restoreIsRefusedForAnExistingNameOrANonPreset() throws {
    let presets = try Presets.embedded()
    let before = try bytes()
    #expect(throws: StoreError.presetNameTaken(kind: "cluster", name: "dgx-b200")) {
      try store.restoreCluster(named: "dgx-b200", from: presets)
    }
    #expect(
      throws: StoreError.notAPreset(
        kind: "cluster", name: "dgx-h1000", suggestions: ["dgx-h100", "dgx-b200", "hgx-h200"])
    ) {
      try store.restoreCluster(named: "dgx-h1000", from: presets)
    }
    #expect(try bytes() == before)
  }

  @Test func updateChangesOnlyTheFieldsGiven() throws {
    let before = try store.storedCluster(named: "dgx-h100")
    let after = try store.updateCluster(named: "dgx-h100") { $0.interNodeBandwidth = 25e9 }
    var expected = before.spec
    expected.interNodeBandwidth = 25e9
    #expect(after.spec == expected)
    #expect(try store.storedCluster(named: "dgx-h100").spec == expected)
    #expect(after.createdAt == before.createdAt && after.updatedAt >= before.updatedAt)
    try store.updateCluster(named: "dgx-h100") {
      $0.name = "renamed"
      $0.gpuName = "h200"
    }
    #expect(try store.storedCluster(named: "dgx-h100").spec.gpuName == "h200")
    #expect(throws: StoreError.self) { try store.storedCluster(named: "renamed") }
  }

  @Test func invalidFiguresAreRefusedAndNothingChanges() throws {
    let before = try bytes()
    var zero = Self.mine
    zero.intraNodeBandwidth = 0
    #expect(throws: PlannerError.notPositive(.intraNodeBandwidth, "0")) {
      try store.saveCluster(zero)
    }
    var negative = Self.mine
    negative.interNodeLatency = -1e-6
    #expect(throws: PlannerError.negative(.interNodeLatency, "-1")) {
      try store.saveCluster(negative)
    }
    var infinite = Self.mine
    infinite.interNodeBandwidth = .infinity
    #expect(throws: PlannerError.self) { try store.saveCluster(infinite) }
    var noNodes = Self.mine
    noNodes.gpusPerNode = 0
    #expect(throws: PlannerError.notPositive(.gpusPerNode, "0")) { try store.saveCluster(noNodes) }
    var unknownGPU = Self.mine
    unknownGPU.gpuName = "h1000"
    #expect(throws: StoreError.self) { try store.saveCluster(unknownGPU) }
    var badName = Self.mine
    badName.name = "a,b"
    #expect(throws: StoreError.self) { try store.saveCluster(badName) }
    #expect(throws: PlannerError.self) {
      try store.updateCluster(named: "dgx-h100") { $0.intraNodeBandwidth = -5e9 }
    }
    #expect(throws: StoreError.self) {
      try store.updateCluster(named: "dgx-h100") { $0.gpuName = "nope" }
    }
    #expect(throws: StoreError.self) { try store.updateCluster(named: "nope") { _ in } }
    #expect(throws: StoreError.self) { try store.removeCluster(named: "nope") }
    #expect(try bytes() == before)
  }

  @Test func aClusterWhoseGPUWasRemovedSaysSo() throws {
    try store.removeGPU(named: "b200")
    let stored = try store.storedCluster(named: "dgx-b200")
    #expect(stored.gpu == nil && stored.spec.gpuName == "b200")
    #expect(throws: StoreError.clusterGPURemoved(cluster: "dgx-b200", gpu: "b200")) {
      try store.cluster(named: "dgx-b200")
    }
    let message = StoreError.clusterGPURemoved(cluster: "dgx-b200", gpu: "b200").description
    #expect(message.contains("'b200' was removed") && message.contains("--gpu"))
    // Changing its figures needs a GPU; naming a saved one mends it.
    let before = try bytes()
    #expect(throws: StoreError.clusterGPURemoved(cluster: "dgx-b200", gpu: "b200")) {
      try store.updateCluster(named: "dgx-b200") { $0.interNodeBandwidth = 100e9 }
    }
    #expect(try bytes() == before)
    try store.updateCluster(named: "dgx-b200") { $0.gpuName = "h200" }
    #expect(try store.cluster(named: "dgx-b200").profile.gpu.name == "h200")
    // Restoring the GPU brings the cluster back as it was.
    try store.restoreGPU(named: "b200", from: Presets.embedded())
    try store.updateCluster(named: "dgx-b200") { $0.gpuName = "b200" }
    #expect(try store.cluster(named: "dgx-b200").profile.gpu.memoryBandwidth == 8e12)
  }

  @Test func namesAreNFCAndTheGPUIsStoredByItsSavedName() throws {
    var c = Self.mine
    c.name = "cafe\u{301}"
    c.gpuName = "h100-sxm"
    try store.saveCluster(c)
    #expect(try store.storedCluster(named: "caf\u{E9}").spec.name == "caf\u{E9}")
    var g = try store.gpu(named: "t4").profile
    g.name = "gpu-caf\u{E9}"
    try store.saveGPU(g)
    c.name = "other"
    c.gpuName = "gpu-cafe\u{301}"
    try store.saveCluster(c)
    #expect(try store.storedCluster(named: "other").spec.gpuName == "gpu-caf\u{E9}")
    #expect(try store.cluster(named: "other").profile.gpu.name == "gpu-caf\u{E9}")
  }

  @Test func plansKeepTheGPUsMemoryBandwidth() throws {
    let model = try store.model(named: "seed-gpt2-small").config
    let gpu = try store.gpu(named: "a100-80gb").profile
    _ = try store.insertPlan(Planner.plan(model: model, hardware: gpu))
    #expect(try store.plans().first?.plan.hardware.memoryBandwidth == 2_039e9)
  }

  /// A database from before 0011: presets seeded without bandwidths, one GPU the user changed,
  /// one removed, a plan. Opening it migrates and fills what was untouched.
  @Test(TestDatabase.fileOnly) func migration0011FillsUntouchedPresetsOnly() throws {
    let path = folder.file("old.sqlite")
    let all = try DatabaseMigrator.embedded()
    let old = try DatabaseMigrator(migrations: all.migrations.filter { $0.version <= 10 })
    do {
      let oldStore = try Store(path: path, migrator: old, seedPresets: false)
      let now = "2026-11-01T00:00:00.000Z"
      // The columns of migrations ≤ 10: no bandwidth (0011), no host link (0015).
      let columns = Store.gpuColumnList.filter {
        $0 != "memory_bandwidth" && $0 != "host_link_bandwidth"
      }
      #expect(columns.count == Store.gpuColumnList.count - 2)
      for fresh in try Presets.embedded().gpus where fresh.name != "gb200" {
        var g = fresh
        g.memoryBandwidth = nil
        g.source = Self.withoutBandwidthCitation(g.source)
        if g.name == "l4" { g.memoryBytes = 1 << 34 }  // the user's own figure
        if g.name == "h200" { g.pricePerHour = 9.99 }  // the user's price: still the hardware
        if g.name == "t4" { continue }  // removed by the user
        let values = Array(Store.gpuValues(g).dropLast(2))
        try oldStore.database.execute(
          InsertStatement.sql(
            table: "gpus", columns: columns + ["created_at", "updated_at"], onConflict: .fail),
          values + [now, now])
      }
      for name in try Presets.embedded().gpus.map(\.name) where name != "gb200" {
        try oldStore.database.execute(
          "INSERT INTO preset_seeds (kind, name, seeded_at) VALUES ('gpu', ?, ?)", [name, now])
      }
      try oldStore.database.execute(
        "INSERT INTO meta (key, value) VALUES ('fixtures_digest', 'old')")
    }
    let store = try Store(path: path)
    let presets = try Presets.embedded()
    for fresh in presets.gpus {
      switch fresh.name {
      case "l4":
        let l4 = try store.gpu(named: "l4").profile
        #expect(l4.memoryBandwidth == nil && !l4.source.contains("memory_bandwidth"))
      case "h200":
        var expected = Self.withoutHostLink(fresh)
        expected.pricePerHour = 9.99
        #expect(try store.gpu(named: "h200").profile == expected)
      case "t4":
        #expect(throws: StoreError.self) { try store.gpu(named: "t4") }
      default:
        // The migration's figures and citations are the fixture's, to the byte (the host link
        // of migration 0015 is not filled: `gpu set` records it).
        let expected = fresh.name == "gb200" ? fresh : Self.withoutHostLink(fresh)
        #expect(try store.gpu(named: fresh.name).profile == expected, "\(fresh.name)")
      }
    }
    #expect(try store.clusterNames() == presets.clusters.map(\.name).sorted())
    let kinds = try store.database.fetch("SELECT DISTINCT kind FROM preset_seeds ORDER BY kind") {
      try $0.text("kind")
    }
    #expect(kinds == ["cluster", "gpu", "model"])
  }

  /// A preset as a database from before migration 0015 holds it: no host link, nor its citation.
  static func withoutHostLink(_ gpu: HardwareProfile) -> HardwareProfile {
    var g = gpu
    g.hostLinkBandwidth = nil
    if let r = g.source.range(of: "; host_link: ") { g.source = String(g.source[..<r.lowerBound]) }
    return g
  }

  static func withoutBandwidthCitation(_ source: String) -> String {
    guard let r = source.range(of: "; memory_bandwidth: ") else { return source }
    return String(source[..<r.lowerBound])
  }
}
