/// The activation bytes one rank holds for one micro-batch of b sequences, per kind of layer and
/// per extra, split over the layout once. A stage's activations are then a few multiplications
/// of these: a pipeline of 64 stages would otherwise split the same tensors 64 times per plan,
/// and a sweep's cost would grow with P.
struct ActivationTerms {
  let batch: Int
  /// m, the micro-batches per pipeline per step (`StageMemoryModel.microBatches`).
  let microBatches: Int
  /// What a dense and an MoE layer keep per micro-batch in flight, and LoRA's first block.
  let layerKept: Int
  let moeLayerKept: Int
  let firstLayerKept: Int?
  /// One layer's working set under full recomputation (0 otherwise), dense and MoE.
  let working: Int
  let moeWorking: Int
  /// The embedding's, per micro-batch in flight on stage 0.
  let firstStage: Int
  /// The head's (final norm, LM head, logits) for one micro-batch on the last stage.
  let lastStage: Int
  /// What does not grow with b: the same for every b, worked out once per plan.
  let fixed: Fixed

  /// What a layer keeps once whatever b (dense, MoE, LoRA's first block), and each stage, the
  /// first and the last stage.
  struct Fixed {
    let perLayer: Int
    let moePerLayer: Int
    let firstLayer: Int?
    let everyStage: Int
    let firstStage: Int
    let lastStage: Int

    init(
      _ a: borrowing Accounting, _ layout: ParallelLayout, moePerLayer moe: ActivationSplit?,
      firstLayerIsDense: Bool
    ) throws {
      perLayer = try a.fixedPerLayer.bytes(1, layout)
      moePerLayer = try moe?.bytes(1, layout) ?? 0
      firstLayer = firstLayerIsDense ? try a.firstLayerFixed?.bytes(1, layout) : nil
      everyStage = try a.fixedEveryStage.bytes(1, layout)
      firstStage = try a.fixedFirstStage.bytes(1, layout)
      lastStage = try a.fixedLastStage.bytes(1, layout)
    }
  }

  init(_ model: borrowing StageMemoryModel, batch b: Int) throws {
    let layout = model.layout
    let hasMoE = model.hasMoE
    batch = b
    microBatches = model.microBatches(b)
    layerKept = try model.accounting.layerKept.bytes(b, layout)
    // A capacity factor pads the routed copies to E × capacity slots, a ceil of b's tokens:
    // worked out here per b, not as bytes per sequence.
    let capacity = model.capacity
    func moe(_ split: ActivationSplit, holdsCopies: Bool) throws -> Int {
      guard hasMoE else { return 0 }
      guard let capacity, holdsCopies else { return try split.bytes(b, layout) }
      return try capacity.bytes(split, b, layout)
    }
    moeLayerKept = try moe(
      model.accounting.moeLayerKept, holdsCopies: !(capacity?.inWorkingSet ?? true))
    firstLayerKept =
      model.firstLayerIsDense ? try model.accounting.firstLayerKept?.bytes(b, layout) : nil
    working = try model.accounting.workingSet.bytes(b, layout)
    moeWorking = try moe(
      model.accounting.moeWorkingSet, holdsCopies: capacity?.inWorkingSet ?? false)
    firstStage = try model.accounting.firstStageActivations.bytes(b, layout)
    lastStage = try model.accounting.lastStageActivations.bytes(b, layout)
    fixed = model.fixedActivations
  }
}
