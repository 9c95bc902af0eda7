/// A strict RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF records. It
/// throws on anything else, so a torn row cannot pass for a complete one.
public enum CSVReader {
  public static func parse(_ text: String) throws -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" {
            field.unicodeScalars.append("\"")
            chars.removeFirst()
          } else {
            quoted = false
          }
        } else {
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" && field.isEmpty {
        quoted = true
      } else if c == "," {
        record.append(field)
        field = ""
      } else if c == "\r" && chars.first == "\n" {
        chars.removeFirst()
        record.append(field)
        records.append(record)
        (record, field) = ([], "")
      } else if c == "\n" || c == "\r" || c == "\"" {
        throw Failure("malformed CSV near record \(records.count + 1)")
      } else {
        field.unicodeScalars.append(c)
      }
    }
    if quoted { throw Failure("unterminated quote") }
    if !field.isEmpty || !record.isEmpty { throw Failure("last record does not end with CRLF") }
    return records
  }
}
