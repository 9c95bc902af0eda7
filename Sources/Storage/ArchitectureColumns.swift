import Planner

/// A model's experts and attention variant in two text columns (migration 0014), so that the
/// models table and every plan's snapshot hold them alike. NULL: dense, standard attention.
/// Later fields are appended (the experts' shared-expert gate as a 10th number) or take a new
/// value (2 for whole-projection Q/K norms) only when set, so that older rows and the text of
/// every model without them stay as they were.
enum ArchitectureColumns {
  static func experts(_ e: Experts?) -> String? {
    e.map {
      [
        $0.count, $0.topK, $0.shared, $0.ffn, $0.sharedFFN, $0.firstDenseLayers, $0.every,
        $0.routerBias ? 1 : 0, $0.expertBias ? 1 : 0,
      ].map(String.init).joined(separator: ",") + ($0.sharedExpertGate ? ",1" : "")
    }
  }

  static func experts(_ text: String?, table: String) throws -> Experts? {
    guard let text else { return nil }
    let n = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
    guard n.count == 9 || n.count == 10, n.allSatisfy({ $0 != nil }) else {
      throw StoreError.corrupt("\(table).experts '\(text)'")
    }
    let v = n.map { $0! }
    return Experts(
      count: v[0], topK: v[1], shared: v[2], ffn: v[3], sharedFFN: v[4], firstDenseLayers: v[5],
      every: v[6], routerBias: v[7] != 0, expertBias: v[8] != 0,
      sharedExpertGate: v.count == 10 && v[9] != 0)
  }

  static func attention(_ m: ModelConfig) -> String? {
    guard m.headDim != nil || m.qkNorm || m.attentionSinks || m.latentAttention != nil else {
      return nil
    }
    let l = m.latentAttention
    let fields: [Int?] = [
      m.headDim, m.qkNorm ? (m.qkNormWholeProjection ? 2 : 1) : 0, m.attentionSinks ? 1 : 0,
      l?.qLoraRank, l?.kvLoraRank,
      l?.qkNopeHeadDim, l?.qkRopeHeadDim, l?.vHeadDim,
    ]
    return fields.map { $0.map(String.init) ?? "" }.joined(separator: ",")
  }

  static func apply(_ text: String?, to m: inout ModelConfig, table: String) throws {
    guard let text else { return }
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
    let raw = text.split(separator: ",", omittingEmptySubsequences: false)
    // The Q/K norm slot is 0, 1 (per head) or 2 (whole projection), the sinks slot 0 or 1: any
    // other value is damage, not a default.
    guard parts.count == 8, zip(parts, raw).allSatisfy({ $0 != nil || $1.isEmpty }),
      [0, 1, 2].contains(parts[1]), [0, 1].contains(parts[2])
    else {
      throw StoreError.corrupt("\(table).attention_variant '\(text)'")
    }
    m.headDim = parts[0]
    m.qkNorm = parts[1] == 1 || parts[1] == 2
    m.qkNormWholeProjection = parts[1] == 2
    m.attentionSinks = parts[2] == 1
    if let kv = parts[4], let nope = parts[5], let rope = parts[6], let v = parts[7] {
      m.latentAttention = LatentAttention(
        qLoraRank: parts[3], kvLoraRank: kv, qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: v)
    }
  }
}
