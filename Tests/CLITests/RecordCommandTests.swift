import Foundation
import TestSupport
import Testing

@Suite struct RecordCommandTests {
  let cli = TrainplanRunner()

  @Test func modelAddListShowRemove() throws {
    let add = try cli.run(
      "model add tiny --vocab-size 32000 --context-length 2048 --layers 4 --d-model 512 --heads 8 --kv-heads 2 --ffn gelu --tied-embeddings"
    )
    #expect(add.status == 0, "\(add.stderr)")
    let shown = try cli.json("model show tiny --json")
    #expect(value(shown, "name") as? String == "tiny")
    #expect(int(shown, "vocab_size") == 32_000)
    #expect(int(shown, "context_length") == 2_048)
    #expect(int(shown, "num_layers") == 4)
    #expect(int(shown, "d_model") == 512)
    #expect(int(shown, "num_heads") == 8)
    #expect(int(shown, "num_kv_heads") == 2)
    #expect(int(shown, "d_ff") == 2_048)
    #expect(value(shown, "ffn") as? String == "gelu")
    #expect(value(shown, "tied_embeddings") as? Bool == true)
    let list = try #require(try cli.json("model list --json") as? [[String: Any]])
    #expect(list.contains { $0["name"] as? String == "tiny" })
    #expect(list.contains { $0["name"] as? String == "gpt2-xl" })
    #expect(try cli.run("model remove tiny").status == 0)
    #expect(try cli.run("model show tiny").status != 0)
  }

  @Test func gpuAddAcceptsUnits() throws {
    let cases = [
      ("80GiB", 85_899_345_920), ("80GB", 80_000_000_000), ("81920MiB", 85_899_345_920),
      ("512MB", 512_000_000), ("1234", 1_234),
    ]
    for (i, (typed, bytes)) in cases.enumerated() {
      let r = try cli.run(["gpu", "add", "g\(i)", "--memory", typed, "--fp32-tflops", "10"])
      #expect(r.status == 0, "\(r.stderr)")
      #expect(int(try cli.json(["gpu", "show", "g\(i)", "--json"]), "memory_bytes") == bytes)
    }
  }

  @Test func gpuJSONHasTheContractFields() throws {
    let gpu = try cli.json("gpu show h100-sxm --json")
    for key in [
      "name", "memory_bytes", "fp32_tflops", "tf32_tflops", "bf16_tflops", "fp16_tflops",
      "fp8_tflops", "price_per_hour", "power_watts", "source",
    ] {
      #expect(value(gpu, key) != nil, "missing \(key)")
    }
    #expect(double(gpu, "bf16_tflops") == 989.5)
    let all = try #require(try cli.json("gpu list --json") as? [[String: Any]])
    #expect(all.count == 16)
  }

  @Test func replaceOverwritesAndDuplicateRefuses() throws {
    let add = "gpu add mine --memory 24GiB --fp32-tflops 80"
    #expect(try cli.run(add).status == 0)
    let again = try cli.run(add)
    #expect(again.status != 0)
    #expect(again.stderr.contains("--replace"))
    #expect(try cli.run(add.replacingOccurrences(of: "80", with: "90") + " --replace").status == 0)
    #expect(double(try cli.json("gpu show mine --json"), "fp32_tflops") == 90)
  }

  @Test func tablesArePlainWhenPiped() throws {
    let r = try cli.run("gpu list")
    let header = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
    #expect(header.split(separator: "\t").first == "name")
    #expect(!r.stdout.contains("  "))
  }
}
