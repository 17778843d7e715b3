package io.scalinglab.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.InputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code json} format: one top-level array of objects per file, streamed. */
class JsonArrayTest {
  private static final String INPUT = "data00.json";

  private static List<Record> read(byte[] bytes, String filterField, Set<String> values) {
    List<Record> out = new ArrayList<>();
    RecordParsers.jsonArray(
        new ByteArrayInputStream(bytes), INPUT, "story", filterField, values, out::add);
    return out;
  }

  private static List<Record> read(String json) {
    return read(json.getBytes(StandardCharsets.UTF_8), null, null);
  }

  private static String messageOf(String json) {
    return assertThrows(InputException.class, () -> read(json)).getMessage();
  }

  @Test
  void streamsTheElementsInOrderAndSkipsTheUnusableOnes() {
    String file =
        "[\n {\"story\": \"Once.\", \"source\": \"GPT-4\", \"words\": [\"a\", \"b\"]},\n"
            + " {\"summary\": \"no story\"},\n"
            + " 17,\n"
            + " [\"nested\", {\"story\": \"no\"}],\n"
            + " {\"story\": \"Twice.\", \"instruction\": {\"features\": []}}\n]\n";
    List<Record> records = read(file);
    assertEquals(5, records.size());
    assertEquals(new Document("Once."), records.get(0));
    assertEquals(
        new Skipped(SkipReason.MISSING_FIELD, "element 1: no field 'story'"), records.get(1));
    assertEquals(
        new Skipped(SkipReason.INVALID_JSON, "element 2 is a number, not an object"),
        records.get(2));
    assertEquals(
        new Skipped(SkipReason.INVALID_JSON, "element 3 is an array, not an object"),
        records.get(3));
    assertEquals(new Document("Twice."), records.get(4));
    assertEquals(List.of(), read("[]"));
  }

  @Test
  void filtersLikeJsonLines() {
    byte[] file =
        "[{\"story\": \"a\", \"source\": \"GPT-4\"}, {\"story\": \"b\", \"source\": \"GPT-3.5\"}]"
            .getBytes(StandardCharsets.UTF_8);
    List<Record> records = read(file, "source", Set.of("GPT-4"));
    assertEquals(new Document("a"), records.get(0));
    assertEquals(
        new Skipped(SkipReason.FILTERED, "element 1: 'source' is 'GPT-3.5'"), records.get(1));
  }

  @Test
  void aFileThatIsNotAnArraySuggestsJsonLines() {
    for (String notArray :
        new String[] {
          "{\"story\": \"a\"}\n{\"story\": \"b\"}\n", "", "plain text", "\"a string\""
        }) {
      String message = messageOf(notArray);
      assertTrue(message.startsWith(INPUT + ": expected a JSON array of objects"), message);
      assertTrue(message.contains("format=jsonl"), message);
    }
  }

  @Test
  void aTruncatedFileNamesTheInputAndTheOffset() {
    String message = messageOf("[{\"story\": \"a\"}, {\"story\": \"b");
    assertTrue(message.startsWith(INPUT + ": the file ends at byte 29 inside element 1"), message);
    assertTrue(message.contains("truncated"), message);
  }

  @Test
  void malformedContentStopsTheFileWithTheOffset() {
    String message = messageOf("[{\"story\": \"a\"}, {\"story\": \"b\",, }]");
    assertTrue(message.startsWith(INPUT + ": malformed JSON near byte 32 (in element 1)"), message);
    String trailing = messageOf("[{\"story\": \"a\"}] [1]");
    assertTrue(trailing.contains("after the JSON array"), trailing);
  }

  @Test
  void invalidUtf8StopsTheFileWithTheOffset() {
    byte[] file = "[{\"story\": \"a\"}, {\"story\": \"bad: X\"}]".getBytes(StandardCharsets.UTF_8);
    file[33] = (byte) 0xC0; // an overlong form Jackson alone would accept
    InputException e = assertThrows(InputException.class, () -> read(file, null, null));
    assertTrue(e.getMessage().startsWith(INPUT + ": invalid UTF-8 at byte 33"), e.getMessage());
  }
}
