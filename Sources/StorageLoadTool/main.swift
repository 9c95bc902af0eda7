import Foundation
import Planner
import Storage

// A test helper, not part of trainplan: writes plans into a database through the Storage
// layer, so tests can run it as many separate processes or kill it midway.
//
//   StorageLoadTool DB single N   N plans, one transaction each
//   StorageLoadTool DB batch N    N plans in one transaction (prints "started" first)
//   StorageLoadTool DB import SRC imports SRC's history in one transaction (prints "started"
//                                 at its first plan, then goes on)
//   StorageLoadTool DB query SQL  runs SQL on an existing file without migrating or seeding it
//                                 and prints each row's columns tab-separated (the reliability
//                                 tests' integrity checks, where no sqlite3 shell is installed)

func text(_ value: DatabaseValue) -> String {
  switch value {
  case .null: return "NULL"
  case .integer(let i): return String(i)
  case .real(let d): return String(d)
  case .text(let s): return s
  }
}

/// The rows of `sql`; the connection closes on return, so a write is checkpointed.
func query(_ path: String, _ sql: String) throws -> [String] {
  let db = try Database(path: path, create: false)
  return try db.retryingWhenBusy {
    try db.fetch(sql) { row in
      (0..<row.columnCount).map { text(row.value(at: $0)) }.joined(separator: "\t")
    }
  }
}

let args = CommandLine.arguments
if args.count == 4 && args[2] == "query" {
  do {
    for row in try query(args[1], args[3]) { print(row) }
    exit(0)
  } catch {
    FileHandle.standardError.write(Data("StorageLoadTool: \(error)\n".utf8))
    exit(1)
  }
}

if args.count == 4 && args[2] == "import" {
  do {
    let store = try Store(path: args[1])
    let source = try Store(readingOnly: args[3], reason: .requested)
    var started = false
    _ = try store.importHistory(from: source) {
      if !started { FileHandle.standardOutput.write(Data("started\n".utf8)) }
      started = true
    }
    exit(0)
  } catch {
    FileHandle.standardError.write(Data("StorageLoadTool: \(error)\n".utf8))
    exit(1)
  }
}

guard args.count == 4, let count = Int(args[3]), ["single", "batch"].contains(args[2]) else {
  FileHandle.standardError.write(Data("usage: StorageLoadTool DB single|batch N\n".utf8))
  exit(2)
}

do {
  let store = try Store(path: args[1])
  let model = try store.model(named: "seed-gpt2-small").config
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
