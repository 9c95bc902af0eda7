import Planner

/// A saved GPU.
public struct HardwareRecord: Equatable, Sendable {
  public var profile: HardwareProfile
  public var createdAt: String
  public var updatedAt: String
  /// Time-ordered UUID (RFC 9562 v7): the record's identity across databases.
  public var uuid: String
  /// `user@host` that made the record; nil only in a read-only snapshot whose origins were
  /// never filled (see `Store.fillOrigins`).
  public var origin: String?
}

extension Store {
  static let gpuColumnList = [
    "name", "memory_bytes", "reserve_bytes", "fp32_flops", "tf32_flops", "bf16_flops",
    "fp16_flops", "fp8_flops", "price_per_hour", "power_watts", "source", "memory_bandwidth",
    "host_link_bandwidth",
  ]
  static let gpuColumns = gpuColumnList.joined(separator: ", ")

  /// The INSERT of a GPU row with its timestamps.
  static func insertGPUSQL(_ onConflict: InsertStatement.OnConflict) -> String {
    InsertStatement.sql(
      table: "gpus", columns: gpuColumnList + Self.recordTail, onConflict: onConflict)
  }

  /// Saves a GPU under its name; refuses an existing name unless `replace`.
  public func saveGPU(_ gpu: HardwareProfile, replace: Bool = false) throws {
    var gpu = gpu
    gpu.name = RecordName.normalized(gpu.name)
    try RecordName.validate(gpu.name, kind: "GPU")
    try gpu.validate()
    let now = Timestamp.now()
    try write {
      if !replace, try gpuExists(gpu.name) {
        throw StoreError.duplicateName(kind: "GPU", name: gpu.name)
      }
      try database.execute(
        Self.insertGPUSQL(.update(key: "name")),
        Self.gpuValues(gpu) + [now, now] + Self.newIdentity())
    }
  }

  static func gpuValues(_ g: HardwareProfile) -> [any DatabaseValueConvertible] {
    [
      g.name, g.memoryBytes, g.reserveBytes, g.peak.fp32, g.peak.tf32, g.peak.bf16, g.peak.fp16,
      g.peak.fp8, g.pricePerHour, g.powerWatts, g.source, g.memoryBandwidth, g.hostLinkBandwidth,
    ]
  }

  func gpuExists(_ name: String) throws -> Bool {
    try database.int("SELECT 1 FROM gpus WHERE name = ?", [name]) != nil
  }

  /// The GPU named `name`; throws `notFound` with the closest names otherwise.
  public func gpu(named name: String) throws -> HardwareRecord {
    // In NFC, as saved; a name saved before names were normalised is also found as typed.
    let key = RecordName.normalized(name)
    let found = try database.fetch(
      """
      SELECT \(Self.gpuColumns), created_at, updated_at, uuid, origin FROM gpus
      WHERE name IN (?, ?) ORDER BY name = ? DESC LIMIT 1
      """, [key, name, key], Self.decodeGPU)
    guard let record = found.first else {
      throw StoreError.notFound(
        kind: "GPU", name: name,
        suggestions: RecordName.suggestions(for: name, among: try gpuNames()))
    }
    return record
  }

  /// Every saved GPU, by name.
  public func gpus() throws -> [HardwareRecord] {
    try database.fetch(
      "SELECT \(Self.gpuColumns), created_at, updated_at, uuid, origin FROM gpus ORDER BY name", [],
      Self.decodeGPU)
  }

  public func gpuNames() throws -> [String] {
    try database.fetch("SELECT name FROM gpus ORDER BY name") { try $0.text("name") }
  }

  /// Removes a GPU. Plans computed on it keep their snapshot.
  public func removeGPU(named name: String) throws {
    try write {
      let stored = try gpu(named: name).profile.name
      try database.execute("DELETE FROM gpus WHERE name = ?", [stored])
    }
  }

  static func decodeGPU(_ row: Row) throws -> HardwareRecord {
    HardwareRecord(
      profile: try decodeHardware(row, HardwareColumns.gpus),
      createdAt: try row.text("created_at"), updatedAt: try row.text("updated_at"),
      uuid: try row.text("uuid"), origin: try row.optionalText("origin"))
  }

  /// A hardware profile from a row of `gpus` or (its snapshot) of `plans`.
  static func decodeHardware(_ row: Row, _ c: HardwareColumns) throws -> HardwareProfile {
    HardwareProfile(
      name: try row.text(c.name), memoryBytes: try row.int(c.memoryBytes),
      reserveBytes: try row.int(c.reserveBytes),
      peak: PeakThroughput(
        fp32: try row.double(c.fp32), tf32: try row.optionalDouble(c.tf32),
        bf16: try row.optionalDouble(c.bf16), fp16: try row.optionalDouble(c.fp16),
        fp8: try row.optionalDouble(c.fp8)),
      pricePerHour: try row.optionalDouble(c.pricePerHour),
      powerWatts: try row.optionalDouble(c.powerWatts), source: try row.text(c.source),
      memoryBandwidth: try row.optionalDouble(c.memoryBandwidth),
      hostLinkBandwidth: try row.optionalDouble(c.hostLinkBandwidth))
  }
}

/// The hardware columns of a table: `gpus` names them plainly, `plans` with a `gpu_` prefix.
/// Built once, so decoding a million plans does not build a million column names.
struct HardwareColumns: Sendable {
  let name, memoryBytes, reserveBytes, fp32, tf32, bf16, fp16, fp8, pricePerHour, powerWatts,
    source, memoryBandwidth, hostLinkBandwidth: String

  init(prefix: String) {
    name = prefix + "name"
    memoryBytes = prefix + "memory_bytes"
    reserveBytes = prefix + "reserve_bytes"
    fp32 = prefix + "fp32_flops"
    tf32 = prefix + "tf32_flops"
    bf16 = prefix + "bf16_flops"
    fp16 = prefix + "fp16_flops"
    fp8 = prefix + "fp8_flops"
    pricePerHour = prefix + "price_per_hour"
    powerWatts = prefix + "power_watts"
    source = prefix + "source"
    memoryBandwidth = prefix + "memory_bandwidth"
    hostLinkBandwidth = prefix + "host_link_bandwidth"
  }

  static let gpus = HardwareColumns(prefix: "")
  static let plans = HardwareColumns(prefix: "gpu_")
}
