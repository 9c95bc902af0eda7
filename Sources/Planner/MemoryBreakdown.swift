/// Peak training memory per GPU, in bytes: the memory formula of SPEC.md.
///
/// total = parameters + gradients + optimizer state + b × activation bytes per sequence.
/// fp32 (the seed): 4P + 4P + 8P (AdamW's two moments), 4 bytes per activation element.
/// bf16/fp16 mixed precision: 2P + 2P (4P with fp32 gradients) + 12P (fp32 master weights
/// and both moments), 2 bytes per activation element. ZeRO stage z ≥ 1 divides the optimizer
/// state by G, z ≥ 2 also the gradients, z = 3 also the parameters, each rounded up.
public struct MemoryBreakdown: Equatable, Sendable {
  public var parametersBytes: Int
  public var gradientsBytes: Int
  public var optimizerStateBytes: Int
  /// Bytes of activations one sequence holds, and the same by component.
  public var activationBytesPerSequence: Int
  public var activationComponentBytes: [NamedBytes]
  public var batchSize: Int
  public var activationsBytes: Int
  public var totalBytes: Int

  public init(
    parametersBytes: Int, gradientsBytes: Int, optimizerStateBytes: Int,
    activationBytesPerSequence: Int, activationComponentBytes: [NamedBytes] = [], batchSize: Int,
    activationsBytes: Int, totalBytes: Int
  ) {
    self.parametersBytes = parametersBytes
    self.gradientsBytes = gradientsBytes
    self.optimizerStateBytes = optimizerStateBytes
    self.activationBytesPerSequence = activationBytesPerSequence
    self.activationComponentBytes = activationComponentBytes
    self.batchSize = batchSize
    self.activationsBytes = activationsBytes
    self.totalBytes = totalBytes
  }

  /// The part that does not depend on the batch size (16P in the seed).
  public var constantBytes: Int { parametersBytes + gradientsBytes + optimizerStateBytes }
}

/// A named byte count, e.g. one activation component per sequence.
public struct NamedBytes: Equatable, Sendable {
  public var name: String
  public var bytes: Int

  public init(name: String, bytes: Int) {
    self.name = name
    self.bytes = bytes
  }
}

/// The activation bytes of a method: a part per sequence (times the micro-batch) and a part
/// held once whatever the batch (buffers shared by every sequence; 0 in the seed method).
public struct ActivationBytes: Equatable, Sendable {
  public var perSequence: Int
  public var fixed: Int
  /// `perSequence` by component.
  public var components: [NamedBytes]

  public init(perSequence: Int, fixed: Int = 0, components: [NamedBytes]) {
    self.perSequence = perSequence
    self.fixed = fixed
    self.components = components
  }

  /// The seed method's activations: its elements at the precision's bytes per element.
  public init(seed activations: ActivationMemory, precision: TrainingPrecision) throws {
    let bytes = precision.bytesPerElement
    perSequence = try Exact(quantity: "the activation bytes per sequence")
      .mul(activations.elementsPerSequence, bytes)
    fixed = 0
    // Each component is at most the checked total, so these products cannot overflow.
    components = activations.components.map {
      NamedBytes(name: $0.name, bytes: $0.elements * bytes)
    }
  }
}
