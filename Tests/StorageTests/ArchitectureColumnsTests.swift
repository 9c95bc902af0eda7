import Planner
import Testing

@testable import Storage

/// A model's experts and attention variant as their text columns hold them: written and read
/// back alike, and any value no field has is an error naming the column, never a default.
@Suite struct ArchitectureColumnsTests {
  static let base = ModelConfig(
    vocabSize: 1_000, contextLength: 128, numLayers: 4, dModel: 64, numHeads: 4)

  @Test(arguments: [(false, false), (true, false), (true, true)])
  func qkNormsRoundTrip(qkNorm: Bool, whole: Bool) throws {
    var m = Self.base
    m.headDim = 32
    m.qkNorm = qkNorm
    m.qkNormWholeProjection = whole
    var back = Self.base
    try ArchitectureColumns.apply(ArchitectureColumns.attention(m), to: &back, table: "models")
    #expect(back.qkNorm == qkNorm)
    #expect(back.qkNormWholeProjection == whole)
    #expect(back.headDim == 32)
  }

  @Test func sharedExpertGateRoundTrips() throws {
    var e = Experts(count: 8, topK: 2, shared: 1, ffn: 32, firstDenseLayers: 0, every: 1)
    for gate in [false, true] {
      e.sharedExpertGate = gate
      let text = ArchitectureColumns.experts(e)
      #expect(try ArchitectureColumns.experts(text, table: "models") == e)
      // Without the gate the text is the nine numbers rows had before it existed.
      #expect(text?.split(separator: ",").count == (gate ? 10 : 9))
    }
  }

  @Test(arguments: ["32,3,0,,,,,", "32,1,2,,,,,", "32,-1,0,,,,,", "32,1,0,,,,", "x,1,0,,,,,"])
  func damagedAttentionIsAnError(text: String) {
    var m = Self.base
    #expect(throws: StoreError.self) {
      try ArchitectureColumns.apply(text, to: &m, table: "models")
    }
  }
}
