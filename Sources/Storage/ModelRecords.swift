import Planner

/// A saved model config.
public struct ModelRecord: Equatable, Sendable {
  public var config: ModelConfig
  public var source: String
  public var createdAt: String
  public var updatedAt: String
  /// Time-ordered UUID (RFC 9562 v7): the record's identity across databases.
  public var uuid: String
  /// `user@host` that made the record; nil only in a read-only snapshot whose origins were
  /// never filled (see `Store.fillOrigins`).
  public var origin: String?
}

extension Store {
  static let modelColumnList = [
    "name", "vocab_size", "context_length", "num_layers", "d_model", "num_heads", "num_kv_heads",
    "d_ff", "ffn", "tied_embeddings", "norm", "bias", "positional", "dropout", "fused_qkv",
    "experts", "attention_variant", "source",
  ]
  static let modelColumns = modelColumnList.joined(separator: ", ")

  /// The INSERT of a model row with its timestamps.
  static func insertModelSQL(_ onConflict: InsertStatement.OnConflict) -> String {
    InsertStatement.sql(
      table: "models", columns: modelColumnList + Self.recordTail,
      onConflict: onConflict)
  }

  /// Saves a config under its name; refuses an existing name unless `replace`.
  public func saveModel(_ config: ModelConfig, source: String = "", replace: Bool = false) throws {
    var config = config
    config.name = RecordName.normalized(config.name)
    try RecordName.validate(config.name, kind: "model")
    try config.validate()
    let now = Timestamp.now()
    try write {
      if !replace, try modelExists(config.name) {
        throw StoreError.duplicateName(kind: "model", name: config.name)
      }
      try database.execute(
        Self.insertModelSQL(.update(key: "name")),
        Self.modelValues(config, source: source) + [now, now] + Self.newIdentity())
    }
  }

  static func modelValues(_ c: ModelConfig, source: String) -> [any DatabaseValueConvertible] {
    [
      c.name, c.vocabSize, c.contextLength, c.numLayers, c.dModel, c.numHeads, c.numKVHeads,
      c.dFF, c.ffn.rawValue, c.tiedEmbeddings, c.norm.rawValue, c.bias.rawValue,
      c.positional.rawValue, c.dropout, c.fusedQKV, ArchitectureColumns.experts(c.experts),
      ArchitectureColumns.attention(c), source,
    ]
  }

  func modelExists(_ name: String) throws -> Bool {
    try database.int("SELECT 1 FROM models WHERE name = ?", [name]) != nil
  }

  /// The config named `name`; throws `notFound` with the closest names otherwise.
  public func model(named name: String) throws -> ModelRecord {
    // In NFC, as saved; a name saved before names were normalised is also found as typed.
    let key = RecordName.normalized(name)
    let found = try database.fetch(
      """
      SELECT \(Self.modelColumns), created_at, updated_at, uuid, origin FROM models
      WHERE name IN (?, ?) ORDER BY name = ? DESC LIMIT 1
      """, [key, name, key], Self.decodeModel)
    guard let record = found.first else {
      throw StoreError.notFound(
        kind: "model", name: name,
        suggestions: RecordName.suggestions(for: name, among: try modelNames()))
    }
    return record
  }

  /// Every saved config, by name.
  public func models() throws -> [ModelRecord] {
    try database.fetch(
      "SELECT \(Self.modelColumns), created_at, updated_at, uuid, origin FROM models ORDER BY name",
      [], Self.decodeModel)
  }

  public func modelNames() throws -> [String] {
    try database.fetch("SELECT name FROM models ORDER BY name") { try $0.text("name") }
  }

  /// Removes a config. Plans computed from it keep their snapshot.
  public func removeModel(named name: String) throws {
    try write {
      let stored = try model(named: name).config.name
      try database.execute("DELETE FROM models WHERE name = ?", [stored])
    }
  }

  static func decodeModel(_ row: Row) throws -> ModelRecord {
    ModelRecord(
      config: try decodeModelConfig(
        row, nameColumn: "name", record: "models row '\((try? row.text("name")) ?? "")'"),
      source: try row.text("source"), createdAt: try row.text("created_at"),
      updatedAt: try row.text("updated_at"), uuid: try row.text("uuid"),
      origin: try row.optionalText("origin"))
  }

  /// A model config from a row of `models` or (its snapshot) of `plans`, whose columns have
  /// the same names but for the name's. `record` names the row in an error.
  static func decodeModelConfig(
    _ row: Row, nameColumn: String, record: @autoclosure () -> String
  ) throws -> ModelConfig {
    var config = ModelConfig(
      name: try row.text(nameColumn), vocabSize: try row.int("vocab_size"),
      contextLength: try row.int("context_length"), numLayers: try row.int("num_layers"),
      dModel: try row.int("d_model"), numHeads: try row.int("num_heads"),
      numKVHeads: try row.int("num_kv_heads"), dFF: try row.int("d_ff"),
      ffn: try row.choice("ffn", of: record()), tiedEmbeddings: try row.bool("tied_embeddings"),
      norm: try row.choice("norm", of: record()), bias: try row.choice("bias", of: record()),
      positional: try row.choice("positional", of: record()),
      dropout: try row.bool("dropout"), fusedQKV: try row.bool("fused_qkv"))
    let table = nameColumn == "name" ? "models" : "plans"
    config.experts = try ArchitectureColumns.experts(try row.optionalText("experts"), table: table)
    try ArchitectureColumns.apply(
      try row.optionalText("attention_variant"), to: &config, table: table)
    return config
  }
}
