import Testing

@testable import Planner

/// `maxBatchSize` searches from a linear guess; the answer must be the one a plain search from
/// b = 1 over every stage gives (the doubling and bisection it replaced), on every layout.
@Suite struct MaxBatchSearchTests {
  /// The largest b ≤ the cap at which every stage (not only the candidates) fits: doubling from
  /// 1, then bisecting, as `maxBatchSize` did before it started from a guess.
  static func reference(_ m: StageMemoryModel, usable: Int, shards: Int) throws -> Int {
    func fits(_ b: Int) throws -> Bool {
      try m.stageLayers.indices.allSatisfy {
        try m.stage($0, batch: b, shards: shards).totalBytes <= usable
      }
    }
    guard try fits(1) else { return 0 }
    let cap = m.layout.pipelineParallel > 1 ? m.sequencesPerReplica ?? Int.max : Int.max
    var (low, high) = (1, 2)
    while high <= cap, try fits(high) {
      low = high
      if high > Int.max / 2 { return high }
      high *= 2
    }
    high = min(high, cap == Int.max ? high : cap + 1)
    while high - low > 1 {
      let mid = low + (high - low) / 2
      if try fits(mid) { low = mid } else { high = mid }
    }
    return low
  }

  struct Case: CustomStringConvertible {
    let layers, width, heads, t, p, v: Int
    let method: AccountingMethod
    let recompute: Recompute
    var description: String { "L\(layers) h\(width) T\(t) P\(p) V\(v) \(method) \(recompute)" }

    /// The case's stage models, one for each B/D a plan can give it: the planner gives B/D to
    /// a pipeline only (`Planner.plan`).
    func memoryModels() throws -> [(perReplica: Int?, model: StageMemoryModel)] {
      let model = Shapes.gpt2(layers: layers, width: width, heads: heads)
      let layout = ParallelLayout(tensorParallel: t, pipelineParallel: p, virtualStages: v)
      let setup = TrainingSetup(
        precision: .bf16, checkpointing: recompute, fp32Gradients: true, method: method,
        layout: layout)
      let accounting = try Planner.accounting(model, setup)
      let stageLayers = try layout.stageLayers(numLayers: layers)
      return try (p > 1 ? [nil, 1, 6, 64, 1_000] : [nil] as [Int?]).map {
        (
          $0,
          try StageMemoryModel(
            accounting: accounting, layout: layout, stageLayers: stageLayers, setup: setup,
            sequencesPerReplica: $0)
        )
      }
    }
  }

  static let cases: [Case] = {
    var cases: [Case] = []
    for (layers, width, heads) in [(7, 512, 8), (24, 1024, 16), (48, 1600, 25)] {
      for t in [1, 2] where heads % t == 0 {
        for p in [1, 2, 3, 4, 8] where p <= layers {
          for v in [1, 2] where v == 1 || layers % (p * v) == 0 && p > 1 {
            for method in AccountingMethod.allCases {
              for recompute in Recompute.allCases {
                cases.append(
                  Case(
                    layers: layers, width: width, heads: heads, t: t, p: p, v: v, method: method,
                    recompute: recompute))
              }
            }
          }
        }
      }
    }
    return cases
  }()

  @Test(arguments: cases)
  func sameAnswerAsASearchFromOne(_ c: Case) throws {
    var checked = 0
    for (perReplica, m) in try c.memoryModels() {
      for usable in [1 << 30, 12_345_678_901, 80 << 30, 1 << 50] {
        for shards in [1, 8] {
          let expected = try Self.reference(m, usable: usable, shards: shards)
          #expect(
            try m.maxBatchSize(usableBytes: usable, shards: shards) == expected,
            "\(c), B/D \(String(describing: perReplica)), usable \(usable), shards \(shards)")
          checked += expected > 1 ? 1 : 0
        }
      }
    }
    #expect(checked > 0, "no case where the search had room to go wrong")
  }
}

/// The same reference search under a capacity factor, whose ceiling makes the bytes non-linear
/// in b: the linear shortcut of one unsplit stage must not be taken, and the guess must still
/// land on the reference's answer.
@Suite struct MaxBatchSearchCapacityTests {
  @Test(arguments: [0.3, 1.0, 1.25, 2.7])
  func sameAnswerAsASearchFromOne(_ f: Double) throws {
    let model = ExpertParallelTests.model
    var checked = 0
    for (t, p, sp) in [(1, 1, false), (2, 1, true), (1, 2, false), (2, 2, false)] {
      for method in AccountingMethod.allCases {
        for recompute in Recompute.allCases {
          let layout = ParallelLayout(tensorParallel: t, pipelineParallel: p, sequenceParallel: sp)
          let setup = TrainingSetup(
            precision: .bf16, checkpointing: recompute, method: method, layout: layout,
            capacityFactor: f)
          let accounting = try Planner.accounting(model, setup)
          let stageLayers = try layout.stageLayers(numLayers: model.numLayers)
          for perReplica in p > 1 ? [nil, 7, 100] : [nil] as [Int?] {
            let m = try StageMemoryModel(
              accounting: accounting, layout: layout, stageLayers: stageLayers, setup: setup,
              sequencesPerReplica: perReplica)
            #expect(m.capacity != nil)
            for usable in [3_000_000, 12_345_678, 1 << 30] {
              let expected = try MaxBatchSearchTests.reference(m, usable: usable, shards: 1)
              #expect(
                try m.maxBatchSize(usableBytes: usable, shards: 1) == expected,
                "F \(f) T\(t) P\(p) \(method) \(recompute) B/D \(String(describing: perReplica)) usable \(usable)"
              )
              checked += expected > 1 ? 1 : 0
            }
          }
        }
      }
    }
    #expect(checked > 0, "no case where the search had room to go wrong")
  }
}
