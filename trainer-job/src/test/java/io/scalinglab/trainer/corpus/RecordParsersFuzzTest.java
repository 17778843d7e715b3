package io.scalinglab.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.scalinglab.core.testing.OwnExceptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing (jqwik) of the corpus record parsers: on any bytes each returns records (a
 * document or a skip with its reason) or, for the whole-file JSON array reader, throws the
 * project's {@link io.scalinglab.core.error.InputException}; nothing else, and never a hang. Each
 * property runs jqwik's default 1,000 tries.
 */
class RecordParsersFuzzTest {
  static final Set<String> LANGS = Set.of("\"SQL\"");

  @Property
  void lineFormatsReturnARecordForAnyBytes(@ForAll("corpusBytes") byte[] bytes) {
    OwnExceptions.only(
        () -> {
          assertNotNull(RecordParsers.separated(bytes, 0, bytes.length));
          assertNotNull(RecordParsers.wholeFile(bytes));
          assertNotNull(RecordParsers.jsonLine(bytes, 0, bytes.length, "text", null, null));
          assertNotNull(RecordParsers.jsonLine(bytes, 0, bytes.length, "content", "lang", LANGS));
          assertNotNull(RecordParsers.tsvLine(bytes, 0, bytes.length, 2));
        });
  }

  @Property
  void streamingFormatsEndOrFailWithTheirOwnException(@ForAll("corpusBytes") byte[] bytes) {
    OwnExceptions.only(
        () -> {
          List<Record> records = new ArrayList<>();
          RecordParsers.splitSeparated(
              new ByteArrayInputStream(bytes),
              "<|endoftext|>".getBytes(StandardCharsets.UTF_8),
              records::add);
          RecordParsers.jsonArray(
              new ByteArrayInputStream(bytes), "fuzz.json", "text", null, null, records::add);
        });
  }

  @Property
  void arbitraryRawBytes(@ForAll @Size(max = 200) byte[] bytes) {
    lineFormatsReturnARecordForAnyBytes(bytes);
    streamingFormatsEndOrFailWithTheirOwnException(bytes);
  }

  /** Text built from the pieces the formats are made of, so the parsers get past their start. */
  @Provide
  Arbitrary<byte[]> corpusBytes() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.of(
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\"",
                "\\",
                "\"text\"",
                "\"content\"",
                "\"lang\"",
                "\"SQL\"",
                "null",
                "1e999",
                "-0",
                "true",
                "\t",
                "\n",
                "\r\n",
                " ",
                "<|endoftext|>",
                "<|endoftext",
                "\\u0000",
                "\\ud800",
                "é",
                "\uD83D\uDE00",
                "\u00A0"),
            Arbitraries.strings().ofMaxLength(6));
    Arbitrary<byte[]> text =
        piece.list().ofMaxSize(30).map(ps -> String.join("", ps).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> withBadByte =
        text.map(
            b -> {
              byte[] c = java.util.Arrays.copyOf(b, b.length + 1);
              c[c.length / 2] = (byte) 0xC3; // a lead byte where a continuation may not follow
              return c;
            });
    return Arbitraries.oneOf(text, withBadByte);
  }
}
