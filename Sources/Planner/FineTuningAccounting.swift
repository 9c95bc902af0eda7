/// What LoRA and QLoRA change in a method's counts: the adapters are the trainable parameters,
/// and the FLOPs. The frozen base still runs forward and passes gradients back to the adapters
/// (its input gradients, 2·s per matrix element), but computes no weight gradient of its own;
/// each adapter costs its own forward and backward, 2·s and 4·s per element.
///
/// Activations are the method's: the detailed method counts the fine-tune's own when it builds
/// the accounting (`DetailedMethod.savedLoRA`, exact on the measured cases); the seed and
/// megatron methods keep full training's, an upper bound.
enum FineTuningAccounting {
  static func apply(
    _ training: Training, to a: inout Accounting, model: ModelConfig, run: ModelConfig,
    method: AccountingMethod
  ) throws {
    let targets = try training.lora.projections(for: model)
    a.loraTargets = targets
    let adapters = TrainingMemory.adapterParameters(
      a.layer, layers: model.numLayers, rank: training.lora.rank, targets: targets)
    a.trainableParameters = adapters
    for t in a.layer.tensors {
      guard case .projection(let p) = t.role, targets.contains(p) else { continue }
      if training.lora.rank > min(t.rows, t.cols) {
        throw PlannerError.outOfRange(
          .loraRank, String(training.lora.rank),
          rule:
            "must be at most the smaller side of the \(p.rawValue) matrix (\(t.rows) × \(t.cols))")
      }
    }
    let s = Double(run.contextLength)
    let layerMatrices = Double(
      a.layer.tensors.filter { if case .projection = $0.role { return true } else { return false } }
        .reduce(0) { $0 + $1.elements })
    let head = Double(a.paddedVocabulary * model.dModel)
    // The seed counts every parameter as a matrix (6·P·s); the others their matrices and head.
    let frozenWeightGradients =
      method == .seed
      ? 2 * s * Double(a.parameters) : 2 * s * (Double(model.numLayers) * layerMatrices + head)
    a.flops = SequenceFLOPs(
      forward: a.flops.forward + 2 * s * Double(adapters),
      backward: a.flops.backward - frozenWeightGradients + 4 * s * Double(adapters),
      recompute: a.flops.recompute == 0 ? 0 : a.flops.recompute + 2 * s * Double(adapters))
    if method == .seed {
      a.notes.append(
        "LoRA under the seed method: adapters on the seed's matrices, activations as in full training (an upper bound: a frozen linear keeps no input for its own weight gradient)"
      )
    }
  }
}
