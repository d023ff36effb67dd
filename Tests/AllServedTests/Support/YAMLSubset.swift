import Foundation

/// The subset of YAML that GitHub Actions workflows use, parsed by hand (no
/// packages): block mappings and sequences by indentation, flow sequences
/// `[a, b]`, plain and quoted scalars, `|` literal blocks and comments.
/// Anything else (tabs, anchors, a line indented where nothing can start) is
/// an error with its line number, so a workflow that would not load fails here.
enum YAMLSubset: Equatable {
  case scalar(String)
  case sequence([YAMLSubset])
  case mapping([Entry])

  /// One key of a mapping, in file order.
  struct Entry: Equatable {
    var key: String
    var value: YAMLSubset
  }

  struct Problem: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
  }

  /// The value under `key`, for a mapping.
  subscript(key: String) -> YAMLSubset? {
    guard case .mapping(let entries) = self else { return nil }
    return entries.first { $0.key == key }?.value
  }

  var text: String? { if case .scalar(let text) = self { text } else { nil } }
  var items: [YAMLSubset] { if case .sequence(let items) = self { items } else { [] } }
  var keys: [String] { if case .mapping(let entries) = self { entries.map(\.key) } else { [] } }

  /// Every scalar under `key`, anywhere in the document, in order.
  func all(_ key: String) -> [String] {
    switch self {
    case .scalar: return []
    case .sequence(let items): return items.flatMap { $0.all(key) }
    case .mapping(let entries):
      return entries.flatMap { entry in (entry.key == key ? entry.value.text.map { [$0] } ?? [] : []) + entry.value.all(key) }
    }
  }

  static func parse(_ text: String) throws(Problem) -> YAMLSubset {
    var parser = Parser(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    let document = try parser.block(indent: 0)
    if let line = parser.nextSignificant() {
      throw Problem(line: line + 1, message: "unexpected indentation")
    }
    return document
  }
}

private struct Parser {
  var lines: [String]
  var index = 0

  /// The index of the next line that is neither blank nor a comment.
  mutating func nextSignificant() -> Int? {
    while index < lines.count {
      let content = Self.stripComment(lines[index]).trimmingTrailingSpaces
      if !content.isEmpty { return index }
      index += 1
    }
    return nil
  }

  func indent(of line: String) -> Int { line.prefix { $0 == " " }.count }

  mutating func block(indent: Int) throws(YAMLSubset.Problem) -> YAMLSubset {
    guard let line = nextSignificant() else { return .scalar("") }
    if lines[line].contains("\t") { throw .init(line: line + 1, message: "a tab in the indentation") }
    let content = lines[line].dropFirst(indent)
    return content.hasPrefix("- ") || content == "-" ? try sequence(indent: indent) : try mapping(indent: indent)
  }

  mutating func sequence(indent: Int) throws(YAMLSubset.Problem) -> YAMLSubset {
    var items: [YAMLSubset] = []
    while let line = nextSignificant(), self.indent(of: lines[line]) == indent {
      let content = Self.stripComment(lines[line]).dropFirst(indent).trimmingTrailingSpaces
      guard content.hasPrefix("-") else { break }
      let rest = String(content.dropFirst()).drop { $0 == " " }
      if rest.isEmpty {
        index += 1
        items.append(try block(indent: indent + 2))
      } else if Self.keyAndValue(String(rest)) != nil {
        // `- key: value` opens a mapping indented past the dash.
        lines[line] = String(repeating: " ", count: indent + 2) + rest
        items.append(try mapping(indent: indent + 2))
      } else {
        index += 1
        items.append(try Self.scalar(String(rest), line: line))
      }
    }
    return .sequence(items)
  }

  mutating func mapping(indent: Int) throws(YAMLSubset.Problem) -> YAMLSubset {
    var entries: [YAMLSubset.Entry] = []
    while let line = nextSignificant() {
      let lineIndent = self.indent(of: lines[line])
      if lineIndent < indent { break }
      if lineIndent > indent { throw .init(line: line + 1, message: "unexpected indentation") }
      let content = Self.stripComment(lines[line]).dropFirst(indent).trimmingTrailingSpaces
      if content.hasPrefix("- ") { break }
      guard let (key, value) = Self.keyAndValue(content) else {
        throw .init(line: line + 1, message: "expected `key: value`, found '\(content)'")
      }
      if entries.contains(where: { $0.key == key }) { throw .init(line: line + 1, message: "duplicate key '\(key)'") }
      index += 1
      if value == "|" {
        entries.append(.init(key: key, value: .scalar(literal(indent: indent))))
      } else if value.isEmpty {
        guard let next = nextSignificant(), self.indent(of: lines[next]) > indent else {
          entries.append(.init(key: key, value: .scalar("")))
          continue
        }
        entries.append(.init(key: key, value: try block(indent: self.indent(of: lines[next]))))
      } else {
        entries.append(.init(key: key, value: try Self.scalar(value, line: line)))
      }
    }
    return .mapping(entries)
  }

  /// The lines of a `|` block: everything indented past `indent`, its common indentation removed.
  mutating func literal(indent: Int) -> String {
    var body: [String] = []
    while index < lines.count {
      let line = lines[index]
      if !line.trimmingTrailingSpaces.isEmpty && self.indent(of: line) <= indent { break }
      body.append(line)
      index += 1
    }
    while body.last?.trimmingTrailingSpaces.isEmpty == true { body.removeLast() }
    let common = body.filter { !$0.trimmingTrailingSpaces.isEmpty }.map { self.indent(of: $0) }.min() ?? 0
    return body.map { String($0.dropFirst(common)) }.joined(separator: "\n") + "\n"
  }

  static func keyAndValue(_ content: String) -> (String, String)? {
    guard !content.hasPrefix("\""), !content.hasPrefix("'"), !content.hasPrefix("[") else { return nil }
    if content.hasSuffix(":") { return (String(content.dropLast()), "") }
    guard let range = content.range(of: ": ") else { return nil }
    return (String(content[..<range.lowerBound]), String(content[range.upperBound...]).drop { $0 == " " }.description)
  }

  static func scalar(_ text: String, line: Int) throws(YAMLSubset.Problem) -> YAMLSubset {
    if text.hasPrefix("&") || text.hasPrefix("*") || text.hasPrefix("!") || text.hasPrefix("{") {
      throw .init(line: line + 1, message: "anchors, tags and flow mappings are outside the subset")
    }
    if text.hasPrefix("[") {
      guard text.hasSuffix("]") else { throw .init(line: line + 1, message: "an unclosed flow sequence") }
      let inner = text.dropFirst().dropLast()
      let items = inner.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
      var values: [YAMLSubset] = []
      for item in items { values.append(try scalar(item, line: line)) }
      return .sequence(values)
    }
    for quote in ["\"", "'"] where text.hasPrefix(quote) {
      guard text.count >= 2, text.hasSuffix(quote) else { throw .init(line: line + 1, message: "an unclosed quote") }
      return .scalar(String(text.dropFirst().dropLast()))
    }
    return .scalar(text)
  }

  /// The line without a ` # comment` (outside quotes).
  static func stripComment(_ line: String) -> String {
    var quote: Character?
    var previous: Character = " "
    for (offset, character) in line.enumerated() {
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == "#" && previous == " " {
        return String(line.prefix(offset))
      }
      previous = character
    }
    return line
  }
}

extension StringProtocol {
  fileprivate var trimmingTrailingSpaces: String {
    var text = String(self)
    while text.last == " " { text.removeLast() }
    return text
  }

  fileprivate var trimmingSpaces: String { String(trimmingTrailingSpaces.drop { $0 == " " }) }
}
