package io.scalinglab.trainer.corpus;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Parsers of one corpus record each, for every input format: they return a {@link Document} or a
 * {@link Skipped} and never throw for bad data, only for bad arguments.
 *
 * <p>Rules shared by all formats: bytes must be well-formed UTF-8 (else {@link
 * SkipReason#INVALID_UTF8}); a document that is empty or only whitespace is {@link
 * SkipReason#EMPTY_DOCUMENT}; text is otherwise kept exactly as stored, since GPT-2's BPE encodes
 * whitespace too. Only the separated-text format trims, because its separators sit on lines of
 * their own and leave a newline on each side of every document.
 *
 * <p>In the line formats ({@link #jsonLine}, {@link #tsvLine}) a line holding only whitespace is
 * not a record at all and yields an empty {@code Optional}: blank lines between JSON lines are
 * layout, as Hugging Face's and pandas' JSON-lines readers treat them, not skipped documents.
 */
public final class RecordParsers {
  private RecordParsers() {}

  /**
   * One document of the {@code text} format: the bytes between two separators, strictly decoded as
   * UTF-8, with surrounding whitespace trimmed.
   */
  public static Record separated(byte[] bytes, int off, int len) {
    Objects.checkFromIndexSize(off, len, bytes.length);
    int bad = Utf8.firstInvalid(bytes, off, len);
    if (bad >= 0) {
      return invalidUtf8(bad, "document");
    }
    // Trim ASCII whitespace on the bytes so the decode copies only the document; strip() then
    // removes any Unicode whitespace left at the ends (rare: it returns the same string if none).
    int start = off;
    int end = off + len;
    while (start < end && isAsciiWhitespace(bytes[start])) {
      start++;
    }
    while (end > start && isAsciiWhitespace(bytes[end - 1])) {
      end--;
    }
    String text = new String(bytes, start, end - start, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return new Skipped(
          SkipReason.EMPTY_DOCUMENT,
          len == 0 ? "nothing between two separators" : "only whitespace between two separators");
    }
    return new Document(text);
  }

  /**
   * One line of the {@code jsonl} format: a JSON object whose {@code textField} holds the document.
   * With a {@code filterField}, only objects whose value there (as JSON text: {@code "SQL"} or
   * {@code 3}) is in {@code filterValues} are kept; the others are {@link SkipReason#FILTERED}, and
   * the filter is checked first so unwanted records never count as corrupt. A JSON {@code null}
   * text counts as missing.
   *
   * @param filterField null for no filter; then {@code filterValues} must be null or empty
   * @return empty for a blank line, which is not a record
   */
  public static Optional<Record> jsonLine(
      byte[] bytes,
      int off,
      int len,
      String textField,
      String filterField,
      Set<String> filterValues) {
    Objects.checkFromIndexSize(off, len, bytes.length);
    JsonFields fields = new JsonFields(textField, filterField, filterValues);
    if (isBlank(bytes, off, len)) {
      return Optional.empty();
    }
    int bad = Utf8.firstInvalid(bytes, off, len);
    if (bad >= 0) {
      return Optional.of(invalidUtf8(bad, "line"));
    }
    try (JsonParser p = JsonFields.FACTORY.createParser(bytes, off, len)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        return Optional.of(
            new Skipped(
                SkipReason.INVALID_JSON,
                "line is " + JsonFields.describe(first) + ", not a JSON object"));
      }
      Record r = fields.readObject(p);
      if (p.nextToken() != null) {
        return Optional.of(
            new Skipped(
                SkipReason.INVALID_JSON,
                "more JSON after the object, near column " + column(p.currentLocation())));
      }
      return Optional.of(r);
    } catch (JsonProcessingException e) {
      return Optional.of(
          new Skipped(
              SkipReason.INVALID_JSON,
              JsonFields.problem(e, 80) + " near column " + column(e.getLocation())));
    } catch (IOException e) {
      throw new UncheckedIOException("reading a byte array cannot fail", e);
    }
  }

  /**
   * One line of the {@code tsv} format: the document is column {@code column} (counted from 0) of
   * the tab-separated line, as stored (no unquoting). A trailing carriage return is dropped.
   *
   * @return empty for a blank line, which is not a record
   */
  public static Optional<Record> tsvLine(byte[] bytes, int off, int len, int column) {
    Objects.checkFromIndexSize(off, len, bytes.length);
    if (column < 0) {
      throw new IllegalArgumentException("column " + column + " < 0: columns count from 0");
    }
    int end = off + len;
    if (end > off && bytes[end - 1] == '\r') {
      end--;
    }
    if (isBlank(bytes, off, end - off)) {
      return Optional.empty();
    }
    // A tab byte never occurs inside a multi-byte UTF-8 character, so splitting bytes is safe.
    int start = off;
    int found = 0;
    for (int i = off; i < end && found < column; i++) {
      if (bytes[i] == '\t') {
        found++;
        start = i + 1;
      }
    }
    if (found < column) {
      return Optional.of(
          new Skipped(
              SkipReason.MISSING_FIELD,
              "no column "
                  + column
                  + " (counted from 0): the line has "
                  + (found + 1)
                  + " columns"));
    }
    int stop = start;
    while (stop < end && bytes[stop] != '\t') {
      stop++;
    }
    int bad = Utf8.firstInvalid(bytes, start, stop - start);
    if (bad >= 0) {
      return Optional.of(invalidUtf8(start - off + bad, "line"));
    }
    String text = new String(bytes, start, stop - start, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return Optional.of(new Skipped(SkipReason.EMPTY_DOCUMENT, "column " + column + " is blank"));
    }
    return Optional.of(new Document(text));
  }

  /** One file of the {@code files} format: the whole file is one document, strictly UTF-8. */
  public static Record wholeFile(byte[] bytes) {
    int bad = Utf8.firstInvalid(bytes, 0, bytes.length);
    if (bad >= 0) {
      return invalidUtf8(bad, "file");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new Skipped(
          SkipReason.EMPTY_DOCUMENT, bytes.length == 0 ? "empty file" : "only whitespace");
    }
    return new Document(text);
  }

  /**
   * One Parquet row, given its text column's value and its filter column's value, with the same
   * rules as {@link #jsonLine}: {@code null} text is {@link SkipReason#MISSING_FIELD}, a value that
   * is not a {@code String} is {@link SkipReason#NOT_TEXT}, and a filter value is compared by its
   * {@code toString()} when it is a string, number or boolean.
   *
   * @param filterField the filter column's name, or null for no filter (then {@code filterValue} is
   *     ignored)
   */
  public static Record value(
      Object columnValue, Object filterValue, Set<String> filterValues, String filterField) {
    return new JsonFields("value", filterField, filterValues).readValues(columnValue, filterValue);
  }

  /**
   * Every element of one file of the {@code json} format: a top-level JSON array of objects,
   * streamed element by element. Elements that are not objects, or lack usable text, are delivered
   * as {@link Skipped}; the stream is neither buffered whole nor closed.
   *
   * @param input the file's name, for error messages
   * @throws io.scalinglab.core.error.InputException if the file is not a JSON array (naming {@code
   *     input} and suggesting {@code format=jsonl}), or is truncated, malformed or not UTF-8
   *     part-way through (with the byte offset)
   */
  public static void jsonArray(
      InputStream in,
      String input,
      String textField,
      String filterField,
      Set<String> filterValues,
      Consumer<Record> out) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(out, "out");
    JsonArrays.read(in, input, new JsonFields(textField, filterField, filterValues), out);
  }

  /**
   * Splits a stream of the {@code text} format on {@code separator} and parses each piece with
   * {@link #separated}, reading through a bounded buffer so multi-gigabyte files stream.
   *
   * <p>The result equals splitting the whole byte array on the separator and parsing every piece,
   * with one exception: a blank last piece (after the final separator) is not a record, so a file
   * that ends with a separator, as nanoGPT-style dumps do, yields no trailing skip. Empty pieces
   * elsewhere (two separators in a row, or one at the very start) are {@link
   * SkipReason#EMPTY_DOCUMENT} skips.
   *
   * @throws UncheckedIOException if reading {@code in} fails
   */
  public static void splitSeparated(InputStream in, byte[] separator, Consumer<Record> out) {
    try {
      SeparatedSplitter.split(in, separator, out, SeparatedSplitter.DEFAULT_BUFFER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Skipped invalidUtf8(int offset, String what) {
    return new Skipped(
        SkipReason.INVALID_UTF8, "invalid UTF-8 at byte " + offset + " of the " + what);
  }

  private static boolean isAsciiWhitespace(byte b) {
    return b >= 0 && Character.isWhitespace(b);
  }

  private static boolean isBlank(byte[] bytes, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (!isAsciiWhitespace(bytes[i])) {
        return false;
      }
    }
    return true;
  }

  private static String column(JsonLocation location) {
    return location == null ? "?" : Integer.toString(location.getColumnNr());
  }
}
