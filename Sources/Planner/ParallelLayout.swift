/// How a model is split over the GPUs of one data-parallel replica: tensor parallel T (each
/// layer's matrices split T ways), pipeline parallel P (the layers split into P stages, each
/// in V interleaved chunks), context parallel C (the sequence split C ways) and sequence
/// parallelism (the tensors between the tensor-parallel regions split T ways too). Expert
/// parallelism E splits an MoE layer's routed experts E ways over the data-parallel × context-
/// parallel ranks (Megatron's expert grid, expert tensor parallel = T); it adds no GPUs.
public struct ParallelLayout: Equatable, Hashable, Sendable {
  public var tensorParallel: Int
  public var pipelineParallel: Int
  public var contextParallel: Int
  /// V, model chunks per pipeline stage: interleaved 1F1B when V > 1.
  public var virtualStages: Int
  public var sequenceParallel: Bool
  /// Layers per stage as the user split them (`--pipeline-layers 5,6,6,5`); nil splits evenly.
  public var pipelineLayers: [Int]?
  /// E, the ranks an MoE layer's routed experts are split over (`--expert-parallel`).
  public var expertParallel: Int

  public init(
    tensorParallel: Int = 1, pipelineParallel: Int = 1, contextParallel: Int = 1,
    virtualStages: Int = 1, sequenceParallel: Bool = false, pipelineLayers: [Int]? = nil,
    expertParallel: Int = 1
  ) {
    self.tensorParallel = tensorParallel
    self.pipelineParallel = pipelineParallel
    self.contextParallel = contextParallel
    self.virtualStages = virtualStages
    self.sequenceParallel = sequenceParallel
    self.pipelineLayers = pipelineLayers
    self.expertParallel = expertParallel
  }

  /// T·P·C: the GPUs of one data-parallel replica.
  public var modelParallelGPUs: Int {
    // Each factor is at most `largest`, so the product stays far inside 64 bits.
    tensorParallel * pipelineParallel * contextParallel
  }

  /// Data-parallel degrees D must be multiples of this for E to divide D·C (Megatron places
  /// the expert-parallel ranks inside the data-parallel × context-parallel group).
  public var dataParallelStep: Int {
    var (a, b) = (contextParallel, expertParallel)
    while b != 0 { (a, b) = (b, a % b) }
    return expertParallel / a
  }

  /// True for the layout of a model on one GPU (plus data parallelism).
  public var isTrivial: Bool {
    tensorParallel == 1 && pipelineParallel == 1 && contextParallel == 1 && !sequenceParallel
      && expertParallel == 1
  }

  /// Degrees beyond this are typos, not layouts: it keeps every product of degrees exact.
  public static let largest = 1 << 20

  /// The rules that need no model: each degree in 1…2²⁰, SP only with T > 1 is a note.
  public func validate() throws {
    let degrees: [(Field, Int)] = [
      (.tensorParallel, tensorParallel), (.pipelineParallel, pipelineParallel),
      (.contextParallel, contextParallel), (.virtualStages, virtualStages),
      (.expertParallel, expertParallel),
    ]
    for (field, value) in degrees {
      if value <= 0 { throw PlannerError.notPositive(field, String(value)) }
      if value > Self.largest {
        throw PlannerError.outOfRange(field, String(value), rule: "must be at most \(Self.largest)")
      }
    }
    if let layers = pipelineLayers {
      if layers.count != pipelineParallel {
        throw PlannerError.outOfRange(
          .pipelineLayers, layers.map(String.init).joined(separator: ","),
          rule: "must list one layer count per pipeline stage (\(pipelineParallel))")
      }
      if let bad = layers.first(where: { $0 <= 0 }) {
        throw PlannerError.outOfRange(
          .pipelineLayers, String(bad), rule: "must give every stage at least one layer")
      }
      if virtualStages > 1 {
        throw PlannerError.unsupported(
          .pipelineLayers, layers.map(String.init).joined(separator: ","),
          reason: "an uneven split cannot be interleaved; drop --virtual-stages")
      }
    }
  }

  /// The layers each pipeline stage holds (all of its chunks), checked against the model's L.
  /// Without a given split: even when P·V divides L; with V = 1 the most even split, the
  /// stages that also hold the embedding and the LM head taking the smaller shares.
  public func stageLayers(numLayers l: Int) throws -> [Int] {
    let p = pipelineParallel
    if let given = pipelineLayers {
      let total = given.reduce(0) { $0 + $1 }  // each ≤ L after the check below
      guard given.allSatisfy({ $0 <= l }), total == l else {
        throw PlannerError.outOfRange(
          .pipelineLayers, given.map(String.init).joined(separator: ","),
          rule: "must add up to the model's \(l) layers")
      }
      return given
    }
    if p > l {
      throw PlannerError.outOfRange(
        .pipelineParallel, String(p), rule: "must be at most the model's \(l) layers")
    }
    if virtualStages > 1 {
      let chunks = p * virtualStages
      guard chunks <= l, l % chunks == 0 else {
        throw PlannerError.outOfRange(
          .virtualStages, String(virtualStages),
          rule:
            "needs the model's \(l) layers to divide into pipeline stages × virtual stages (\(p) × \(virtualStages))"
        )
      }
      return Array(repeating: l / p, count: p)
    }
    let (base, extra) = (l / p, l % p)
    // The extra layers go to the middle stages first, then to the ends.
    let order = p > 2 ? Array(1..<(p - 1)) + [0, p - 1] : Array(0..<p)
    var layers = Array(repeating: base, count: p)
    for stage in order.prefix(extra) { layers[stage] += 1 }
    return layers
  }

  /// Micro-batches stage k holds in flight under 1F1B: min(m, P − k).
  public func inFlight(stage k: Int, microBatches m: Int) -> Int {
    min(m, pipelineParallel - k)
  }
}
