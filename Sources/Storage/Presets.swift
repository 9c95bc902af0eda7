import Fixtures
import Planner

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The preset GPUs and models of the top-level `fixtures/` folder, embedded at build time.
public struct Presets: Sendable {
  public let models: [ModelConfig]
  public let modelSources: [String: String]
  public let gpus: [HardwareProfile]
  public let clusters: [ClusterSpec]

  struct ModelFixture: Decodable {
    let name: String
    let vocab_size, context_length, num_layers, d_model, num_heads, num_kv_heads, d_ff: Int
    let ffn: FeedForwardKind
    let tied_embeddings: Bool
    let norm: NormKind?
    let bias: BiasKind?
    let positional: PositionalKind?
    /// Whether training uses dropout (default: yes, the paper's layer); only megatron counts it.
    let dropout: Bool?
    /// Whether Q, K and V are one fused matrix (GPT-2's c_attn).
    let fused_qkv: Bool?
    let source: String
  }

  struct GPUFixture: Decodable {
    struct Peak: Decodable {
      let fp32: Double
      let tf32, bf16, fp16, fp8: Double?
    }
    let name, display_name: String
    let memory_bytes: Int
    let reserve_bytes: Int?
    let peak_tflops: Peak
    let power_watts, price_per_hour: Double?
    let memory_bandwidth_gb_per_s: Double?
    let host_link_gb_per_s: Double?
    let sources: [String: String]
  }

  struct ClusterFixture: Decodable {
    let name, display_name, gpu: String
    let gpus_per_node: Int
    let intra_node_bandwidth_gb_per_s, inter_node_bandwidth_gb_per_s: Double
    let intra_node_latency_us, inter_node_latency_us: Double?
    let sources: [String: String]
  }

  /// "display name; key: source; …" for the keys that have a source, in `keys` order.
  static func citing(_ displayName: String, _ sources: [String: String], _ keys: [String])
    -> String
  {
    let cited = keys.compactMap { key in
      sources[key].map { "\(key): \($0.hasSuffix(".") ? String($0.dropLast()) : $0)" }
    }
    return ([displayName] + cited).joined(separator: "; ")
  }

  /// A digest of the embedded preset files: a database seeded from these very files records
  /// it, so opening one (every command) need not decode the presets to see nothing is new.
  /// It is folded from each file's name and its SHA-256, computed at build time, rather than
  /// from the files' text: every command opens a database, and hashing ~100 kB was 0.2 M
  /// instructions of each start (issue 17).
  static let embeddedDigest: String = {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64-bit: a change detector, not security
    for file in FixturesFiles.all {
      for part in [file.name, file.sha256] {
        for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = hash &* 0x100_0000_01b3  // a zero byte between parts
      }
    }
    return String(hash, radix: 16)
  }()

  /// Seeds `store` unless it was seeded from these presets already.
  static func seedIfChanged(into store: Store) throws {
    let recorded = try store.database.text(
      "SELECT value FROM meta WHERE key = 'fixtures_digest'")
    if recorded == embeddedDigest { return }
    try embedded().seed(into: store)
  }

  public static func embedded() throws -> Presets {
    let files = Dictionary(uniqueKeysWithValues: FixturesFiles.all.map { ($0.name, $0.contents) })
    return try Presets(
      modelsJSON: files["models.json"] ?? "[]", gpusJSON: files["gpus.json"] ?? "[]",
      clustersJSON: files["clusters.json"] ?? "[]")
  }

  public init(modelsJSON: String, gpusJSON: String, clustersJSON: String = "[]") throws {
    let modelFixtures = try Self.decode([ModelFixture].self, modelsJSON, file: "models.json")
    models = modelFixtures.map {
      ModelConfig(
        name: $0.name, vocabSize: $0.vocab_size, contextLength: $0.context_length,
        numLayers: $0.num_layers, dModel: $0.d_model, numHeads: $0.num_heads,
        numKVHeads: $0.num_kv_heads, dFF: $0.d_ff, ffn: $0.ffn, tiedEmbeddings: $0.tied_embeddings,
        norm: $0.norm ?? .rmsnorm, bias: $0.bias ?? BiasKind.none,
        positional: $0.positional ?? .rope, dropout: $0.dropout ?? true,
        fusedQKV: $0.fused_qkv ?? false)
    }
    modelSources = Dictionary(modelFixtures.map { ($0.name, $0.source) }) { a, _ in a }
    gpus = try Self.decode([GPUFixture].self, gpusJSON, file: "gpus.json").map { g in
      let tera = { (v: Double?) in v.map { $0 * 1e12 } }
      let p = g.peak_tflops
      let source = Self.citing(
        g.display_name, g.sources,
        [
          "memory_bytes", "peak_tflops", "power_watts", "price_per_hour", "memory_bandwidth",
          "host_link",
        ])
      return HardwareProfile(
        name: g.name, memoryBytes: g.memory_bytes, reserveBytes: g.reserve_bytes ?? 0,
        peak: PeakThroughput(
          fp32: p.fp32 * 1e12, tf32: tera(p.tf32), bf16: tera(p.bf16), fp16: tera(p.fp16),
          fp8: tera(p.fp8)),
        pricePerHour: g.price_per_hour, powerWatts: g.power_watts, source: source,
        memoryBandwidth: g.memory_bandwidth_gb_per_s.map { $0 * 1e9 },
        hostLinkBandwidth: g.host_link_gb_per_s.map { $0 * 1e9 })
    }
    clusters = try Self.decode([ClusterFixture].self, clustersJSON, file: "clusters.json").map {
      c in
      ClusterSpec(
        name: c.name, gpuName: c.gpu, gpusPerNode: c.gpus_per_node,
        intraNodeBandwidth: c.intra_node_bandwidth_gb_per_s * 1e9,
        interNodeBandwidth: c.inter_node_bandwidth_gb_per_s * 1e9,
        // Divided, not multiplied by 1e-6 (inexact): 10 us is then the double nearest 1e-5.
        intraNodeLatency: (c.intra_node_latency_us ?? 10) / 1e6,
        interNodeLatency: (c.inter_node_latency_us ?? 20) / 1e6,
        source: Self.citing(
          c.display_name, c.sources,
          ["gpus_per_node", "intra_node_bandwidth", "inter_node_bandwidth", "latency"]))
    }
    for m in models { try Self.check(m.validate(), file: "models.json", name: m.name) }
    for g in gpus { try Self.check(g.validate(), file: "gpus.json", name: g.name) }
    for c in clusters {
      guard let gpu = gpus.first(where: { $0.name == c.gpuName }) else {
        throw StoreError.badFixture(
          file: "clusters.json", reason: "\(c.name): no preset GPU named '\(c.gpuName)'")
      }
      try Self.check(c.profile(gpu: gpu).validate(), file: "clusters.json", name: c.name)
    }
  }

  static func decode<T: Decodable>(_ type: T.Type, _ json: String, file: String) throws -> T {
    do {
      return try JSONDecoder().decode(type, from: Data(json.utf8))
    } catch {
      throw StoreError.badFixture(file: file, reason: "\(error)")
    }
  }

  static func check(_ validation: @autoclosure () throws -> Void, file: String, name: String) throws
  {
    do { try validation() } catch let error as PlannerError {
      throw StoreError.badFixture(file: file, reason: "\(name): \(error.message())")
    }
  }

  /// Adds every preset the database has not been seeded with yet. Each preset is added once:
  /// one the user removed stays removed, and a user's record of the same name is kept.
  func seed(into store: Store) throws {
    let wanted =
      models.map { ("model", $0.name) } + gpus.map { ("gpu", $0.name) }
      + clusters.map { ("cluster", $0.name) }
    try store.write {
      let now = Timestamp.now()
      let todo = Set(try missing(wanted, in: store).map { "\($0.0)/\($0.1)" })
      for model in models where todo.contains("model/\(model.name)") {
        try store.database.execute(
          Store.insertModelSQL(.ignore),
          Store.modelValues(model, source: modelSources[model.name] ?? "") + [now, now]
            + Store.newIdentity())
      }
      for gpu in gpus where todo.contains("gpu/\(gpu.name)") {
        try store.database.execute(
          Store.insertGPUSQL(.ignore),
          Store.gpuValues(gpu) + [now, now] + Store.newIdentity())
      }
      // A preset cluster names its GPU; it is added even when the user removed that GPU (it
      // then says so).
      for cluster in clusters where todo.contains("cluster/\(cluster.name)") {
        try store.database.execute(
          Store.insertClusterSQL(.ignore),
          Store.clusterValues(cluster) + [now, now] + Store.newIdentity())
      }
      for (kind, name) in wanted where todo.contains("\(kind)/\(name)") {
        try store.database.execute(
          "INSERT INTO preset_seeds (kind, name, seeded_at) VALUES (?, ?, ?)", [kind, name, now])
      }
      try store.database.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('fixtures_digest', ?)",
        [Self.embeddedDigest])
    }
  }

  private func missing(_ wanted: [(String, String)], in store: Store) throws -> [(String, String)] {
    let seeded = Set(
      try store.database.fetch("SELECT kind, name FROM preset_seeds") {
        "\(try $0.text("kind"))/\(try $0.text("name"))"
      })
    return wanted.filter { !seeded.contains("\($0.0)/\($0.1)") }
  }
}
