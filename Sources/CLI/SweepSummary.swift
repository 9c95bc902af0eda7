import ConfigImport

/// A sweep's stored arguments in one line: "120 models × 2 GPUs × 4 setups (precisions
/// fp32,bf16; …)". The whole argument blob stays in `sweeps --json`.
enum SweepSummary {
  static let setupKeys: [(key: String, label: String)] = [
    ("precisions", "precisions"), ("attention", "attention"), ("checkpointing", "checkpointing"),
    ("num_gpus", "GPUs"), ("zero_stages", "ZeRO"), ("batch_sizes", "micro-batches"),
  ]

  static func line(_ arguments: String) -> String {
    let decoded = try? ConfigValueParser.parse(Array(arguments.utf8))
    guard case .object(let object)? = decoded else {
      return "(arguments unreadable)"
    }
    // A sweep gathered by `import` from a JSON export, which keeps no sweep arguments.
    if case .string(let file)? = object["imported_from"] {
      let sweep = object["sweep_id"].map { " (sweep \($0.text) there)" } ?? ""
      return "imported from \(file)\(sweep)"
    }
    func list(_ key: String) -> [ConfigValue] {
      if case .array(let items)? = object[key] { return items }
      return []
    }
    let models = list("models").count
    let gpus = list("gpus").count
    let setups = setupKeys.reduce(1) { $0 * max(1, list($1.key).count) }
    var text =
      "\(Units.grouped(models)) model\(models == 1 ? "" : "s") × \(Units.grouped(gpus)) GPU\(gpus == 1 ? "" : "s") × \(Units.grouped(setups)) setup\(setups == 1 ? "" : "s")"
    let details = setupKeys.compactMap { key, label -> String? in
      let values = list(key)
      return values.isEmpty ? nil : "\(label) \(shortList(values))"
    }
    if case .string(let method)? = object["method"] {
      text += " (" + (details + ["method \(method)"]).joined(separator: "; ") + ")"
    }
    return text
  }

  /// Up to four values, then how many more: `1,2,4,8,… (12 values)`.
  static func shortList(_ values: [ConfigValue]) -> String {
    let shown = values.prefix(4).map(Self.shown)
    return shown.joined(separator: ",") + (values.count > 4 ? ",… (\(values.count) values)" : "")
  }

  /// A stored value as the summary shows it: a string bare, null (the largest micro-batch) as
  /// "largest", a number as JSON spells it.
  static func shown(_ value: ConfigValue) -> String {
    switch value {
    case .null: return "largest"
    case .string(let s): return s
    default: return value.text
    }
  }
}
