package io.scalinglab.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scalinglab.core.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real corpus samples in the team's shared folder: the counts are those the samples' README
 * states, and each corpus's text and JSON-lines copies must give the same documents in order.
 */
class SharedCorporaTest {
  private static final byte[] EOT = "<|endoftext|>".getBytes(StandardCharsets.UTF_8);

  static List<Record> separatedFile(String relative) throws IOException {
    List<Record> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(SharedData.path(relative))) {
      RecordParsers.splitSeparated(in, EOT, out::add);
    }
    return out;
  }

  static List<Record> jsonLinesFile(
      String relative, String field, String filterField, Set<String> values) throws IOException {
    byte[] bytes = Files.readAllBytes(SharedData.path(relative));
    List<Record> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        RecordParsers.jsonLine(bytes, start, i - start, field, filterField, values)
            .ifPresent(out::add);
        start = i + 1;
      }
    }
    return out;
  }

  private static List<String> texts(List<Record> records) {
    List<String> texts = new ArrayList<>();
    for (Record r : records) {
      if (!(r instanceof Document d)) {
        throw new AssertionError("a real sample record was skipped: " + r);
      }
      texts.add(d.text());
    }
    return texts;
  }

  @Test
  void tinyStoriesTextAndJsonLinesGiveTheSame2316Stories() throws IOException {
    List<String> txt = texts(separatedFile("corpora/tinystories/train-sample.txt"));
    List<String> jsonl =
        texts(jsonLinesFile("corpora/tinystories/train-sample.jsonl", "text", null, null));
    assertEquals(2316, txt.size());
    assertEquals(jsonl, txt);
    assertEquals(true, txt.get(0).startsWith("One day, a little girl named Lily found a needle"));
  }

  @Test
  void openWebTextTextAndJsonLinesGiveTheSame49Documents() throws IOException {
    List<String> txt = texts(separatedFile("corpora/openwebtext/sample.txt"));
    List<String> jsonl =
        texts(jsonLinesFile("corpora/openwebtext/sample.jsonl", "text", null, null));
    assertEquals(49, txt.size());
    assertEquals(jsonl, txt);
  }

  @Test
  void stackSqlGives383DocumentsFromContentFilteredOnLang() throws IOException {
    List<Record> sql =
        jsonLinesFile("corpora/stack-sql/sample.jsonl", "content", "lang", Set.of("SQL"));
    assertEquals(383, texts(sql).size());
    List<Record> python =
        jsonLinesFile("corpora/stack-sql/sample.jsonl", "content", "lang", Set.of("Python"));
    assertEquals(383, python.size());
    for (Record r : python) {
      assertEquals(new Skipped(SkipReason.FILTERED, "'lang' is 'SQL'"), r);
    }
  }

  @Test
  void wholeFilesAreOneDocumentEach() throws IOException {
    Path txt = SharedData.path("corpora/openwebtext/sample.txt");
    Record r = RecordParsers.wholeFile(Files.readAllBytes(txt));
    assertEquals(Files.readString(txt), ((Document) r).text());
  }
}
