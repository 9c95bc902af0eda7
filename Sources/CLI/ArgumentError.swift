/// Why a typed value is not a number of the kind a flag takes; ArgumentParser shows it after
/// "The value 'x' is invalid for '--flag':".
struct ArgumentError: Error, CustomStringConvertible {
  let description: String
}
