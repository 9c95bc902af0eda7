/// A number format a GPU has a peak throughput for.
public enum NumericFormat: String, Sendable, CaseIterable, Codable {
  case fp32, tf32, bf16, fp16, fp8
}

/// Dense (no sparsity) peak FLOP/s per number format; nil where the GPU has no such unit.
public struct PeakThroughput: Equatable, Hashable, Sendable {
  public var fp32: Double
  public var tf32: Double?
  public var bf16: Double?
  public var fp16: Double?
  public var fp8: Double?

  public init(
    fp32: Double, tf32: Double? = nil, bf16: Double? = nil, fp16: Double? = nil, fp8: Double? = nil
  ) {
    self.fp32 = fp32
    self.tf32 = tf32
    self.bf16 = bf16
    self.fp16 = fp16
    self.fp8 = fp8
  }

  /// Peak FLOP/s in a format, or nil where the GPU lists none.
  public subscript(format: NumericFormat) -> Double? {
    switch format {
    case .fp32: return fp32
    case .tf32: return tf32
    case .bf16: return bf16
    case .fp16: return fp16
    case .fp8: return fp8
    }
  }

  /// Sets the peak in a format.
  public mutating func set(_ format: NumericFormat, _ flops: Double) {
    switch format {
    case .fp32: fp32 = flops
    case .tf32: tf32 = flops
    case .bf16: bf16 = flops
    case .fp16: fp16 = flops
    case .fp8: fp8 = flops
    }
  }

  /// Every listed format with its peak, in `NumericFormat` order.
  public var listed: [(NumericFormat, Double)] {
    NumericFormat.allCases.compactMap { f in self[f].map { (f, $0) } }
  }
}

/// A GPU as the planner sees it.
public struct HardwareProfile: Equatable, Hashable, Sendable {
  public var name: String
  /// Memory in bytes as the device reports it (A100 80GB: 81,920 MiB).
  public var memoryBytes: Int
  /// Bytes the framework keeps for itself (CUDA context, allocator slack); 0 in the seed.
  public var reserveBytes: Int
  public var peak: PeakThroughput
  /// Price per GPU-hour in US dollars, where known.
  public var pricePerHour: Double?
  /// Board power in watts, where known.
  public var powerWatts: Double?
  /// Where the figures come from.
  public var source: String
  /// HBM bandwidth in bytes per second, where known: the optimizer step's memory traffic.
  public var memoryBandwidth: Double?
  /// The link to the host (PCIe, NVLink-C2C), bytes per second each way, where known: what
  /// `--offload` moves. Without it the time model takes PCIe 4.0 x16's 32 GB/s.
  public var hostLinkBandwidth: Double?

  public init(
    name: String = "", memoryBytes: Int, reserveBytes: Int = 0, peak: PeakThroughput,
    pricePerHour: Double? = nil, powerWatts: Double? = nil, source: String = "",
    memoryBandwidth: Double? = nil, hostLinkBandwidth: Double? = nil
  ) {
    self.name = name
    self.memoryBytes = memoryBytes
    self.reserveBytes = reserveBytes
    self.peak = peak
    self.pricePerHour = pricePerHour
    self.powerWatts = powerWatts
    self.source = source
    self.memoryBandwidth = memoryBandwidth
    self.hostLinkBandwidth = hostLinkBandwidth
  }

  /// The dense peak a run in `precision` is timed against: its format's, or fp32's when the
  /// GPU lists none for it (a plan recorded before the check, a step time's fallback).
  public func peakFLOPS(for precision: TrainingPrecision) -> Double {
    peak[precision.format] ?? peak.fp32
  }

  public func validate() throws {
    if memoryBytes <= 0 { throw PlannerError.notPositive(.memoryBytes, String(memoryBytes)) }
    if reserveBytes < 0 { throw PlannerError.negative(.reserveBytes, String(reserveBytes)) }
    if reserveBytes >= memoryBytes {
      throw PlannerError.outOfRange(
        .reserveBytes, String(reserveBytes), rule: "must be less than memory_bytes \(memoryBytes)")
    }
    // Format by format rather than through `peak.listed`: every plan validates its GPU, and
    // the list was an allocation per plan of a sweep.
    for format in NumericFormat.allCases {
      if let value = peak[format] {
        try ExactRange.check(value, .peak(format), scale: 1e12, unit: " TFLOP/s")
      }
    }
    if let price = pricePerHour {
      try ExactRange.check(price, .pricePerHour, unit: " dollars", zeroAllowed: true)
    }
    if let power = powerWatts {
      try ExactRange.check(power, .powerWatts, unit: " W", zeroAllowed: true)
    }
    if let bandwidth = memoryBandwidth {
      try ExactRange.check(bandwidth, .memoryBandwidth, scale: 1e9, unit: " GB/s")
    }
    if let bandwidth = hostLinkBandwidth {
      try ExactRange.check(bandwidth, .hostLinkBandwidth, scale: 1e9, unit: " GB/s")
    }
  }
}
