import ArgumentParser
import Storage

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Shell completion of saved names: the shell asks the binary (`CompletionKind.custom`),
/// which reads the database the command line would use (`--db`, else TRAINPLAN_DB, else the
/// default). It never creates a database and never fails: no names is the worst answer.
enum NameCompletion {
  /// The kinds of saved records whose names complete.
  enum Kind { case model, gpu, cluster }

  static let models = CompletionKind.custom { words, _, prefix in
    complete(.model, words: words, prefix: prefix)
  }
  static let gpus = CompletionKind.custom { words, _, prefix in
    complete(.gpu, words: words, prefix: prefix)
  }
  static let clusters = CompletionKind.custom { words, _, prefix in
    complete(.cluster, words: words, prefix: prefix)
  }
  /// For comma-separated lists (`--models a,b,`): completes the last item.
  static let modelLists = CompletionKind.custom { words, _, prefix in
    completeList(.model, words: words, prefix: prefix)
  }
  static let gpuLists = CompletionKind.custom { words, _, prefix in
    completeList(.gpu, words: words, prefix: prefix)
  }

  static func complete(
    _ kind: Kind, words: [String], prefix: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [String] {
    names(kind, database: database(words, environment: environment)).filter {
      $0.hasPrefix(prefix)
    }
  }

  static func completeList(
    _ kind: Kind, words: [String], prefix: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [String] {
    let done = prefix.lastIndex(of: ",").map { String(prefix[...$0]) } ?? ""
    let last = String(prefix.dropFirst(done.count))
    return complete(kind, words: words, prefix: last, environment: environment).map { done + $0 }
  }

  /// The database `words` (the command line so far) would open: a server's, or a file that
  /// exists (completing never creates one).
  static func database(_ words: [String], environment: [String: String]) -> DatabaseLocation? {
    var explicit: String?
    for (i, word) in words.enumerated() {
      if word == "--db", i + 1 < words.count { explicit = words[i + 1] }
      if word.hasPrefix("--db=") { explicit = String(word.dropFirst(5)) }
    }
    guard let location = try? DatabaseLocation(explicit: explicit, environment: environment),
      location.server != nil || FileManager.default.fileExists(atPath: location.path)
    else { return nil }
    return location
  }

  /// The names saved in `database`, read without writing: a server's is opened read-only, as
  /// its migrations and presets are another command's to apply.
  static func names(_ kind: Kind, database: DatabaseLocation?) -> [String] {
    guard let database else { return [] }
    let opened =
      database.server != nil
      ? try? Store(location: database, readOnly: true)
      : try? Store(path: database.path, seedPresets: false)
    guard let store = opened else { return [] }
    switch kind {
    case .model: return (try? store.models().map(\.config.name)) ?? []
    case .gpu: return (try? store.gpus().map(\.profile.name)) ?? []
    case .cluster: return (try? store.clusterNames()) ?? []
    }
  }
}
