import Foundation
import TestSupport
import Testing

@testable import CLI

/// `cluster add/list/show/set/remove/restore` and `gpu … --memory-bandwidth`, end to end through
/// the built binary; the rate and latency units in-process.
@Suite struct ClusterCommandTests {
  let cli = TrainplanRunner()

  @Test func ratesReadTheirUnits() throws {
    #expect(try Bandwidth.parse("300GB/s") == 300e9)
    #expect(try Bandwidth.parse("2400Gb/s") == 300e9)
    #expect(try Bandwidth.parse(" 200 Gb/s ") == 25e9)
    #expect(try Bandwidth.parse("25GiB/s") == 25 * 1_073_741_824)
    #expect(try Bandwidth.parse("864MB/s") == 864e6)
    #expect(try Bandwidth.parse("3.35TB/s") == 3.35e12)
    #expect(abs(try Bandwidth.parse("1.6Tb/s") - 200e9) < 1)
    #expect(try Bandwidth.parse("1e3GB/s") == 1e12)
    #expect(try Bandwidth.parse("0GB/s") == 0)  // refused later, by the planner's rule
    #expect(try Latency.parse("10us") == 10e-6)
    #expect(try Latency.parse("10µs") == 10e-6)
    #expect(try Latency.parse("0.02ms") == 20e-6)
    #expect(try Latency.parse("800ns") == 800e-9)
    #expect(try Latency.parse("1s") == 1)
    #expect(try Latency.parse("0us") == 0)
    #expect(try WholeNumber.parse("72") == 72)
  }

  @Test(arguments: [
    "300", "300GB", "300G/s", "300Gib/s", "300 GiBs", "300XB/s", "0x10GB/s", "1_000GB/s", "nan",
    "inf GB/s", "1e400GB/s", "GB/s",
  ])
  func badRatesAreRefused(_ text: String) {
    #expect(throws: (any Error).self) { try Bandwidth.parse(text) }
  }

  @Test(arguments: ["10", "10m", "10 min", "1_0us", "us", "0x1us", "1e400s"])
  func badLatenciesAreRefused(_ text: String) {
    #expect(throws: (any Error).self) { try Latency.parse(text) }
  }

  @Test func shownWithTheirUnits() {
    #expect(Units.linkBandwidth(300e9) == "300 GB/s (2,400 Gb/s)")
    #expect(Units.linkBandwidth(25e9) == "25 GB/s (200 Gb/s)")
    #expect(Units.bandwidth(2_039e9) == "2,039 GB/s")
    #expect(Units.latency(10e-6) == "10 us")
    #expect(Units.latency(1.5e-3) == "1.5 ms")
    #expect(Units.latency(800e-9) == "800 ns")
  }

  @Test func addShowListSetRemoveRestore() throws {
    let add = try cli.run(
      "cluster add mine --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 3600Gb/s --inter-node-bandwidth 25GiB/s --inter-node-latency 30us --source paper"
    )
    #expect(add.status == 0, "\(add.stderr)")
    #expect(add.stdout.contains("450 GB/s (3,600 Gb/s)"))
    let shown = try cli.json("cluster show mine --json")
    #expect(value(shown, "gpu_name") as? String == "h100-sxm")
    #expect(value(shown, "gpu_removed") as? Bool == false)
    #expect(int(shown, "gpus_per_node") == 8)
    #expect(double(shown, "intra_node_bandwidth_bytes_per_second") == 450e9)
    #expect(double(shown, "inter_node_bandwidth_bytes_per_second") == Double(25 * 1_073_741_824))
    #expect(double(shown, "intra_node_latency_seconds") == 10e-6)
    #expect(double(shown, "inter_node_latency_seconds") == 30e-6)
    #expect(value(shown, "source") as? String == "paper")
    let text = try cli.run("cluster show mine")
    #expect(text.stdout.contains("450 GB/s (3,600 Gb/s) per GPU per direction"))
    #expect(text.stdout.contains("30 us"))

    let list = try #require(try cli.json("cluster list --json") as? [[String: Any]])
    #expect(list.count == 9)
    #expect(
      list.contains { $0["name"] as? String == "gb200-nvl72" && $0["gpus_per_node"] as? Int == 72 })

    let before = try #require(try cli.json("cluster show mine --json") as? [String: Any])
    let set = try cli.run("cluster set mine --inter-node-bandwidth 400Gb/s")
    #expect(set.status == 0, "\(set.stderr)")
    let after = try #require(try cli.json("cluster show mine --json") as? [String: Any])
    #expect(double(after, "inter_node_bandwidth_bytes_per_second") == 50e9)
    for key in before.keys
    where !["inter_node_bandwidth_bytes_per_second", "updated_at"].contains(key) {
      #expect("\(before[key]!)" == "\(after[key]!)", "\(key) changed")
    }

    #expect(try cli.run("cluster remove mine").status == 0)
    #expect(try cli.run("cluster show mine").status != 0)
    let original = try cli.json("cluster show dgx-h100 --json")
    #expect(try cli.run("cluster remove dgx-h100").status == 0)
    let restored = try cli.run("cluster restore dgx-h100")
    #expect(restored.status == 0, "\(restored.stderr)")
    let back = try cli.json("cluster show dgx-h100 --json")
    for key in ["gpu_name", "gpus_per_node", "intra_node_bandwidth_bytes_per_second", "source"] {
      #expect("\(value(original, key)!)" == "\(value(back, key)!)", "\(key)")
    }
  }

  @Test func aClusterWhoseGPUWasRemovedSaysSo() throws {
    #expect(try cli.run("gpu remove b200").status == 0)
    let shown = try cli.run("cluster show dgx-b200")
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.contains("b200: removed"))
    #expect(value(try cli.json("cluster show dgx-b200 --json"), "gpu_removed") as? Bool == true)
    #expect(try cli.run("cluster list").stdout.contains("b200 (removed)"))
    let set = try cli.run("cluster set dgx-b200 --inter-node-bandwidth 100GB/s")
    #expect(set.status != 0)
    #expect(set.stderr.contains("its GPU 'b200' was removed; restore it"))
    #expect(try cli.run("cluster set dgx-b200 --gpu h200").status == 0)
    #expect(value(try cli.json("cluster show dgx-b200 --json"), "gpu_removed") as? Bool == false)
  }

  @Test func gpusTakeTheirMemoryBandwidth() throws {
    let add = try cli.run(
      "gpu add mine --memory 80GiB --fp32-tflops 19.5 --memory-bandwidth 2039GB/s")
    #expect(add.status == 0, "\(add.stderr)")
    #expect(
      double(try cli.json("gpu show mine --json"), "memory_bandwidth_bytes_per_second") == 2_039e9)
    #expect(try cli.run("gpu show mine").stdout.contains("memory bandwidth  2,039 GB/s"))
    #expect(try cli.run("gpu set mine --memory-bandwidth 3.35TB/s").status == 0)
    #expect(
      double(try cli.json("gpu show mine --json"), "memory_bandwidth_bytes_per_second") == 3.35e12)
    #expect(
      double(try cli.json("gpu show h100-sxm --json"), "memory_bandwidth_bytes_per_second")
        == 3.35e12)
    let plan = try cli.json("plan seed-gpt2-small a100-80gb --json")
    #expect(double(plan, "gpu.memory_bandwidth_bytes_per_second") == 2_039e9)
    let none = try cli.run("gpu add bare --memory 1GiB --fp32-tflops 1")
    #expect(none.status == 0)
    #expect(
      value(try cli.json("gpu show bare --json"), "memory_bandwidth_bytes_per_second") is NSNull)
  }

  static let refused: [String] = [
    "cluster add x --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 0GB/s --inter-node-bandwidth 25GB/s",
    "cluster add x --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth -1GB/s --inter-node-bandwidth 25GB/s",
    "cluster add x --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 300 --inter-node-bandwidth 25GB/s",
    "cluster add x --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 300GB/s --inter-node-bandwidth 1e400GB/s",
    "cluster add x --gpu h100-sxm --gpus-per-node 0 --intra-node-bandwidth 300GB/s --inter-node-bandwidth 25GB/s",
    "cluster add x --gpu h100-sxm --gpus-per-node 8.5 --intra-node-bandwidth 300GB/s --inter-node-bandwidth 25GB/s",
    "cluster add x --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 300GB/s --inter-node-bandwidth 25GB/s --intra-node-latency -1us",
    "cluster add x --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 300GB/s --inter-node-bandwidth 25GB/s --inter-node-latency 20",
    "cluster add x --gpu h1000 --gpus-per-node 8 --intra-node-bandwidth 300GB/s --inter-node-bandwidth 25GB/s",
    "cluster add a,b --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 300GB/s --inter-node-bandwidth 25GB/s",
    "cluster add dgx-h100 --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 300GB/s --inter-node-bandwidth 25GB/s",
    "cluster add x --gpu h100-sxm --gpus-per-node 8 --intra-node-bandwidth 300GB/s",
    "cluster set dgx-h100",
    "cluster set dgx-h100 --inter-node-bandwidth 0Gb/s",
    "cluster set dgx-h100 --gpu nope",
    "cluster set nope --inter-node-bandwidth 1GB/s",
    "cluster remove nope",
    "cluster restore dgx-h100",
    "cluster restore nope",
    "gpu add g --memory 1GiB --fp32-tflops 1 --memory-bandwidth 0GB/s",
    "gpu add g --memory 1GiB --fp32-tflops 1 --memory-bandwidth 2039",
    "gpu set a100-80gb --memory-bandwidth -1TB/s",
  ]

  @Test func refusalsAreOneLineAndChangeNothing() throws {
    try cli.run("cluster list")
    try cli.expectRefusedChangingNothing(Self.refused)
    let zero = try cli.run(Self.refused[0])
    #expect(zero.stderr.contains("--intra-node-bandwidth must be positive"))
    let latency = try cli.run(Self.refused[6])
    #expect(latency.stderr.contains("--intra-node-latency must not be negative"))
  }
}
