package io.scalinglab.core.format;

import io.scalinglab.core.error.InputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file: its dtype string, memory order and shape, with the encoding
 * NumPy's {@code numpy.lib.format} uses. The header is a Python dict literal such as {@code
 * {'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }}, padded with spaces and a newline so
 * that magic, version, length field and header together fill a multiple of 64 bytes.
 *
 * <p>See <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">the
 * format's specification</a>.
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** numpy aligns the data to 64 bytes since 1.14 (numpy.lib.format.ARRAY_ALIGN). */
  private static final int ARRAY_ALIGN = 64;

  /**
   * numpy leaves room for the first axis to grow to this many digits so the header can be rewritten
   * in place (numpy.lib.format.GROWTH_AXIS_MAX_DIGITS); we pad the same way to write the same
   * bytes.
   */
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;

  /**
   * The whole header as numpy 1.x/2.x {@code np.save} writes it: format version 1.0, magic to
   * newline.
   */
  byte[] encodeV1() {
    StringBuilder dict = new StringBuilder();
    dict.append("{'descr': '")
        .append(descr)
        .append("', 'fortran_order': ")
        .append(fortranOrder ? "True" : "False")
        .append(", 'shape': ")
        .append(shapeRepr(shape))
        .append(", }");
    if (shape.length > 0) {
      long growAxis = shape[fortranOrder ? shape.length - 1 : 0];
      dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(growAxis).length()));
    }
    int prefix = MAGIC.length + 2 + 2; // magic, version, uint16 header length
    int unpadded = prefix + dict.length() + 1; // + the newline
    int padding = (ARRAY_ALIGN - unpadded % ARRAY_ALIGN) % ARRAY_ALIGN;
    dict.append(" ".repeat(padding)).append('\n');
    byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (text.length > 0xFFFF) {
      throw new IllegalArgumentException("header too long for .npy version 1.0: " + text.length);
    }
    byte[] out = new byte[prefix + text.length];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    out[6] = 1; // major version
    out[7] = 0; // minor version
    out[8] = (byte) text.length;
    out[9] = (byte) (text.length >>> 8);
    System.arraycopy(text, 0, out, prefix, text.length);
    return out;
  }

  /** Python's repr of a tuple of ints: {@code ()}, {@code (5,)}, {@code (3, 2)}. */
  static String shapeRepr(long[] shape) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return s.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /**
   * Parses the dict literal of a header (the text after the length field).
   *
   * @throws InputException naming {@code name} if the text is not such a dict with the three keys
   */
  static NpyHeader parse(String text, String name) {
    Map<String, Object> dict;
    try {
      dict = new Parser(text).dict();
    } catch (IllegalArgumentException e) {
      throw malformed(name, text, e.getMessage());
    }
    Object descr = dict.get("descr");
    Object fortran = dict.get("fortran_order");
    Object shape = dict.get("shape");
    if (!(descr instanceof String d)) {
      throw malformed(name, text, "'descr' is missing or not a string");
    }
    if (!(fortran instanceof Boolean f)) {
      throw malformed(name, text, "'fortran_order' is missing or not True/False");
    }
    if (!(shape instanceof long[] s)) {
      throw malformed(name, text, "'shape' is missing or not a tuple of ints");
    }
    return new NpyHeader(d, f, s);
  }

  private static InputException malformed(String name, String text, String why) {
    return InputException.of(
        name,
        "malformed .npy header (" + why + "): " + text.strip(),
        "Write the file with numpy.save, or Npy.writeFloat32");
  }

  /** A parser for the small subset of Python literals a .npy header holds. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Map<String, Object> dict() {
      Map<String, Object> out = new HashMap<>();
      expect('{');
      while (peek() != '}') {
        String key = string();
        expect(':');
        out.put(key, value());
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw new IllegalArgumentException("expected ',' or '}' at offset " + pos);
        }
      }
      pos++;
      if (peek() != 0) {
        throw new IllegalArgumentException("unexpected text after '}' at offset " + pos);
      }
      return out;
    }

    private Object value() {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '(') {
        return tuple();
      }
      if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      throw new IllegalArgumentException("unexpected value at offset " + pos);
    }

    private long[] tuple() {
      expect('(');
      List<Long> items = new ArrayList<>();
      while (peek() != ')') {
        items.add(integer());
        if (peek() == ',') {
          pos++;
        } else if (peek() != ')') {
          throw new IllegalArgumentException("expected ',' or ')' at offset " + pos);
        }
      }
      pos++;
      return items.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() {
      int start = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (start == pos) {
        throw new IllegalArgumentException("expected a non-negative integer at offset " + start);
      }
      long value;
      try {
        value = Long.parseLong(s.substring(start, pos));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("integer too large at offset " + start);
      }
      if (pos < s.length() && s.charAt(pos) == 'L') {
        pos++; // Python 2 wrote long integers as 3L
      }
      return value;
    }

    private String string() {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw new IllegalArgumentException("expected a quoted string at offset " + pos);
      }
      int end = s.indexOf(quote, ++pos);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated string at offset " + pos);
      }
      String value = s.substring(pos, end);
      pos = end + 1;
      return value;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "' at offset " + pos);
      }
      pos++;
    }

    /** The next non-blank character, or 0 at the end. */
    private char peek() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
      return pos < s.length() ? s.charAt(pos) : 0;
    }
  }
}
