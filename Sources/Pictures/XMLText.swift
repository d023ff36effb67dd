/// Text for XML documents: the SVG pictures and the JUnit reports.
public enum XMLText {
  /// Text made safe for XML character data and attribute values.
  public static func escape(_ value: String) -> String {
    var result = ""
    result.reserveCapacity(value.utf8.count)
    for character in value.unicodeScalars {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      // XML 1.0 allows tab, newline and carriage return, and nothing else below space.
      case "\t", "\n", "\r": result.unicodeScalars.append(character)
      default:
        if character.value < 0x20 || (0xFFFE...0xFFFF).contains(character.value) {
          result += "?"
        } else {
          result.unicodeScalars.append(character)
        }
      }
    }
    return result
  }
}
