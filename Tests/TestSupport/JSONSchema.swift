import Foundation

/// A validator for the subset of JSON Schema (2020-12) that `schemas/` uses: `type` (one or a
/// list), `properties`, `required`, `additionalProperties` (false or a schema), `items`,
/// `enum`, `const`, `minimum`, `oneOf`, `$ref` to another file of the folder or to `#/$defs/…`.
/// Keywords it does not know fail the validation, so a schema cannot silently check less
/// than it says.
public struct JSONSchemaValidator {
  let folder: URL
  private var files: [String: [String: Any]] = [:]

  /// Loads every `*.schema.json` of `folder`.
  public init(folder: URL) throws {
    self.folder = folder
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path)
    where name.hasSuffix(".schema.json") {
      let data = try Data(contentsOf: folder.appendingPathComponent(name))
      guard let schema = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw Failure("\(name) is not a JSON object")
      }
      files[name] = schema
    }
  }

  public var schemaNames: [String] { files.keys.sorted() }

  /// The problems of `instance` against the schema file `name`; empty when it is valid.
  public func problems(_ instance: Any, against name: String) -> [String] {
    guard let schema = files[name] else { return ["no schema \(name)"] }
    var out: [String] = []
    check(instance, schema, file: name, at: "$", into: &out)
    return out
  }

  /// Parses `text` as JSON and validates it.
  public func problems(json text: String, against name: String) -> [String] {
    guard
      let value = try? JSONSerialization.jsonObject(
        with: Data(text.utf8), options: [.fragmentsAllowed])
    else { return ["not JSON: \(text.prefix(200))"] }
    return problems(value, against: name)
  }

  static let known: Set<String> = [
    "$schema", "$id", "$defs", "$ref", "title", "description", "deprecated", "type",
    "properties", "required", "additionalProperties", "items", "enum", "const", "minimum",
    "oneOf", "examples", "pattern",
  ]

  private func check(
    _ value: Any, _ schema: [String: Any], file: String, at path: String, into out: inout [String]
  ) {
    for key in schema.keys where !Self.known.contains(key) {
      out.append("\(file): unsupported keyword \(key) at \(path)")
    }
    if let ref = schema["$ref"] as? String {
      guard let (target, targetFile) = resolve(ref, from: file) else {
        out.append("\(path): unresolved $ref \(ref)")
        return
      }
      check(value, target, file: targetFile, at: path, into: &out)
    }
    if let types = schema["type"] {
      let allowed = (types as? [String]) ?? [types as? String ?? ""]
      let actual = Self.type(of: value)
      let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
      if !ok {
        out.append("\(path): \(actual) where \(allowed.joined(separator: "|")) is expected")
        return
      }
    }
    if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
      out.append("\(path): \(value) is not one of \(options)")
    }
    if let constant = schema["const"], !Self.equal(constant, value) {
      out.append("\(path): \(value) is not \(constant)")
    }
    if let minimum = schema["minimum"] as? NSNumber, let number = value as? NSNumber,
      Self.type(of: value) != "boolean", number.doubleValue < minimum.doubleValue
    {
      out.append("\(path): \(number) is below \(minimum)")
    }
    if let pattern = schema["pattern"] as? String, let text = value as? String,
      text.range(of: pattern, options: .regularExpression) == nil
    {
      out.append("\(path): '\(text)' does not match \(pattern)")
    }
    if let choices = schema["oneOf"] as? [[String: Any]] {
      let passing = choices.filter { choice in
        var scratch: [String] = []
        check(value, choice, file: file, at: path, into: &scratch)
        return scratch.isEmpty
      }
      if passing.count != 1 {
        out.append("\(path): matches \(passing.count) of the oneOf choices, not exactly one")
      }
    }
    if let object = value as? [String: Any] { checkObject(object, schema, file, path, &out) }
    if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
      for (i, item) in array.enumerated() {
        check(item, items, file: file, at: "\(path)[\(i)]", into: &out)
      }
    }
  }

  private func checkObject(
    _ object: [String: Any], _ schema: [String: Any], _ file: String, _ path: String,
    _ out: inout [String]
  ) {
    let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
    for key in schema["required"] as? [String] ?? [] where object[key] == nil {
      out.append("\(path): missing required \(key)")
    }
    for (key, member) in object {
      if let property = properties[key] {
        check(member, property, file: file, at: "\(path).\(key)", into: &out)
      } else if let extra = schema["additionalProperties"] {
        if let allowed = extra as? Bool, !allowed, schema["properties"] != nil {
          out.append("\(path): unexpected key \(key) (add it to \(file))")
        } else if let extraSchema = extra as? [String: Any] {
          check(member, extraSchema, file: file, at: "\(path).\(key)", into: &out)
        }
      }
    }
  }

  private func resolve(_ ref: String, from file: String) -> ([String: Any], String)? {
    let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
    let targetFile = parts[0].isEmpty ? file : String(parts[0])
    guard var node = files[targetFile] else { return nil }
    if parts.count == 2 {
      for component in parts[1].split(separator: "/") {
        guard let next = node[String(component)] as? [String: Any] else { return nil }
        node = next
      }
    }
    return (node, targetFile)
  }

  /// The JSON type of a value JSONSerialization produced (bools are their own class on Linux).
  static func type(of value: Any) -> String {
    switch value {
    case is NSNull: return "null"
    case is String: return "string"
    case is [Any]: return "array"
    case is [String: Any]: return "object"
    case let number as NSNumber:
      if String(describing: Swift.type(of: number)).contains("Boolean") { return "boolean" }
      let code = String(cString: number.objCType)
      return code == "d" || code == "f" ? "number" : "integer"
    default: return "unknown"
    }
  }

  static func equal(_ a: Any, _ b: Any) -> Bool {
    if let x = a as? String, let y = b as? String { return x == y }
    if let x = a as? NSNumber, let y = b as? NSNumber {
      return x == y && type(of: a) == type(of: b)
    }
    return a is NSNull && b is NSNull
  }
}
