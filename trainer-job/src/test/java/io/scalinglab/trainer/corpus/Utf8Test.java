package io.scalinglab.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The validator must agree with Java's strict UTF-8 decoder, which the parsers stand in for. */
class Utf8Test {

  /** Bytes that sit on the edges of the UTF-8 well-formedness table, plus ASCII. */
  private static final int[] INTERESTING = {
    0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
    0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF
  };

  private static boolean javaAccepts(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void agreesWithJavasStrictDecoderOnRandomBytes() {
    SplittableRandom random = new SplittableRandom(20240611);
    for (int trial = 0; trial < 200_000; trial++) {
      byte[] b = new byte[random.nextInt(1, 7)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
      }
      boolean ours = Utf8.firstInvalid(b, 0, b.length) < 0;
      assertEquals(javaAccepts(b), ours, () -> "bytes " + hex(b));
    }
  }

  @Test
  void streamingVerdictDoesNotDependOnChunking() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 20_000; trial++) {
      // Mostly-valid text with one byte changed, or bytes drawn from the table's edges.
      byte[] b;
      if (random.nextBoolean()) {
        b = "añ€😀 x".repeat(3).getBytes(StandardCharsets.UTF_8);
        b[random.nextInt(b.length)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
      } else {
        b = new byte[random.nextInt(1, 12)];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
        }
      }
      int whole = Utf8.firstInvalid(b, 0, b.length);
      Utf8 check = new Utf8();
      int pos = 0;
      boolean ok = true;
      while (ok && pos < b.length) {
        int n = random.nextInt(1, b.length - pos + 1);
        ok = check.feed(b, pos, n);
        pos += n;
      }
      int streamed = ok && check.complete() ? -1 : (int) check.errorPosition();
      assertEquals(whole, streamed, () -> "bytes " + hex(b));
    }
  }

  @Test
  void reportsWhereTheIllFormedCharacterStarts() {
    byte[] euro = "ab€".getBytes(StandardCharsets.UTF_8); // 61 62 E2 82 AC
    assertEquals(-1, Utf8.firstInvalid(euro, 0, euro.length));
    assertEquals(2, Utf8.firstInvalid(euro, 0, 4), "truncated: the lead byte's offset");
    byte[] bad = {0x61, (byte) 0xE2, 0x41};
    assertEquals(1, Utf8.firstInvalid(bad, 0, 3), "cut short by 'A'");
    byte[] surrogate = {0x20, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
    assertEquals(1, Utf8.firstInvalid(surrogate, 0, 4));
    byte[] overlong = {0x20, 0x20, (byte) 0xC0, (byte) 0x80};
    assertEquals(2, Utf8.firstInvalid(overlong, 0, 4));
    byte[] tooHigh = {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80};
    assertEquals(0, Utf8.firstInvalid(tooHigh, 0, 4));
    byte[] loneContinuation = {0x41, (byte) 0x80};
    assertEquals(1, Utf8.firstInvalid(loneContinuation, 0, 2));
    assertEquals(-1, Utf8.firstInvalid(euro, 1, 4), "offsets are relative to off");
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02X ", x));
    }
    return sb.toString().trim();
  }
}
