import Foundation
import Testing

@testable import Planner

/// The detailed method against `validation/measurements.json`, what `validation/measure.py`
/// measured of SPEC's PyTorch reference implementation: parameters exact, FLOPs within 0.5 %,
/// activation bytes within 2 % (the method is exact on every case so far), AdamW state 8·P.
/// Also keeps README.md's "How close the numbers are" table equal to the fixture; run
/// `UPDATE_README=1 swift test --filter DetailedMethodTests` to regenerate it.
@Suite struct DetailedMethodTests {
  // MARK: The fixture

  struct Measurements: Decodable {
    var torchVersion: String
    var cases: [Case]

    enum CodingKeys: String, CodingKey {
      case torchVersion = "torch_version"
      case cases
    }
  }

  struct Case: Decodable {
    var name: String
    var config: Config
    var precision: String
    var attention: String
    var checkpointing: String
    var parameters: Int
    var activationBytes: [String: Int]
    var forwardFlops: Double
    var backwardFlops: Double
    var adamwStateBytes: Int

    enum CodingKeys: String, CodingKey {
      case name, config, precision, attention, checkpointing, parameters
      case activationBytes = "activation_bytes"
      case forwardFlops = "forward_flops"
      case backwardFlops = "backward_flops"
      case adamwStateBytes = "adamw_state_bytes"
    }

    func model() throws -> ModelConfig {
      let c = config
      return ModelConfig(
        name: name, vocabSize: c.vocabSize, contextLength: c.contextLength,
        numLayers: c.numLayers, dModel: c.dModel, numHeads: c.numHeads,
        numKVHeads: c.numKVHeads, dFF: c.dFF, ffn: try parse(c.ffn),
        tiedEmbeddings: c.tiedEmbeddings, norm: try parse(c.norm),
        bias: try parse(c.bias), positional: try parse(c.positional))
    }

    func setup() throws -> (TrainingPrecision, AttentionKernel, Checkpointing) {
      (try parse(precision), try parse(attention), try parse(checkpointing))
    }

    /// Measured bytes at micro-batch b.
    func measured(_ b: Int) throws -> Int {
      try #require(activationBytes[String(b)], "\(name): no measurement at b = \(b)")
    }
  }

  struct Config: Decodable {
    var vocabSize, contextLength, numLayers, dModel, numHeads, numKVHeads, dFF: Int
    var ffn: String
    var tiedEmbeddings: Bool
    var norm, bias, positional: String

    enum CodingKeys: String, CodingKey {
      case vocabSize = "vocab_size"
      case contextLength = "context_length"
      case numLayers = "num_layers"
      case dModel = "d_model"
      case numHeads = "num_heads"
      case numKVHeads = "num_kv_heads"
      case dFF = "d_ff"
      case ffn
      case tiedEmbeddings = "tied_embeddings"
      case norm, bias, positional
    }
  }

  struct UnknownValue: Error, CustomStringConvertible {
    var value: String
    var description: String { "unknown value \(value) in measurements.json" }
  }

  static let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let fixtureURL = repoRoot.appendingPathComponent("validation/measurements.json")
  static let readmeURL = repoRoot.appendingPathComponent("README.md")

  static func load() throws -> Measurements {
    try JSONDecoder().decode(Measurements.self, from: try Data(contentsOf: fixtureURL))
  }

  /// The detailed method's prediction of what the harness measures at micro-batch b: the
  /// fixed part plus b sequences, less the recompute peak (see `recomputePeakComponent`).
  static func predictedMeasurement(_ a: ActivationBytes, batch b: Int) -> Int {
    let peak = a.components.first { $0.name == DetailedMethod.recomputePeakComponent }?.bytes ?? 0
    return a.fixed + b * (a.perSequence - peak)
  }

  static func relativeError(_ predicted: Double, _ measured: Double) -> Double {
    (predicted - measured) / measured
  }

  // MARK: Every case

  @Test func fixtureHasEnoughCases() throws {
    let m = try Self.load()
    #expect(m.cases.count >= 40)
    #expect(Set(m.cases.map(\.name)).count == m.cases.count, "case names are unique")
  }

  @Test func parametersAreExact() throws {
    for c in try Self.load().cases {
      #expect(try DetailedMethod.parameterCount(try c.model()) == c.parameters, "\(c.name)")
    }
  }

  @Test func adamwStateIsEightBytesPerParameter() throws {
    for c in try Self.load().cases {
      // The moments are fp32 whatever the autocast precision: 8·P.
      #expect(c.adamwStateBytes == 8 * c.parameters, "\(c.name)")
    }
  }

  @Test func flopsWithinHalfAPercent() throws {
    for c in try Self.load().cases {
      let (_, attention, checkpointing) = try c.setup()
      let f = try DetailedMethod.flops(
        try c.model(), attention: attention, checkpointing: checkpointing)
      let forward = Self.relativeError(f.forward, c.forwardFlops)
      // FlopCounterMode over backward also counts the recomputed forward.
      let backward = Self.relativeError(f.backward + f.recompute, c.backwardFlops)
      #expect(abs(forward) <= 0.005, "\(c.name): forward \(f.forward) vs \(c.forwardFlops)")
      #expect(
        abs(backward) <= 0.005,
        "\(c.name): backward \(f.backward) + recompute \(f.recompute) vs \(c.backwardFlops)")
      if checkpointing == .none { #expect(f.recompute == 0, "\(c.name)") }
    }
  }

  @Test func activationBytesWithinTwoPercent() throws {
    for c in try Self.load().cases {
      let (precision, attention, checkpointing) = try c.setup()
      let a = try DetailedMethod.activations(
        try c.model(), precision: precision, attention: attention, checkpointing: checkpointing)
      #expect(a.components.map(\.bytes).reduce(0, +) == a.perSequence, "\(c.name)")
      #expect(Set(a.components.map(\.name)).count == a.components.count, "\(c.name)")
      let names = a.components.map(\.name)
      #expect(
        names.contains(DetailedMethod.recomputePeakComponent) == (checkpointing == .full),
        "\(c.name)")
      for b in [1, 2] {
        let predicted = Self.predictedMeasurement(a, batch: b)
        let measured = try c.measured(b)
        let error = Self.relativeError(Double(predicted), Double(measured))
        #expect(
          abs(error) <= 0.02, "\(c.name) b=\(b): predicted \(predicted), measured \(measured)")
      }
    }
  }

  // MARK: Exact values

  @Test func llama2SevenB() throws {
    let llama = ModelConfig(
      name: "llama-2-7b", vocabSize: 32_000, contextLength: 4_096, numLayers: 32, dModel: 4_096,
      numHeads: 32, dFF: 11_008)
    #expect(try DetailedMethod.parameterCount(llama) == 6_738_415_616)
  }

  @Test func gpt2Small() throws {
    let gpt2 = ModelConfig(
      name: "gpt2-small", vocabSize: 50_257, contextLength: 1_024, numLayers: 12, dModel: 768,
      numHeads: 12, ffn: .gelu, tiedEmbeddings: true, norm: .layernorm, bias: .all,
      positional: .learned)
    #expect(try DetailedMethod.parameterCount(gpt2) == 124_439_808)
  }

  @Test func recomputePeakIsOneBlock() throws {
    let m = ModelConfig(
      vocabSize: 1_000, contextLength: 128, numLayers: 3, dModel: 128, numHeads: 8)
    for precision in TrainingPrecision.allCases {
      for attention in AttentionKernel.allCases {
        let none = try DetailedMethod.activations(
          m, precision: precision, attention: attention, checkpointing: .none)
        let full = try DetailedMethod.activations(
          m, precision: precision, attention: attention, checkpointing: .full)
        let peak = try #require(
          full.components.first { $0.name == DetailedMethod.recomputePeakComponent })
        let outside = ["token_ids", "final_norm", "lm_head_input", "log_softmax", "targets"]
        let blocks = none.components.filter { !outside.contains($0.name) }.map(\.bytes)
        #expect(blocks.reduce(0, +) == 3 * peak.bytes)
      }
    }
  }

  @Test func hugeShapesThrowInsteadOfTrapping() {
    let m = ModelConfig(
      vocabSize: Int.max / 2, contextLength: Int.max / 4, numLayers: 1_000, dModel: 1 << 20,
      numHeads: 1)
    #expect(throws: PlannerError.self) {
      try DetailedMethod.activations(m, precision: .bf16, attention: .naive, checkpointing: .none)
    }
  }

  // MARK: The README table

  static let tableStart = "<!-- validation-table:start -->"
  static let tableEnd = "<!-- validation-table:end -->"

  /// The table of README.md's "How close the numbers are": per case, activation bytes at
  /// micro-batch 1 and forward+backward FLOPs of one sequence, measured and predicted by the
  /// detailed and the seed method, with signed errors.
  static func table(_ m: Measurements) throws -> String {
    var lines = [
      "| case | activations measured (b=1) | detailed | error | seed | error "
        + "| FLOPs measured (fwd+bwd) | detailed | error | seed | error |",
      "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for c in m.cases {
      let model = try c.model()
      let (precision, attention, checkpointing) = try c.setup()
      let measuredBytes = try c.measured(1)
      let detailed = predictedMeasurement(
        try DetailedMethod.activations(
          model, precision: precision, attention: attention, checkpointing: checkpointing),
        batch: 1)
      let seed = try ActivationBytes(
        seed: try ActivationMemory(
          model: model, attention: attention, checkpointing: checkpointing),
        precision: precision
      ).perSequence
      let measuredFLOPs = c.forwardFlops + c.backwardFlops
      let f = try DetailedMethod.flops(model, attention: attention, checkpointing: checkpointing)
      let seedF = SequenceFLOPs.seed(
        parameters: try ParameterCount(model: model).total, contextLength: model.contextLength,
        checkpointing: checkpointing)
      let detailedFLOPs = f.forward + f.backward + f.recompute
      let seedFLOPs = seedF.forward + seedF.backward + seedF.recompute
      let cells = [
        "`\(c.name)`",
        grouped(measuredBytes), grouped(detailed),
        percent(Double(detailed), Double(measuredBytes)),
        grouped(seed), percent(Double(seed), Double(measuredBytes)),
        scientific(measuredFLOPs), scientific(detailedFLOPs),
        percent(detailedFLOPs, measuredFLOPs),
        scientific(seedFLOPs), percent(seedFLOPs, measuredFLOPs),
      ]
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n")
  }

  /// 1234567 → "1,234,567".
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// Signed relative error with two decimals, e.g. "+0.00%" or "-38.21%".
  static func percent(_ predicted: Double, _ measured: Double) -> String {
    let e = relativeError(predicted, measured) * 100
    let rounded = (e * 100).rounded() / 100
    let body = String(format: "%.2f", abs(rounded))
    return (rounded < 0 ? "-" : "+") + body + "%"
  }

  /// 123456789 → "1.2346e8".
  static func scientific(_ x: Double) -> String {
    guard x > 0 else { return "0" }
    var exponent = Int(log10(x).rounded(.down))
    var mantissa = x / pow(10, Double(exponent))
    if mantissa >= 9.99995 {
      mantissa /= 10
      exponent += 1
    }
    return String(format: "%.4f", mantissa) + "e" + String(exponent)
  }

  @Test func readmeTableMatchesTheFixture() throws {
    let m = try Self.load()
    let table = try Self.table(m)
    let readme = try String(contentsOf: Self.readmeURL, encoding: .utf8)
    let start = try #require(readme.range(of: Self.tableStart), "README.md has no table start")
    let end = try #require(readme.range(of: Self.tableEnd), "README.md has no table end")
    try #require(start.upperBound <= end.lowerBound)
    let current = readme[start.upperBound..<end.lowerBound]
    let wanted = "\n" + table + "\n"
    if ProcessInfo.processInfo.environment["UPDATE_README"] == "1" {
      if current != wanted {
        let updated = readme.replacingCharacters(
          in: start.upperBound..<end.lowerBound, with: wanted)
        try updated.write(to: Self.readmeURL, atomically: true, encoding: .utf8)
      }
    } else {
      let upToDate = String(current) == wanted  // a Bool, so a failure does not print the table
      #expect(
        upToDate,
        "README.md's validation table is stale: UPDATE_README=1 swift test --filter DetailedMethodTests"
      )
    }
  }
}

/// An enum case from its raw value in measurements.json.
private func parse<T: RawRepresentable>(_ raw: String) throws -> T where T.RawValue == String {
  guard let value = T(rawValue: raw) else { throw DetailedMethodTests.UnknownValue(value: raw) }
  return value
}
