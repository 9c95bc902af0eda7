import ArgumentParser
import Planner

/// A mixture-of-experts feed-forward and a head width, as `model add` takes them.
struct ExpertOptions: ParsableArguments {
  @Option(
    name: .customLong("experts"),
    parsing: .unconditional, help: "Routed experts E (a mixture of experts; default: dense).",
    transform: Count.parse)
  var experts: Int?
  @Option(
    name: .customLong("top-k"), parsing: .unconditional, help: "Experts per token k.",
    transform: Count.parse)
  var topK: Int?
  @Option(
    name: .customLong("shared-experts"), parsing: .unconditional,
    help: "Shared experts. (default: 0)", transform: Count.parse)
  var sharedExperts: Int = 0
  @Option(
    name: .customLong("expert-ffn"),
    parsing: .unconditional, help: "Each expert's feed-forward width (moe_intermediate_size).",
    transform: Count.parse)
  var expertFfn: Int?
  @Option(
    name: .customLong("first-dense-layers"),
    parsing: .unconditional, help: "Leading layers with a dense feed-forward. (default: 0)",
    transform: Count.parse)
  var firstDenseLayers: Int = 0
  @Option(
    name: .customLong("moe-every"),
    parsing: .unconditional, help: "Every n-th layer after them is MoE. (default: 1)",
    transform: Count.parse)
  var moeEvery: Int = 1
  @Flag(name: .customLong("router-bias"), help: "The router has a bias.") var routerBias = false
  @Option(
    name: .customLong("head-dim"),
    parsing: .unconditional, help: "Each head's width, when not d_model / heads.",
    transform: Count.parse)
  var headDim: Int?

  func apply(to config: inout ModelConfig) throws {
    config.headDim = headDim
    guard let experts else {
      if topK != nil || expertFfn != nil || sharedExperts != 0 {
        throw CLIError(
          "--top-k, --expert-ffn and --shared-experts describe experts; give --experts")
      }
      return
    }
    guard let topK else { throw CLIError("--experts needs --top-k, the experts each token uses") }
    config.experts = Experts(
      count: experts, topK: topK, shared: sharedExperts, ffn: expertFfn ?? config.dFF,
      firstDenseLayers: firstDenseLayers, every: moeEvery, routerBias: routerBias)
  }
}
