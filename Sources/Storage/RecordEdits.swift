import Planner

/// Changing a saved record in place (`model set`, `gpu set`) and putting a removed preset back
/// (`model restore`, `gpu restore`). Each is one write transaction: the record is read, changed,
/// checked as a whole and written inside it, so a refusal leaves the database as it was.
extension Store {
  /// Applies `change` to the config named `name` and saves the result. `change` may throw to
  /// refuse (nothing is saved then); the name itself never changes.
  @discardableResult
  public func updateModel(named name: String, _ change: (inout ModelRecord) throws -> Void)
    throws -> ModelRecord
  {
    try write {
      var record = try model(named: name)
      let key = record.config.name
      try change(&record)
      record.config.name = key
      try record.config.validate()
      record.updatedAt = Timestamp.now()
      try database.execute(
        Self.insertModelSQL(.update(key: "name")),
        Self.modelValues(record.config, source: record.source) + [
          record.createdAt, record.updatedAt, record.uuid, record.origin,
        ])
      return record
    }
  }

  /// Applies `change` to the GPU named `name` and saves the result, like `updateModel`.
  @discardableResult
  public func updateGPU(named name: String, _ change: (inout HardwareRecord) throws -> Void)
    throws -> HardwareRecord
  {
    try write {
      var record = try gpu(named: name)
      let key = record.profile.name
      try change(&record)
      record.profile.name = key
      try record.profile.validate()
      record.updatedAt = Timestamp.now()
      try database.execute(
        Self.insertGPUSQL(.update(key: "name")),
        Self.gpuValues(record.profile) + [
          record.createdAt, record.updatedAt, record.uuid, record.origin,
        ])
      return record
    }
  }

  /// Saves the preset config named `name` again, with its figures and source; refused when
  /// `name` is not a preset or a config of that name exists.
  @discardableResult
  public func restoreModel(named name: String, from presets: Presets) throws -> ModelRecord {
    let key = RecordName.normalized(name)
    let preset = try Self.preset(named: key, kind: "model", in: presets.models, name: \.name)
    return try write {
      if try modelExists(key) { throw StoreError.presetNameTaken(kind: "model", name: key) }
      let now = Timestamp.now()
      try database.execute(
        Self.insertModelSQL(.fail),
        Self.modelValues(preset, source: presets.modelSources[key] ?? "") + [now, now]
          + Self.newIdentity())
      try recordSeeded(kind: "model", name: key, at: now)
      return try model(named: key)
    }
  }

  /// Saves the preset GPU named `name` again, like `restoreModel`.
  @discardableResult
  public func restoreGPU(named name: String, from presets: Presets) throws -> HardwareRecord {
    let key = RecordName.normalized(name)
    let preset = try Self.preset(named: key, kind: "GPU", in: presets.gpus, name: \.name)
    return try write {
      if try gpuExists(key) { throw StoreError.presetNameTaken(kind: "GPU", name: key) }
      let now = Timestamp.now()
      try database.execute(
        Self.insertGPUSQL(.fail), Self.gpuValues(preset) + [now, now] + Self.newIdentity())
      try recordSeeded(kind: "gpu", name: key, at: now)
      return try gpu(named: key)
    }
  }

  /// The preset of `kind` named `key`; refused, with the nearest names, when there is none.
  static func preset<Preset>(
    named key: String, kind: String, in presets: [Preset], name: (Preset) -> String
  ) throws -> Preset {
    guard let preset = presets.first(where: { name($0) == key }) else {
      throw StoreError.notAPreset(
        kind: kind, name: key,
        suggestions: RecordName.suggestions(for: key, among: presets.map(name)))
    }
    return preset
  }

  /// Marks a preset as seeded (a restored one may predate the record), so that opening the
  /// database later neither adds it twice nor treats it as new.
  func recordSeeded(kind: String, name: String, at now: String) throws {
    try database.execute(
      "INSERT OR IGNORE INTO preset_seeds (kind, name, seeded_at) VALUES (?, ?, ?)",
      [kind, name, now])
  }
}
