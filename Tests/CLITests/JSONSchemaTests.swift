import Foundation
import TestSupport
import Testing

/// Every command's `--json` output against its schema in the top-level `schemas/` folder.
/// The schemas forbid keys they do not list, so a key added without its schema fails here.
@Suite struct JSONSchemaTests {
  let cli = TrainplanRunner()
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schemas")

  func expectValid(
    _ args: String, _ schema: String, sourceLocation: SourceLocation = #_sourceLocation
  )
    throws
  {
    let validator = try JSONSchemaValidator(folder: Self.folder)
    let r = try cli.run(args)
    #expect(r.status == 0, "\(args): \(r.stderr)", sourceLocation: sourceLocation)
    let problems = validator.problems(json: r.stdout, against: schema)
    #expect(problems.isEmpty, "\(args): \(problems)", sourceLocation: sourceLocation)
  }

  @Test func everyCommandsJSONMatchesItsSchema() throws {
    try expectValid("model list --json", "model-list.schema.json")
    try expectValid("model show gpt2-xl --json", "model.schema.json")
    try expectValid("gpu list --json", "gpu-list.schema.json")
    try expectValid("gpu show h100-sxm --json", "gpu.schema.json")
    try expectValid("gpu show gb200 --json", "gpu.schema.json")
    try expectValid("cluster list --json", "cluster-list.schema.json")
    try expectValid("cluster show gb200-nvl72 --json", "cluster.schema.json")
    _ = try cli.run("gpu remove h200")
    try expectValid("cluster show hgx-h200 --json", "cluster.schema.json")
    try expectValid("cluster list --json", "cluster-list.schema.json")
    try expectValid("plan gpt2-xl a100-80gb --json", "plan.schema.json")
    try expectValid("plan llama-2-7b t4 --method detailed --json", "plan.schema.json")
    try expectValid("plan gpt2-xl a100-80gb --no-save --json", "plan.schema.json")
    try expectValid("fit --json", "fit.schema.json")
    try expectValid("fit --min-gpus --zero 3 --precision bf16 --json", "fit.schema.json")
    try expectValid(
      "sweep --models gpt2-small --gpus a100-80gb --dry-run --json", "sweep.schema.json")
    try expectValid(
      "sweep --models gpt2-small --gpus a100-80gb,t4 --precisions fp32,bf16 --json",
      "sweep.schema.json")
    try expectValid("sweeps --json", "sweeps.schema.json")
    try expectValid("fit --sweep 1 --json", "fit.schema.json")
    try expectValid("plans --json", "plans.schema.json")
    try expectValid("export --format json", "plans.schema.json")
    try expectValid("db --json", "db.schema.json")
    let shared = cli.folder.file("shared.sqlite")
    #expect(try cli.run(["export", "--format", "sqlite", "--output", shared]).status == 0)
    try expectValid("import \(shared) --json", "import.schema.json")
    try expectValid(
      "plan llama-2-7b --cluster dgx-h100 --precision bf16 --num-gpus 16 --tp 2 --pp 2 --global-batch-size 64 --json",
      "plan.schema.json")
    try expectValid(
      "plan llama-2-7b h100-sxm --finetune qlora --lora-targets all-linear --optimizer paged-adamw-8bit --precision bf16 --json",
      "plan.schema.json")
    try expectValid(
      "search llama-2-7b --cluster dgx-h100 --num-gpus 16 --global-batch-size 64 --top 3 --save --json",
      "search.schema.json")
  }

  @Test func theValidatorRejectsWhatTheSchemasForbid() throws {
    let validator = try JSONSchemaValidator(folder: Self.folder)
    #expect(validator.schemaNames.count >= 11)
    let plan = try cli.run("plan gpt2-xl a100-80gb --no-save --json").stdout
    #expect(validator.problems(json: plan, against: "plan.schema.json").isEmpty)
    let extra = plan.replacingOccurrences(of: "\"fits\":", with: "\"fitz\": 1, \"fits\":")
    #expect(!validator.problems(json: extra, against: "plan.schema.json").isEmpty)
    let wrongType = plan.replacingOccurrences(of: "\"fits\": true", with: "\"fits\": 1")
    #expect(!validator.problems(json: wrongType, against: "plan.schema.json").isEmpty)
    let missing = plan.replacingOccurrences(of: "\"parameters\":", with: "\"parameterz\":")
    #expect(!validator.problems(json: missing, against: "plan.schema.json").isEmpty)
  }

  @Test func renamedKeysKeepTheirOldNameMarkedDeprecated() throws {
    let fit = try #require(
      try cli.json("fit --models gpt2-xl --gpus a100-80gb --json") as? [[String: Any]])
    #expect(fit[0]["model_name"] as? String == "gpt2-xl")
    #expect(fit[0]["model"] as? String == "gpt2-xl")
    _ = try cli.run("sweep --models gpt2-small --gpus a100-80gb")
    let sweeps = try #require(try cli.json("sweeps --json") as? [[String: Any]])
    #expect((sweeps[0]["sweep_id"] as? NSNumber) == (sweeps[0]["id"] as? NSNumber))
    let schema = try String(
      contentsOf: Self.folder.appendingPathComponent("fit.schema.json"), encoding: .utf8)
    #expect(schema.contains("\"deprecated\": true"))
  }
}
