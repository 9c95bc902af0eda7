/// Why a config file was refused: one line naming the file and, where one is at fault, the
/// JSON key (`num_key_value_heads`), never a command-line flag the user did not type.
public struct ConfigImportError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file as the user named it.
  public let file: String
  /// The key at fault; nil when the file as a whole is (unreadable, not JSON).
  public let key: String?
  /// The rule, e.g. `key 'vocab_size' must be a whole number (got "12")`.
  public let message: String

  public init(file: String, key: String? = nil, _ message: String) {
    self.file = file
    self.key = key
    self.message = message
  }

  public var description: String { "\(file): \(message)" }
}
