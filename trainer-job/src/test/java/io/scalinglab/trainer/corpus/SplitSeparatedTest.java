package io.scalinglab.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Streaming splitting must equal splitting the whole array, whatever the buffer and reads. */
class SplitSeparatedTest {

  /** The reference: split the whole array left to right, parse each piece, drop a blank tail. */
  static List<Record> splitWhole(byte[] data, byte[] sep) {
    List<Record> out = new ArrayList<>();
    int start = 0;
    int p;
    while ((p = SeparatedSplitter.indexOf(data, start, data.length, sep)) >= 0) {
      out.add(RecordParsers.separated(data, start, p - start));
      start = p + sep.length;
    }
    Record tail = RecordParsers.separated(data, start, data.length - start);
    if (!(tail instanceof Skipped s && s.reason() == SkipReason.EMPTY_DOCUMENT)) {
      out.add(tail);
    }
    return out;
  }

  static List<Record> splitStreamed(InputStream in, byte[] sep, int bufferSize) throws IOException {
    List<Record> out = new ArrayList<>();
    SeparatedSplitter.split(in, sep, out::add, bufferSize);
    return out;
  }

  /** A stream that returns at most a random handful of bytes per read, as sockets may. */
  static InputStream trickling(byte[] data, SplittableRandom random) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, random.nextInt(1, 6)));
      }
    };
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void matchesWholeArraySplittingOnRandomInputs() throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    String[] separators = {"<|endoftext|>", "\n\n", "aab", "a", "ééé"};
    // Pieces chosen so separators overlap themselves and each other, and near-misses abound.
    String[] atoms = {"a", "b", "aa", "ab", " ", "\n", "<|", "endoftext", "|>", "é", "\u2003"};
    for (int trial = 0; trial < 3000; trial++) {
      byte[] sep = utf8(separators[random.nextInt(separators.length)]);
      StringBuilder sb = new StringBuilder();
      int atomsInInput = random.nextInt(0, 60);
      for (int i = 0; i < atomsInInput; i++) {
        sb.append(
            random.nextInt(5) == 0
                ? new String(sep, StandardCharsets.UTF_8)
                : atoms[random.nextInt(atoms.length)]);
      }
      byte[] data = utf8(sb.toString());
      if (random.nextInt(10) == 0 && data.length > 0) {
        data[random.nextInt(data.length)] = (byte) 0xFF; // some pieces are invalid UTF-8
      }
      int bufferSize = random.nextInt(1, 20);
      List<Record> expected = splitWhole(data, sep);
      byte[] input = data;
      assertEquals(
          expected,
          splitStreamed(trickling(data, random), sep, bufferSize),
          () -> "input " + Utf8Test.hex(input) + " buffer " + bufferSize);
    }
  }

  @Test
  void aTrailingSeparatorMakesNoEmptyTailButInteriorEmptyPiecesAreSkips() throws IOException {
    byte[] sep = utf8("<|endoftext|>");
    List<Record> records =
        splitStreamed(
            new ByteArrayInputStream(utf8("one\n<|endoftext|>\n<|endoftext|>two<|endoftext|>\n")),
            sep,
            4);
    assertEquals(
        List.of(
            new Document("one"),
            new Skipped(SkipReason.EMPTY_DOCUMENT, "only whitespace between two separators"),
            new Document("two")),
        records);
    assertEquals(List.of(), splitStreamed(new ByteArrayInputStream(new byte[0]), sep, 4));
    assertEquals(
        List.of(new Document("no separator")),
        splitStreamed(new ByteArrayInputStream(utf8("no separator\n")), sep, 4));
  }

  @Test
  void aPieceLargerThanTheBufferGrowsIt() throws IOException {
    String big = "x".repeat(10_000);
    List<Record> records =
        splitStreamed(new ByteArrayInputStream(utf8(big + "|" + big + "|")), utf8("|"), 16);
    assertEquals(List.of(new Document(big), new Document(big)), records);
  }

  @Test
  void thePublicEntryPointUsesTheDefaultBuffer() {
    List<Record> out = new ArrayList<>();
    RecordParsers.splitSeparated(new ByteArrayInputStream(utf8("a||b")), utf8("||"), out::add);
    assertEquals(List.of(new Document("a"), new Document("b")), out);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RecordParsers.splitSeparated(
                new ByteArrayInputStream(new byte[0]), new byte[0], out::add));
  }
}
