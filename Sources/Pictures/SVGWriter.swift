/// Builds an SVG document as text: elements with attributes in the order
/// given, integer coordinates only, so that the same picture is always the
/// same bytes.
struct SVGWriter {
  /// The document so far.
  private(set) var text = ""

  /// Opens the document, `width` × `height` pixels, white background.
  init(width: Int, height: Int, title: String) {
    text += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    text +=
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
      + "viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
    text += "<title>\(XMLText.escape(title))</title>\n"
    element("rect", ["x": "0", "y": "0", "width": "\(width)", "height": "\(height)", "fill": "#ffffff"])
  }

  /// One element; `content` is text (escaped here) or nil for an empty element.
  mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text content: String? = nil, tooltip: String? = nil) {
    text += "<\(name)"
    for (key, value) in attributes { text += " \(key)=\"\(XMLText.escape(value))\"" }
    guard content != nil || tooltip != nil else {
      text += "/>\n"
      return
    }
    text += ">"
    if let tooltip { text += "<title>\(XMLText.escape(tooltip))</title>" }
    if let content { text += XMLText.escape(content) }
    text += "</\(name)>\n"
  }

  /// Raw markup written by this module (definitions, groups).
  mutating func raw(_ markup: String) { text += markup + "\n" }

  /// Closes the document.
  mutating func finish() -> String {
    text += "</svg>\n"
    return text
  }
}
