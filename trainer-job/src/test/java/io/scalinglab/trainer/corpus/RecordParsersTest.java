package io.scalinglab.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every parser, and every skip reason from each parser that can produce it. */
class RecordParsersTest {
  private static final byte[] INVALID = {'o', 'k', ' ', (byte) 0xC3, '(', ' ', 'x'};

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The record parsed from {@code s}, placed inside a larger array to exercise offsets. */
  private static Record json(String line) {
    return jsonFiltered(line, null, null);
  }

  private static Record jsonFiltered(String line, String field, Set<String> values) {
    byte[] padded = utf8("###" + line + "###");
    int len = padded.length - 6;
    return RecordParsers.jsonLine(padded, 3, len, "text", field, values).orElseThrow();
  }

  private static void assertSkipped(SkipReason reason, String detailPart, Record r) {
    Skipped s = assertInstanceOf(r);
    assertEquals(reason, s.reason(), s::toString);
    assertTrue(s.detail().contains(detailPart), () -> s.detail() + " lacks " + detailPart);
    assertTrue(s.detail().length() <= Skipped.MAX_DETAIL, s::detail);
  }

  private static Skipped assertInstanceOf(Record r) {
    if (r instanceof Skipped s) {
      return s;
    }
    throw new AssertionError("expected a skip, got " + r);
  }

  @Test
  void skipReasonsHaveStableKeysAndOnlyFilteredIsNotCorrupt() {
    Map<SkipReason, String> keys =
        Map.of(
            SkipReason.INVALID_JSON, "invalid-json",
            SkipReason.MISSING_FIELD, "missing-field",
            SkipReason.NOT_TEXT, "not-text",
            SkipReason.INVALID_UTF8, "invalid-utf8",
            SkipReason.EMPTY_DOCUMENT, "empty-document",
            SkipReason.FILTERED, "filtered");
    for (SkipReason r : SkipReason.values()) {
      assertEquals(keys.get(r), r.key());
      assertEquals(r != SkipReason.FILTERED, r.corrupt(), r::name);
    }
  }

  @Test
  void separatedTrimsAndDecodesStrictly() {
    byte[] b = utf8("xx\n  Once upon a time…\n\nThe end.\n  yy");
    assertEquals(
        new Document("Once upon a time…\n\nThe end."), RecordParsers.separated(b, 2, b.length - 4));
    assertEquals(new Document("é"), RecordParsers.separated(utf8("\u2003é\u2003\n"), 0, 8));
    assertSkipped(SkipReason.EMPTY_DOCUMENT, "nothing", RecordParsers.separated(b, 0, 0));
    assertSkipped(
        SkipReason.EMPTY_DOCUMENT,
        "whitespace",
        RecordParsers.separated(utf8(" \n\t\u2003"), 0, 6));
    assertSkipped(
        SkipReason.INVALID_UTF8, "byte 3", RecordParsers.separated(INVALID, 0, INVALID.length));
    assertThrows(IndexOutOfBoundsException.class, () -> RecordParsers.separated(b, 2, b.length));
  }

  @Test
  void jsonLineReadsTheTextFieldAsStored() {
    assertEquals(new Document(" two\nlines "), json("{\"id\": 3, \"text\": \" two\\nlines \"}"));
    assertEquals(
        new Document("nested ok"),
        json("{\"meta\": {\"text\": 1, \"a\": [1, {}]}, \"text\": \"nested ok\"}"));
    assertEquals(new Document("last wins"), json("{\"text\": \"first\", \"text\": \"last wins\"}"));
    assertEquals(new Document("😀"), json("{\"text\": \"\\ud83d\\ude00\"}"));
    assertEquals(Optional.empty(), RecordParsers.jsonLine(utf8(" \t\r"), 0, 3, "text", null, null));
    assertEquals(Optional.empty(), RecordParsers.jsonLine(new byte[0], 0, 0, "text", null, null));
  }

  @Test
  void jsonLineSkipsEveryKindOfBadRecord() {
    assertSkipped(SkipReason.INVALID_JSON, "column", json("{\"text\": \"unterminated"));
    assertSkipped(SkipReason.INVALID_JSON, "column", json("{\"text\": \"a\",}"));
    assertSkipped(
        SkipReason.INVALID_JSON, "more JSON", json("{\"text\": \"a\"} {\"text\": \"b\"}"));
    assertSkipped(SkipReason.INVALID_JSON, "an array, not a JSON object", json("[\"text\"]"));
    assertSkipped(SkipReason.MISSING_FIELD, "no field 'text'", json("{\"content\": \"a\"}"));
    assertSkipped(SkipReason.MISSING_FIELD, "'text' is null", json("{\"text\": null}"));
    assertSkipped(SkipReason.NOT_TEXT, "'text' is a number", json("{\"text\": 42}"));
    assertSkipped(SkipReason.NOT_TEXT, "'text' is an object", json("{\"text\": {\"a\": \"b\"}}"));
    assertSkipped(SkipReason.EMPTY_DOCUMENT, "blank", json("{\"text\": \"\"}"));
    assertSkipped(SkipReason.EMPTY_DOCUMENT, "blank", json("{\"text\": \" \\n\\t\"}"));
    byte[] bad = utf8("{\"text\": \"ok X\"}");
    bad[13] = (byte) 0xFF;
    assertSkipped(
        SkipReason.INVALID_UTF8,
        "byte 13",
        RecordParsers.jsonLine(bad, 0, bad.length, "text", null, null).orElseThrow());
  }

  @Test
  void jsonErrorDetailIsShortAndNeverTheRecord() {
    String secret = "x".repeat(5000);
    Skipped s = assertInstanceOf(json("{\"text\": \"" + secret + "\", oops}"));
    assertEquals(SkipReason.INVALID_JSON, s.reason());
    assertFalse(s.detail().contains("xxxxxxxxxx"), s.detail());
    assertTrue(s.detail().length() <= Skipped.MAX_DETAIL);
  }

  @Test
  void filterIsCheckedBeforeTheTextSoUnwantedRecordsAreNeverCorrupt() {
    Set<String> sql = Set.of("SQL");
    assertEquals(
        new Document("SELECT 1;"),
        jsonFiltered("{\"lang\": \"SQL\", \"text\": \"SELECT 1;\"}", "lang", sql));
    assertSkipped(
        SkipReason.FILTERED,
        "'lang' is 'Python'",
        jsonFiltered("{\"lang\": \"Python\", \"text\": 3}", "lang", sql));
    assertSkipped(
        SkipReason.FILTERED, "no field 'lang'", jsonFiltered("{\"text\": \"a\"}", "lang", sql));
    assertSkipped(
        SkipReason.FILTERED,
        "'lang' is an array",
        jsonFiltered("{\"lang\": [\"SQL\"], \"text\": \"a\"}", "lang", sql));
    assertEquals(
        new Document("a"), jsonFiltered("{\"stars\": 3, \"text\": \"a\"}", "stars", Set.of("3")));
    assertSkipped(
        SkipReason.NOT_TEXT,
        "'text'",
        jsonFiltered("{\"lang\": \"SQL\", \"text\": true}", "lang", sql));
  }

  @Test
  void badArgumentsThrow() {
    byte[] b = utf8("{}");
    assertThrows(
        IllegalArgumentException.class,
        () -> RecordParsers.jsonLine(b, 0, 2, "text", "lang", Set.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> RecordParsers.jsonLine(b, 0, 2, "text", null, Set.of("SQL")));
    assertThrows(
        IllegalArgumentException.class, () -> RecordParsers.jsonLine(b, 0, 2, "", null, null));
    assertThrows(
        NullPointerException.class, () -> RecordParsers.jsonLine(b, 0, 2, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> RecordParsers.tsvLine(b, 0, 2, -1));
  }

  @Test
  void tsvLinePicksOneColumn() {
    byte[] b = utf8("id7\tSome text\there\textra\r");
    assertEquals(new Document("Some text"), RecordParsers.tsvLine(b, 0, b.length, 1).orElseThrow());
    assertEquals(new Document("extra"), RecordParsers.tsvLine(b, 0, b.length, 3).orElseThrow());
    assertEquals(new Document("id7"), RecordParsers.tsvLine(b, 0, b.length, 0).orElseThrow());
    assertSkipped(
        SkipReason.MISSING_FIELD,
        "no column 4",
        RecordParsers.tsvLine(b, 0, b.length, 4).orElseThrow());
    byte[] empty = utf8("a\t \tc");
    assertSkipped(
        SkipReason.EMPTY_DOCUMENT,
        "column 1",
        RecordParsers.tsvLine(empty, 0, empty.length, 1).orElseThrow());
    byte[] bad = utf8("fine\tbroken X");
    bad[12] = (byte) 0x80;
    assertSkipped(
        SkipReason.INVALID_UTF8,
        "byte 12",
        RecordParsers.tsvLine(bad, 0, bad.length, 1).orElseThrow());
    assertEquals(
        new Document("fine"),
        RecordParsers.tsvLine(bad, 0, bad.length, 0).orElseThrow(),
        "other columns may be broken");
    assertEquals(Optional.empty(), RecordParsers.tsvLine(utf8("  \r"), 0, 3, 0));
  }

  @Test
  void wholeFileIsOneDocumentAsStored() {
    assertEquals(new Document("SELECT 1;\n"), RecordParsers.wholeFile(utf8("SELECT 1;\n")));
    assertSkipped(SkipReason.EMPTY_DOCUMENT, "empty file", RecordParsers.wholeFile(new byte[0]));
    assertSkipped(SkipReason.EMPTY_DOCUMENT, "whitespace", RecordParsers.wholeFile(utf8("\n\n ")));
    assertSkipped(SkipReason.INVALID_UTF8, "byte 3", RecordParsers.wholeFile(INVALID));
  }

  @Test
  void parquetValuesFollowTheJsonRules() {
    assertEquals(new Document("a"), RecordParsers.value("a", null, null, null));
    assertEquals(new Document("a"), RecordParsers.value("a", "SQL", Set.of("SQL"), "lang"));
    assertSkipped(SkipReason.MISSING_FIELD, "null", RecordParsers.value(null, null, null, null));
    assertSkipped(SkipReason.NOT_TEXT, "Integer", RecordParsers.value(7, null, null, null));
    assertSkipped(
        SkipReason.NOT_TEXT, "byte[]", RecordParsers.value(new byte[1], null, null, null));
    assertSkipped(SkipReason.EMPTY_DOCUMENT, "blank", RecordParsers.value(" ", null, null, null));
    assertSkipped(
        SkipReason.FILTERED, "'lang' is 'C'", RecordParsers.value("a", "C", Set.of("SQL"), "lang"));
    assertSkipped(
        SkipReason.FILTERED,
        "'lang' is null",
        RecordParsers.value(null, null, Set.of("SQL"), "lang"));
    assertSkipped(
        SkipReason.FILTERED,
        "'lang' is a List",
        RecordParsers.value("a", List.of("SQL"), Set.of("SQL"), "lang"));
    assertEquals(new Document("a"), RecordParsers.value("a", 3L, Set.of("3"), "stars"));
  }

  @Test
  void longDetailsAreCut() {
    Skipped s = new Skipped(SkipReason.FILTERED, "y".repeat(500));
    assertEquals(Skipped.MAX_DETAIL, s.detail().length());
    assertTrue(s.detail().endsWith("…"));
  }
}
