import Planner

/// What `plan` tells a user beyond the figures: a warning when a plan fits with too little
/// room to run, and, when it does not fit, the flags that would make it fit.
struct PlanAdvice {
  let warnings: [String]
  /// Each lever as the flags to add, with the micro-batch it fits at.
  let levers: [(flags: String, plan: Plan)]

  init(plan: Plan, setup: TrainingSetup) {
    warnings = plan.isTight ? [Self.tightWarning(plan)] : []
    levers =
      plan.fits
      ? []
      : Levers.find(model: plan.model, hardware: plan.hardware, setup: setup).map {
        (Self.flags($0.changes), $0.plan)
      }
  }

  static func tightWarning(_ plan: Plan) -> String {
    "only \(Units.gib(plan.spareBytes)) spare, under max(1 GiB, 3% of the GPU's \(Units.gib(plan.hardware.memoryBytes))) = \(Units.gib(plan.tightSpareBytes)): the CUDA context, NCCL buffers and fragmentation will likely run out of memory in a real run"
  }

  static func flags(_ changes: [LeverChange]) -> String {
    changes.map { change in
      switch change {
      case .precision(let p): return "--precision \(p.rawValue)"
      case .attention(let a): return "--attention \(a.rawValue)"
      case .checkpointing(let c): return "--recompute \(c.rawValue)"
      case .zeroStage(let z): return "--zero \(z)"
      case .numGPUs(let g): return "--num-gpus \(g)"
      }
    }.joined(separator: " ")
  }

  /// "fits with --precision bf16 --attention flash at micro-batch 19"
  var leverSentences: [String] {
    levers.map { "fits with \($0.flags) at micro-batch \($0.plan.setup.batchSize)" }
  }
}
