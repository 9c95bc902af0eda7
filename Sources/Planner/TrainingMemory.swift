/// What the training setup keeps for a group of parameter tensors on one tensor-parallel rank,
/// before ZeRO shards it: weights (frozen and trainable), gradients and optimizer state.
///
/// - Full training: every parameter trains. fp32/tf32: 4-byte weights and gradients; mixed
///   precision (bf16, fp16, fp8): 2-byte weights, 2-byte gradients (4 with `--fp32-grads`) and a
///   4-byte fp32 master copy with the optimizer's state (AdamW: 4 + 8 = SPEC's 12). fp8 adds the
///   1-byte copy of every matrix Transformer Engine caches.
/// - LoRA: the base is frozen in the training precision (no gradient, no state); each targeted
///   d_out × d_in projection gains A (R × d_in) and B (d_out × R), trained in `--lora-dtype`
///   (weights and gradients; the optimizer's state, no master copy). A column-parallel
///   projection's B is split T ways and its A whole; a row-parallel one's A split, B whole.
/// - QLoRA: as LoRA, with the projections stored as NF4 with double quantisation: 4 bits, an
///   8-bit constant per block of 64 and an fp32 constant per 256 blocks (4.127 bits a parameter,
///   Dettmers et al. 2023); embeddings, norms, biases and the LM head stay 16-bit.
struct TrainingMemory {
  let training: Training
  /// The projections LoRA adapts (resolved for the model).
  let targets: Set<Projection>
  let precision: TrainingPrecision
  let fp32Gradients: Bool
  let tensorParallel: Int

  struct Bytes: Equatable {
    var params = 0
    var grads = 0
    var optimizer = 0
    /// Trainable parameters on this rank.
    var trainable = 0

    func adding(_ other: Bytes, _ x: Exact) throws -> Bytes {
      Bytes(
        params: try x.add(params, other.params), grads: try x.add(grads, other.grads),
        optimizer: try x.add(optimizer, other.optimizer),
        trainable: try x.add(trainable, other.trainable))
    }
  }

  var weightBytes: Int { precision.bytesPerElement }
  var gradientBytes: Int { precision.isMixed && fp32Gradients ? 4 : precision.bytesPerElement }
  var masterBytes: Int { precision.isMixed ? 4 : 0 }

  /// One rank's share of a tensor: rows split T ways where tensor parallelism splits it.
  func rankShape(_ t: ParameterTensor) -> (rows: Int, cols: Int) {
    t.sharded ? (ceilDiv(t.rows, tensorParallel), t.cols) : (t.rows, t.cols)
  }

  /// The bytes of `count` copies of `split` (a stage's layers, its embedding, its head).
  func bytes(_ split: ParameterSplit, count: Int) throws -> Bytes {
    guard count > 0 else { return Bytes() }
    let x = Exact(quantity: "the model state bytes")
    let elements = split.perRank(tensorParallel)
    var b = Bytes()
    switch training.fineTuning {
    case .full:
      b.trainable = elements
      b.params = try x.mul(weightBytes + (precision == .fp8 ? 1 : 0), elements)
      if precision == .fp8 {
        // The fp8 weight copies cover the matrices only.
        let vectors = split.tensors.filter { $0.cols == 1 }.reduce(0) { $0 + rankElements($1) }
        b.params -= vectors
      }
      b.grads = try x.mul(gradientBytes, elements)
      b.optimizer = try x.add(try x.mul(masterBytes, elements), try optimizerState(split))
    case .lora, .qlora:
      for tensor in split.tensors {
        b.params = try x.add(b.params, try frozenBytes(tensor))
        guard case .projection(let projection) = tensor.role,
          targets.contains(projection)
        else { continue }
        for adapter in adapters(tensor) {
          let n = adapter.rows * adapter.cols
          let loraBytes = training.lora.dtype.bytesPerElement
          b.trainable = try x.add(b.trainable, n)
          b.params = try x.add(b.params, try x.mul(loraBytes, n))
          b.grads = try x.add(b.grads, try x.mul(loraBytes, n))
          b.optimizer = try x.add(
            b.optimizer, training.optimizer.stateBytes(rows: adapter.rows, cols: adapter.cols))
        }
      }
    }
    return Bytes(
      params: try x.mul(count, b.params), grads: try x.mul(count, b.grads),
      optimizer: try x.mul(count, b.optimizer), trainable: try x.mul(count, b.trainable))
  }

  func rankElements(_ t: ParameterTensor) -> Int {
    let shape = rankShape(t)
    return shape.rows * shape.cols
  }

  /// The optimizer's state for trainable tensors; AdamW's is linear in the elements, so it is
  /// counted on the stage's total (as SPEC does), the others tensor by tensor.
  func optimizerState(_ split: ParameterSplit) throws -> Int {
    let x = Exact(quantity: "the optimizer state bytes")
    if training.optimizer == .adamw { return try x.mul(8, split.perRank(tensorParallel)) }
    return try x.sum(
      split.tensors.map {
        let shape = rankShape($0)
        return training.optimizer.stateBytes(rows: shape.rows, cols: shape.cols)
      })
  }

  /// A frozen tensor: in the training precision, or NF4 for QLoRA's projections.
  func frozenBytes(_ t: ParameterTensor) throws -> Int {
    let n = rankElements(t)
    if training.fineTuning == .qlora, case .projection = t.role {
      return n / 2 + n % 2 + ceilDiv(n, 64) + 4 * ceilDiv(n, 64 * 256)
    }
    return try Exact(quantity: "the model state bytes").mul(
      training.fineTuning == .qlora ? 2 : weightBytes, n)
  }

  /// A and B of an adapted projection, as one rank holds them.
  func adapters(_ t: ParameterTensor) -> [(rows: Int, cols: Int)] {
    let r = training.lora.rank
    let rowParallel: Bool
    if case .projection(let p) = t.role {
      rowParallel = p == .o || p == .down
    } else {
      rowParallel = false
    }
    let splitIn = rowParallel ? ceilDiv(t.cols, tensorParallel) : t.cols
    let splitOut = rowParallel ? t.rows : ceilDiv(t.rows, tensorParallel)
    return [(r, splitIn), (splitOut, r)]
  }

  /// Trainable parameters of the whole model (every rank's share counted once).
  static func adapterParameters(
    _ layer: ParameterSplit, layers: Int, rank r: Int, targets: Set<Projection>
  )
    -> Int
  {
    let perLayer = layer.tensors.reduce(0) { sum, t in
      guard case .projection(let p) = t.role, targets.contains(p) else { return sum }
      return sum + r * (t.rows + t.cols)
    }
    return layers * perLayer
  }
}
