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

/// Builds `MemoryBreakdown`s for one model under one setup, at any batch size or GPU count.
public struct MemoryModel: Sendable {
  public let parameters: Int
  public let activations: ActivationBytes
  public let precision: TrainingPrecision
  public let zeroStage: Int
  public let fp32Gradients: Bool

  public init(parameters: Int, activations: ActivationBytes, setup: TrainingSetup) {
    self.parameters = parameters
    self.activations = activations
    self.precision = setup.precision
    self.zeroStage = setup.zeroStage
    self.fp32Gradients = setup.fp32Gradients
  }

  /// Bytes per parameter for (parameters, gradients, optimizer state), before sharding.
  var bytesPerParameter: (params: Int, grads: Int, optimizer: Int) {
    switch precision {
    case .fp32: return (4, 4, 8)
    case .bf16, .fp16: return (2, fp32Gradients ? 4 : 2, 12)
    }
  }

  /// The model state of one GPU over `numGPUs`: each part the ZeRO stage shards is divided,
  /// rounded up to whole bytes. A sweep calls this for every plan, so it allocates nothing.
  func state(numGPUs: Int) throws -> (params: Int, grads: Int, optimizer: Int) {
    let x = Exact(quantity: "the model state bytes")
    let per = bytesPerParameter
    func share(_ bytes: Int, sharded: Bool) -> Int { sharded ? ceilDiv(bytes, numGPUs) : bytes }
    return (
      share(try x.mul(per.params, parameters), sharded: zeroStage >= 3),
      share(try x.mul(per.grads, parameters), sharded: zeroStage >= 2),
      share(try x.mul(per.optimizer, parameters), sharded: zeroStage >= 1)
    )
  }

  /// Total model state bytes of one GPU over `numGPUs`.
  func stateTotal(numGPUs: Int) throws -> Int {
    let s = try state(numGPUs: numGPUs)
    let x = Exact(quantity: "the model state bytes")
    return try x.add(try x.add(s.params, s.grads), s.optimizer)
  }

  /// fixed + b × per sequence.
  func activationBytes(batchSize: Int) throws -> Int {
    let x = Exact(quantity: "the activation bytes")
    return try x.add(activations.fixed, try x.mul(activations.perSequence, batchSize))
  }

  /// Per-GPU memory at micro-batch `batchSize` over `numGPUs` data-parallel GPUs.
  public func breakdown(batchSize: Int, numGPUs: Int) throws -> MemoryBreakdown {
    let s = try state(numGPUs: numGPUs)
    let activationsBytes = try activationBytes(batchSize: batchSize)
    return MemoryBreakdown(
      parametersBytes: s.params, gradientsBytes: s.grads, optimizerStateBytes: s.optimizer,
      activationBytesPerSequence: activations.perSequence,
      activationComponentBytes: activations.components,
      batchSize: batchSize, activationsBytes: activationsBytes,
      totalBytes: try Exact(quantity: "the total memory")
        .add(try stateTotal(numGPUs: numGPUs), activationsBytes))
  }

  /// The largest micro-batch whose total fits in `usableBytes`; 0 when the constant part
  /// (with any fixed activations) alone reaches it.
  public func maxBatchSize(usableBytes: Int, numGPUs: Int) throws -> Int {
    let constant = try Exact(quantity: "the total memory")
      .add(try stateTotal(numGPUs: numGPUs), try activationBytes(batchSize: 0))
    if constant >= usableBytes { return 0 }
    return (usableBytes - constant) / activations.perSequence
  }

  /// The smallest GPU count at which `batchSize` fits in `usableBytes` under the ZeRO stage,
  /// or nil when no count can make it fit (the unsharded part alone is too large).
  public func gpusNeeded(batchSize: Int, usableBytes: Int) throws -> Int? {
    let x = Exact(quantity: "the total memory")
    let whole = try state(numGPUs: 1)
    let parts = [
      (whole.params, zeroStage >= 3), (whole.grads, zeroStage >= 2),
      (whole.optimizer, zeroStage >= 1),
    ]
    let fixed = try x.sum(parts.filter { !$0.1 }.map(\.0))
    let sharded = parts.filter { $0.1 && $0.0 > 0 }.map(\.0)
    let room = usableBytes - (try x.add(fixed, try activationBytes(batchSize: batchSize)))
    if room < 0 { return nil }
    guard let largest = sharded.max() else { return 1 }
    // Each sharded part keeps at least one byte however many GPUs share it.
    if room < sharded.count { return nil }
    // The per-GPU share only shrinks as G grows, and at G = the largest part every share is
    // one byte, which fits: search between 1 and there.
    func fits(_ g: Int) -> Bool { sharded.reduce(0) { $0 + ceilDiv($1, g) } <= room }
    var (low, high) = (1, largest)
    while low < high {
      let mid = low + (high - low) / 2
      if fits(mid) { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
