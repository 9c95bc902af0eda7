/// One chart as an `<svg>` element, written by hand: a title, shapes, text. Every value
/// that comes from the user is escaped here, once.
struct SVG {
  let id: String
  let title: String
  let width: Double
  var height: Double
  private(set) var body = ""

  init(id: String, title: String, width: Double, height: Double) {
    self.id = id
    self.title = title
    self.width = width
    self.height = height
  }

  typealias Attributes = [(String, String)]

  mutating func rect(
    x: Double, y: Double, width: Double, height: Double, class cls: String,
    _ attributes: Attributes = [], tooltip: String? = nil
  ) {
    let geometry: Attributes = [
      ("x", NumberFormat.px(x)), ("y", NumberFormat.px(y)),
      ("width", NumberFormat.px(max(0, width))), ("height", NumberFormat.px(height)),
    ]
    element("rect", [("class", cls)] + geometry + attributes, tooltip: tooltip)
  }

  mutating func circle(
    x: Double, y: Double, r: Double, class cls: String, _ attributes: Attributes = [],
    tooltip: String? = nil
  ) {
    let geometry: Attributes = [
      ("cx", NumberFormat.px(x)), ("cy", NumberFormat.px(y)), ("r", NumberFormat.px(r)),
    ]
    element("circle", [("class", cls)] + geometry + attributes, tooltip: tooltip)
  }

  mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, class cls: String) {
    element(
      "line",
      [
        ("class", cls), ("x1", NumberFormat.px(x1)), ("y1", NumberFormat.px(y1)),
        ("x2", NumberFormat.px(x2)), ("y2", NumberFormat.px(y2)),
      ], tooltip: nil)
  }

  enum Anchor: String { case start, middle, end }

  mutating func text(
    _ content: String, x: Double, y: Double, class cls: String = "label",
    anchor: Anchor = .start, _ attributes: Attributes = []
  ) {
    body +=
      "<text"
      + Self.attributes(
        [("class", cls), ("x", NumberFormat.px(x)), ("y", NumberFormat.px(y))]
          + (anchor == .start ? [] : [("text-anchor", anchor.rawValue)]) + attributes)
    body += ">" + HTML.escape(content) + "</text>\n"
  }

  /// A vertical axis title, rotated.
  mutating func verticalText(_ content: String, x: Double, y: Double, class cls: String) {
    text(
      content, x: x, y: y, class: cls, anchor: .middle,
      [("transform", "rotate(-90 \(NumberFormat.px(x)) \(NumberFormat.px(y)))")])
  }

  mutating func open(group cls: String, _ attributes: Attributes = [], tooltip: String? = nil) {
    body += "<g" + Self.attributes([("class", cls)] + attributes) + ">"
    if let tooltip { body += "<title>" + HTML.escape(tooltip) + "</title>" }
    body += "\n"
  }

  mutating func close() { body += "</g>\n" }

  private mutating func element(_ name: String, _ attributes: Attributes, tooltip: String?) {
    body += "<" + name + Self.attributes(attributes)
    if let tooltip {
      body += "><title>" + HTML.escape(tooltip) + "</title></" + name + ">\n"
    } else {
      body += "/>\n"
    }
  }

  static func attributes(_ list: Attributes) -> String {
    list.map { " \($0.0)=\"\(HTML.escape($0.1))\"" }.joined()
  }

  func render() -> String {
    let w = NumberFormat.px(width)
    let h = NumberFormat.px(height)
    return "<svg id=\"\(id)\" class=\"chart\" role=\"img\""
      + " aria-labelledby=\"\(id)-title\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\">\n"
      + "<title id=\"\(id)-title\">\(HTML.escape(title))</title>\n"
      + "<text class=\"chart-title\" x=\"0\" y=\"18\">\(HTML.escape(title))</text>\n"
      + body + "</svg>\n"
  }
}

/// A legend row: a swatch and a name per series, from the left.
extension SVG {
  mutating func legend(_ items: [(cls: String, name: String)], x: Double, y: Double) {
    var left = x
    for item in items {
      rect(x: left, y: y - 10, width: 12, height: 12, class: "swatch " + item.cls)
      text(item.name, x: left + 16, y: y, class: "legend")
      left += 16 + Double(item.name.count) * 7 + 18
    }
  }
}
