import Planner

/// Shapes and GPUs the tests share, written out so a reader sees every figure.
enum Shapes {
  /// SPEC.md's worked example: v 50,257, s 1,024, l 48, h 1,600, n 25 (f = 6,400).
  static let gpt2XL = ModelConfig(
    name: "seed-gpt2-xl", vocabSize: 50_257, contextLength: 1_024, numLayers: 48, dModel: 1_600,
    numHeads: 25)

  static func gpt2(layers: Int, width: Int, heads: Int) -> ModelConfig {
    ModelConfig(
      vocabSize: 50_257, contextLength: 1_024, numLayers: layers, dModel: width, numHeads: heads)
  }

  /// A100 80GB: 81,920 MiB as the device reports it, 19.5 TFLOP/s fp32.
  static let a100_80GiB = HardwareProfile(
    name: "a100-80gb", memoryBytes: 85_899_345_920,
    peak: PeakThroughput(fp32: 19.5e12, tf32: 156e12, bf16: 312e12, fp16: 312e12))

  /// The same GPU with 80 GB decimal.
  static let gpu80GB = HardwareProfile(
    name: "80gb", memoryBytes: 80_000_000_000, peak: PeakThroughput(fp32: 19.5e12))
}
