import Foundation
import Planner
import Storage

// A test helper, not part of trainplan: writes plans into a database through the Storage
// layer, so tests can run it as many separate processes or kill it midway.
//
//   StorageLoadTool DB single N   N plans, one transaction each
//   StorageLoadTool DB batch N    N plans in one transaction (prints "started" first)

let args = CommandLine.arguments
guard args.count == 4, let count = Int(args[3]), ["single", "batch"].contains(args[2]) else {
  FileHandle.standardError.write(Data("usage: StorageLoadTool DB single|batch N\n".utf8))
  exit(2)
}

do {
  let store = try Store(path: args[1])
  let model = try store.model(named: "gpt2-small").config
  let gpu = try store.gpu(named: "a100-80gb").profile
  let plan = try Planner.plan(model: model, hardware: gpu, setup: TrainingSetup(microBatchSize: 1))
  if args[2] == "single" {
    for _ in 0..<count { try store.insertPlan(plan) }
  } else {
    FileHandle.standardOutput.write(Data("started\n".utf8))
    try store.insertPlans(Array(repeating: plan, count: count))
  }
} catch {
  FileHandle.standardError.write(Data("StorageLoadTool: \(error)\n".utf8))
  exit(1)
}
