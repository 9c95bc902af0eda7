import Foundation
import Testing

@testable import Planner

/// The detailed method's activations under LoRA against `validation/measurements_lora.json`:
/// the reference implementation wrapped by PEFT (`validation/measure_lora.py`), 228 cases.
/// Every case without adapter dropout (192) is exact at micro-batch 1 and 2, on stage 0 of
/// one GPU (P = T = 1), and so are its trainable parameters. The 36 cases with
/// `lora_dropout` 0.1 are left out: the planner models dropout 0 (PEFT's dropout keeps a
/// dropped copy of x and CPU-specific fp32 noise per adapter, a 1-byte mask on CUDA).
@Suite struct LoRAActivationTests {
  struct Fixture: Decodable { var cases: [Case] }
  struct Case: Decodable {
    struct Adapters: Decodable {
      var rank: Int
      var dropout: Double
      var dtype: String
    }
    var name: String
    var shape: String
    var config: DetailedMethodTests.Config
    var precision, attention, checkpointing: String
    var target_set: String
    var weights: String
    var lora: Adapters
    var parameters, trainable_parameters: Int
    var activation_bytes: [String: Int]
  }

  static func load() throws -> [Case] {
    let url = DetailedMethodTests.repoRoot.appendingPathComponent(
      "validation/measurements_lora.json")
    return try JSONDecoder().decode(Fixture.self, from: try Data(contentsOf: url)).cases
  }

  /// The case's setup, and the base as measured where it is not the one the planner assumes
  /// for the precision (an fp32 base under bf16 autocast).
  static func setup(_ c: Case) -> (TrainingSetup, DetailedMethod.FrozenBase?) {
    let targets: [String]
    switch c.target_set {
    case "q,v": targets = ["q", "v"]
    default: targets = [c.target_set]  // attention, all-linear
    }
    let setup = TrainingSetup(
      precision: TrainingPrecision(rawValue: c.precision)!,
      attention: AttentionKernel(rawValue: c.attention)!,
      checkpointing: Recompute(rawValue: c.checkpointing)!, method: .detailed,
      training: Training(
        fineTuning: .lora,
        lora: LoRA(
          rank: c.lora.rank, targets: targets, dtype: TrainingPrecision(rawValue: c.lora.dtype)!)))
    let measured: DetailedMethod.FrozenBase = c.weights == "bf16" ? .sixteenBit : .fp32
    return (setup, measured == .of(setup) ? nil : measured)
  }

  /// Stage 0's activations at micro-batch b, less the block that full checkpointing recomputes
  /// (the harness measures at the end of the forward pass, when none is).
  static func predicted(_ c: Case, batch b: Int) throws -> (Int, Accounting) {
    let model = TensorParallelMeasurementTests.model(c.config)
    let (setup, base) = setup(c)
    let a = try Planner.accounting(model, setup, frozenBase: base)
    let memory = try StageMemoryModel(
      accounting: a, layout: setup.layout, stageLayers: [model.numLayers], setup: setup,
      sequencesPerReplica: nil)
    let bytes = try memory.activations(stage: 0, batch: b) - a.workingSet.bytes(b, setup.layout)
    return (bytes, a)
  }

  @Test func everyCaseWithoutDropoutIsExact() throws {
    let cases = try Self.load()
    #expect(cases.count == 228)
    var (checked, overridden, skipped) = (0, 0, 0)
    for c in cases {
      guard c.lora.dropout == 0 else {
        skipped += 1
        continue
      }
      for b in [1, 2] {
        let (bytes, a) = try Self.predicted(c, batch: b)
        #expect(bytes == c.activation_bytes[String(b)], "\(c.name) b=\(b)")
        #expect(a.trainableParameters == c.trainable_parameters, "\(c.name) trainable")
        #expect(a.parameters + a.trainableParameters == c.parameters, "\(c.name) parameters")
      }
      if Self.setup(c).1 != nil { overridden += 1 }
      checked += 1
    }
    #expect(checked == 192)
    #expect(skipped == 36)
    // The fp32 base under bf16 autocast; the other 108 are the planner's own setups.
    #expect(overridden == 84)
  }

  /// The components are one GPU's bytes per sequence: at P = T = 1 they add up to what one
  /// more sequence costs.
  @Test func componentsAddUpToOneSequence() throws {
    for c in try Self.load() where c.lora.dropout == 0 {
      let (one, a) = try Self.predicted(c, batch: 1)
      let (zero, _) = try Self.predicted(c, batch: 0)
      #expect(
        a.activationBytesPerSequence - a.workingSet.total == one - zero, "\(c.name)")
    }
  }

  /// Block 0 keeps less: with q, v targets neither its first norm nor q (only kᵀ), and no
  /// autocast copy of W_q, W_k, W_v.
  @Test func theFirstBlockKeepsLess() throws {
    let c = try #require(
      try Self.load().first { $0.name == "llama-like-bf16-naive-none-qv-r8-d0-fp32" })
    let (_, a) = try Self.predicted(c, batch: 1)
    let (s, h, kv) = (128, 128, 32)
    let first = try #require(a.firstLayerKept)
    #expect(a.layerKept.total - first.total == 4 * (s * h + s) + 2 * s * h)
    let fixed = try #require(a.firstLayerFixed)
    // W_q, W_k, W_v's bf16 copies and the two A copies of the adapters reading norm_1.
    #expect(a.fixedPerLayer.total - fixed.total == 2 * (h * h + 2 * kv * h) + 2 * 2 * 8 * h)
  }

  /// Full training is untouched: no first-block split.
  @Test func fullTrainingHasNoFirstBlockSplit() throws {
    let c = try #require(try Self.load().first)
    let model = TensorParallelMeasurementTests.model(c.config)
    let a = try Planner.accounting(model, TrainingSetup(method: .detailed))
    #expect(a.firstLayerKept == nil && a.firstLayerFixed == nil)
  }

  /// QLoRA keeps what LoRA over a 16-bit base keeps (the NF4 weight's dequantised copy is
  /// transient); LoRA over a 16-bit base keeps less than full training.
  @Test func qloraActivationsAreLoRAsOverA16BitBase() throws {
    let model = TensorParallelMeasurementTests.model(try Self.load()[0].config)
    func bytes(_ f: FineTuning) throws -> Int {
      let setup = TrainingSetup(
        precision: .bf16, method: .detailed,
        training: Training(fineTuning: f, lora: LoRA(rank: 8, targets: ["all-linear"])))
      let memory = try StageMemoryModel(
        accounting: try Planner.accounting(model, setup), layout: setup.layout,
        stageLayers: [model.numLayers], setup: setup, sequencesPerReplica: nil)
      return try memory.activations(stage: 0, batch: 4)
    }
    #expect(try bytes(.qlora) == bytes(.lora))
    #expect(try bytes(.lora) < bytes(.full))
  }

  /// README.md states how many measured cases the method is exact on.
  @Test func readmeStatesTheCount() throws {
    let readme = try String(contentsOf: DetailedMethodTests.readmeURL, encoding: .utf8)
    #expect(readme.contains("exact on all 192 measured LoRA cases"))
  }
}
