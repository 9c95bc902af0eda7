import Planner

/// A cluster's own figures, as typed and saved: its GPU is named, not copied, so the cluster
/// plans with the GPU as it is saved now. Bandwidths are per GPU and per direction in bytes per
/// second; latencies in seconds.
public struct ClusterSpec: Equatable, Sendable {
  public var name: String
  public var gpuName: String
  public var gpusPerNode: Int
  public var intraNodeBandwidth: Double
  public var interNodeBandwidth: Double
  public var intraNodeLatency: Double
  public var interNodeLatency: Double
  public var source: String

  public init(
    name: String, gpuName: String, gpusPerNode: Int, intraNodeBandwidth: Double,
    interNodeBandwidth: Double, intraNodeLatency: Double = 10e-6,
    interNodeLatency: Double = 20e-6, source: String = ""
  ) {
    self.name = name
    self.gpuName = gpuName
    self.gpusPerNode = gpusPerNode
    self.intraNodeBandwidth = intraNodeBandwidth
    self.interNodeBandwidth = interNodeBandwidth
    self.intraNodeLatency = intraNodeLatency
    self.interNodeLatency = interNodeLatency
    self.source = source
  }

  /// The planner's view of this cluster on `gpu`.
  public func profile(gpu: HardwareProfile) -> ClusterProfile {
    ClusterProfile(
      name: name, gpu: gpu, gpusPerNode: gpusPerNode, intraNodeBandwidth: intraNodeBandwidth,
      interNodeBandwidth: interNodeBandwidth, intraNodeLatency: intraNodeLatency,
      interNodeLatency: interNodeLatency, source: source)
  }
}

/// A saved cluster as stored, with its GPU as saved now (nil when that GPU was removed).
public struct StoredCluster: Equatable, Sendable {
  public var spec: ClusterSpec
  public var gpu: HardwareProfile?
  public var createdAt: String
  public var updatedAt: String
  /// Time-ordered UUID (RFC 9562 v7): the record's identity across databases.
  public var uuid: String
  /// `user@host` that made the record; nil only in a read-only snapshot whose origins were
  /// never filled (see `Store.fillOrigins`).
  public var origin: String?
}

/// A saved cluster ready to plan with: its figures on its GPU's current profile.
public struct ClusterRecord: Equatable, Sendable {
  public var profile: ClusterProfile
  public var createdAt: String
  public var updatedAt: String
  public var uuid: String
  public var origin: String?
}

extension Store {
  static let clusterColumnList = [
    "name", "gpu_name", "gpus_per_node", "intra_node_bandwidth", "inter_node_bandwidth",
    "intra_node_latency", "inter_node_latency", "source",
  ]
  static let clusterColumns = clusterColumnList.joined(separator: ", ")

  static func insertClusterSQL(_ onConflict: InsertStatement.OnConflict) -> String {
    InsertStatement.sql(
      table: "clusters", columns: clusterColumnList + Self.recordTail,
      onConflict: onConflict)
  }

  static func clusterValues(_ c: ClusterSpec) -> [any DatabaseValueConvertible] {
    [
      c.name, c.gpuName, c.gpusPerNode, c.intraNodeBandwidth, c.interNodeBandwidth,
      c.intraNodeLatency, c.interNodeLatency, c.source,
    ]
  }

  /// Saves a cluster under its name; refuses an existing name unless `replace`, a GPU that is
  /// not saved, and figures `ClusterProfile.validate()` refuses. The GPU is stored by its saved
  /// name (NFC).
  public func saveCluster(_ spec: ClusterSpec, replace: Bool = false) throws {
    var spec = spec
    spec.name = RecordName.normalized(spec.name)
    try RecordName.validate(spec.name, kind: "cluster")
    let now = Timestamp.now()
    try write {
      let gpu = try gpu(named: spec.gpuName).profile
      spec.gpuName = gpu.name
      try spec.profile(gpu: gpu).validate()
      if !replace, try clusterExists(spec.name) {
        throw StoreError.duplicateName(kind: "cluster", name: spec.name)
      }
      try database.execute(
        Self.insertClusterSQL(.update(key: "name")),
        Self.clusterValues(spec) + [now, now] + Self.newIdentity())
    }
  }

  func clusterExists(_ name: String) throws -> Bool {
    try database.int("SELECT 1 FROM clusters WHERE name = ?", [name]) != nil
  }

  /// The cluster named `name` as stored, with its GPU if that is still saved; throws
  /// `notFound` with the closest names otherwise.
  public func storedCluster(named name: String) throws -> StoredCluster {
    let key = RecordName.normalized(name)
    let found = try database.fetch(
      """
      SELECT \(Self.clusterColumns), created_at, updated_at, uuid, origin FROM clusters
      WHERE name IN (?, ?) ORDER BY name = ? DESC LIMIT 1
      """, [key, name, key], Self.decodeClusterRow)
    guard let row = found.first else {
      throw StoreError.notFound(
        kind: "cluster", name: name,
        suggestions: RecordName.suggestions(for: name, among: try clusterNames()))
    }
    return try attachingGPU(row)
  }

  /// The cluster named `name` on its GPU's current profile, ready to plan with. Throws
  /// `clusterGPURemoved` when its GPU is no longer saved.
  public func cluster(named name: String) throws -> ClusterRecord {
    let stored = try storedCluster(named: name)
    guard let gpu = stored.gpu else {
      throw StoreError.clusterGPURemoved(cluster: stored.spec.name, gpu: stored.spec.gpuName)
    }
    return ClusterRecord(
      profile: stored.spec.profile(gpu: gpu), createdAt: stored.createdAt,
      updatedAt: stored.updatedAt, uuid: stored.uuid, origin: stored.origin)
  }

  /// Every saved cluster, by name, each with its GPU if still saved.
  public func clusters() throws -> [StoredCluster] {
    try database.read {
      let rows = try database.fetch(
        "SELECT \(Self.clusterColumns), created_at, updated_at, uuid, origin FROM clusters ORDER BY name",
        [],
        Self.decodeClusterRow)
      let gpus = Dictionary(try gpus().map { ($0.profile.name, $0.profile) }) { a, _ in a }
      return rows.map { row in
        StoredCluster(
          spec: row.spec, gpu: gpus[row.spec.gpuName], createdAt: row.createdAt,
          updatedAt: row.updatedAt, uuid: row.uuid, origin: row.origin)
      }
    }
  }

  public func clusterNames() throws -> [String] {
    try database.fetch("SELECT name FROM clusters ORDER BY name") { try $0.text("name") }
  }

  /// Removes a cluster. Its GPU stays.
  public func removeCluster(named name: String) throws {
    try write {
      let stored = try storedCluster(named: name).spec.name
      try database.execute("DELETE FROM clusters WHERE name = ?", [stored])
    }
  }

  /// Applies `change` to the cluster named `name` and saves the result, like `updateGPU`: one
  /// transaction, checked as a whole on the (possibly new) GPU; the name never changes. A
  /// cluster whose GPU was removed can be changed only by naming a saved GPU.
  @discardableResult
  public func updateCluster(named name: String, _ change: (inout ClusterSpec) throws -> Void)
    throws -> StoredCluster
  {
    try write {
      let stored = try storedCluster(named: name)
      var spec = stored.spec
      try change(&spec)
      spec.name = stored.spec.name
      let gpu: HardwareProfile
      if spec.gpuName == stored.spec.gpuName {
        guard let current = stored.gpu else {
          throw StoreError.clusterGPURemoved(cluster: spec.name, gpu: spec.gpuName)
        }
        gpu = current
      } else {
        gpu = try self.gpu(named: spec.gpuName).profile
      }
      spec.gpuName = gpu.name
      try spec.profile(gpu: gpu).validate()
      let updatedAt = Timestamp.now()
      try database.execute(
        Self.insertClusterSQL(.update(key: "name")),
        Self.clusterValues(spec) + [stored.createdAt, updatedAt, stored.uuid, stored.origin])
      return StoredCluster(
        spec: spec, gpu: gpu, createdAt: stored.createdAt, updatedAt: updatedAt, uuid: stored.uuid,
        origin: stored.origin)
    }
  }

  /// Saves the preset cluster named `name` again, with its figures and source; refused when
  /// `name` is not a preset or a cluster of that name exists. Its GPU need not be saved.
  @discardableResult
  public func restoreCluster(named name: String, from presets: Presets) throws -> StoredCluster {
    let key = RecordName.normalized(name)
    let preset = try Self.preset(named: key, kind: "cluster", in: presets.clusters, name: \.name)
    return try write {
      if try clusterExists(key) { throw StoreError.presetNameTaken(kind: "cluster", name: key) }
      let now = Timestamp.now()
      try database.execute(
        Self.insertClusterSQL(.fail), Self.clusterValues(preset) + [now, now] + Self.newIdentity())
      try recordSeeded(kind: "cluster", name: key, at: now)
      return try storedCluster(named: key)
    }
  }

  struct ClusterRow {
    let spec: ClusterSpec
    let createdAt, updatedAt, uuid: String
    let origin: String?
  }

  static func decodeClusterRow(_ row: Row) throws -> ClusterRow {
    ClusterRow(
      spec: ClusterSpec(
        name: try row.text("name"), gpuName: try row.text("gpu_name"),
        gpusPerNode: try row.int("gpus_per_node"),
        intraNodeBandwidth: try row.double("intra_node_bandwidth"),
        interNodeBandwidth: try row.double("inter_node_bandwidth"),
        intraNodeLatency: try row.double("intra_node_latency"),
        interNodeLatency: try row.double("inter_node_latency"), source: try row.text("source")),
      createdAt: try row.text("created_at"), updatedAt: try row.text("updated_at"),
      uuid: try row.text("uuid"), origin: try row.optionalText("origin"))
  }

  /// The row with its GPU looked up by the exact saved name.
  func attachingGPU(_ row: ClusterRow) throws -> StoredCluster {
    let gpu = try database.fetch(
      "SELECT \(Self.gpuColumns), created_at, updated_at, uuid, origin FROM gpus WHERE name = ?",
      [row.spec.gpuName], Self.decodeGPU
    ).first?.profile
    return StoredCluster(
      spec: row.spec, gpu: gpu, createdAt: row.createdAt, updatedAt: row.updatedAt,
      uuid: row.uuid, origin: row.origin)
  }
}
