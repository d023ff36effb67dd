import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A parsed XML document, as FoundationXML's `XMLParser` reads it: every
/// element in document order, with its attributes and its own text.
struct XMLOutline {
  struct Element {
    var name: String
    var attributes: [String: String]
    var text = ""
    var depth: Int
  }

  var elements: [Element] = []

  /// Parses `text`; the parser's error, with line and column, when it is not well formed.
  static func parse(_ text: String) throws -> XMLOutline {
    let delegate = Collector()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = delegate
    guard parser.parse() else {
      throw XMLProblem(
        message: "\(parser.parserError.map { "\($0)" } ?? "not well formed") at \(parser.lineNumber):\(parser.columnNumber)")
    }
    return XMLOutline(elements: delegate.elements)
  }

  func named(_ name: String) -> [Element] { elements.filter { $0.name == name } }

  struct XMLProblem: Error { var message: String }

  private final class Collector: NSObject, XMLParserDelegate {
    var elements: [Element] = []
    var open: [Int] = []

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      open.append(elements.count)
      elements.append(Element(name: elementName, attributes: attributes, depth: open.count - 1))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
      open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if let last = open.last { elements[last].text += string }
    }
  }
}
