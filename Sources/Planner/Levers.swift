/// One change of the setup that a user can make with a flag.
public enum LeverChange: Equatable, Sendable {
  case precision(TrainingPrecision)
  case attention(AttentionKernel)
  case checkpointing(Checkpointing)
  case zeroStage(Int)
  case numGPUs(Int)
}

/// A set of changes under which a plan that did not fit fits, with the plan it makes.
public struct Lever: Equatable, Sendable {
  public var changes: [LeverChange]
  public var plan: Plan
}

/// What would make a plan fit that does not: each lever that does it alone, else the first
/// prefix of the cumulative list (bf16, flash, selective and full recompute, ZeRO 3) that does, and the
/// fewest GPUs under ZeRO 3 with the other levers applied. Computed by planning each
/// candidate, so the micro-batch each reports is the planner's own.
public enum Levers {
  public static func find(model: ModelConfig, hardware: HardwareProfile, setup: TrainingSetup)
    -> [Lever]
  {
    let candidates = changes(hardware, setup)
    var found = candidates.compactMap { tryFit(model, hardware, setup, [$0]) }
    if found.isEmpty {
      for k in candidates.indices.dropFirst() {
        if let lever = tryFit(model, hardware, setup, superseding(Array(candidates[...k]))) {
          found.append(lever)
          break
        }
      }
    }
    if let more = moreGPUs(model, hardware, setup, candidates) { found.append(more) }
    return found
  }

  /// The single changes worth trying, in the order a user would reach for them.
  static func changes(_ hardware: HardwareProfile, _ setup: TrainingSetup) -> [LeverChange] {
    var out: [LeverChange] = []
    if setup.precision == .fp32 && hardware.peak.bf16 != nil { out.append(.precision(.bf16)) }
    if setup.attention == .naive { out.append(.attention(.flash)) }
    if setup.recompute == .none && setup.attention == .naive {
      out.append(.checkpointing(.selective))
    }
    if setup.recompute != .full { out.append(.checkpointing(.full)) }
    if setup.numGPUs > 1 && setup.zeroStage < 3 { out.append(.zeroStage(3)) }
    return out
  }

  /// The fewest GPUs (at most 2²⁰) at which ZeRO 3 with every other lever makes it fit.
  static func moreGPUs(
    _ model: ModelConfig, _ hardware: HardwareProfile, _ setup: TrainingSetup,
    _ candidates: [LeverChange]
  ) -> Lever? {
    let others = superseding(
      candidates.filter { if case .zeroStage = $0 { return false } else { return true } })
    var probe = apply(others + [.zeroStage(3)], to: setup)
    probe.globalBatchSize = nil
    probe.microBatchSize = setup.microBatchSize ?? 1
    guard let plan = try? Planner.plan(model: model, hardware: hardware, setup: probe),
      let needed = plan.gpusNeeded, needed > setup.numGPUs, needed <= 1 << 20
    else { return nil }
    return tryFit(model, hardware, setup, others + [.zeroStage(3), .numGPUs(needed)])
  }

  /// The changes without a recomputation that a later one replaces (selective, then full).
  static func superseding(_ changes: [LeverChange]) -> [LeverChange] {
    changes.enumerated().filter { i, change in
      guard case .checkpointing = change else { return true }
      return !changes[(i + 1)...].contains {
        if case .checkpointing = $0 { return true } else { return false }
      }
    }.map(\.element)
  }

  static func tryFit(
    _ model: ModelConfig, _ hardware: HardwareProfile, _ setup: TrainingSetup,
    _ changes: [LeverChange]
  ) -> Lever? {
    guard
      let plan = try? Planner.plan(
        model: model, hardware: hardware, setup: apply(changes, to: setup)),
      plan.fits
    else { return nil }
    return Lever(changes: changes, plan: plan)
  }

  static func apply(_ changes: [LeverChange], to setup: TrainingSetup) -> TrainingSetup {
    var s = setup
    for change in changes {
      switch change {
      case .precision(let p): s.precision = p
      case .attention(let a): s.attention = a
      case .checkpointing(let c): s.checkpointing = c
      case .zeroStage(let z): s.zeroStage = z
      case .numGPUs(let g): s.numGPUs = g
      }
    }
    return s
  }
}
