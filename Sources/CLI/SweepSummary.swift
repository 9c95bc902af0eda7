/// A sweep's stored arguments in one line: "120 models × 2 GPUs × 4 setups (precisions
/// fp32,bf16; …)". The whole argument blob stays in `sweeps --json`.

enum SweepSummary {
  static let setupKeys: [(key: String, label: String)] = [
    ("precisions", "precisions"), ("attention", "attention"), ("checkpointing", "checkpointing"),
    ("num_gpus", "GPUs"), ("zero_stages", "ZeRO"), ("batch_sizes", "micro-batches"),
  ]

  static func line(_ arguments: String) -> String {
    guard case .object(let object)? = ParsedJSON.parse(Array(arguments.utf8)) else {
      return "(arguments unreadable)"
    }
    func list(_ key: String) -> [ParsedJSON] {
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
  static func shortList(_ values: [ParsedJSON]) -> String {
    let shown = values.prefix(4).map(Self.shown)
    return shown.joined(separator: ",") + (values.count > 4 ? ",… (\(values.count) values)" : "")
  }

  /// A stored value as `"\(value)"` printed Foundation's: a string bare, null as "largest".
  static func shown(_ value: ParsedJSON) -> String {
    switch value {
    case .null: return "largest"
    case .string(let s): return s
    default: return value.text
    }
  }
}
