package io.gpuagent.health.probe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The little JSON the probe protocol needs: one flat object whose values are strings, integers,
 * booleans or null. Hand-written so the probe child needs no JSON library on its class path.
 */
final class FlatJson {

  private final String text;
  private int at;

  private FlatJson(String text) {
    this.text = text;
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** Values are String, Long, Boolean or null. */
  static Map<String, Object> parseObject(String text) {
    FlatJson parser = new FlatJson(text);
    parser.skipSpace();
    Map<String, Object> fields = parser.object();
    parser.skipSpace();
    if (parser.at != text.length()) {
      throw parser.problem("text after the object");
    }
    return fields;
  }

  private Map<String, Object> object() {
    Map<String, Object> fields = new LinkedHashMap<>();
    expect('{');
    skipSpace();
    if (peek() == '}') {
      at++;
      return fields;
    }
    while (true) {
      skipSpace();
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      fields.put(key, value());
      skipSpace();
      char next = next();
      if (next == '}') {
        return fields;
      }
      if (next != ',') {
        at--;
        throw error("',' or '}'");
      }
    }
  }

  private Object value() {
    char c = peek();
    if (c == '"') {
      return string();
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return integer();
    }
    for (String word : new String[] {"true", "false", "null"}) {
      if (text.startsWith(word, at)) {
        at += word.length();
        return word.equals("null") ? null : Boolean.valueOf(word);
      }
    }
    throw error("a string, an integer, true, false or null");
  }

  private Long integer() {
    int start = at;
    if (peek() == '-') {
      at++;
    }
    while (at < text.length() && Character.isDigit(text.charAt(at))) {
      at++;
    }
    try {
      return Long.parseLong(text.substring(start, at));
    } catch (NumberFormatException e) {
      at = start;
      throw new IllegalArgumentException(error("an integer").getMessage(), e);
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escaped = next();
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> out.append(unicodeEscape());
        default -> {
          at--;
          throw error("an escape character");
        }
      }
    }
  }

  private char unicodeEscape() {
    if (at + 4 > text.length()) {
      throw error("four hex digits");
    }
    try {
      char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
      at += 4;
      return c;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(error("four hex digits").getMessage(), e);
    }
  }

  private void expect(char c) {
    if (next() != c) {
      at--;
      throw error("'" + c + "'");
    }
  }

  private char peek() {
    if (at >= text.length()) {
      throw error("more text");
    }
    return text.charAt(at);
  }

  private char next() {
    char c = peek();
    at++;
    return c;
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private IllegalArgumentException error(String expected) {
    return problem("expected " + expected);
  }

  private IllegalArgumentException problem(String what) {
    return new IllegalArgumentException(
        "not a probe result: " + what + " at column " + (at + 1) + " of: " + text);
  }
}
