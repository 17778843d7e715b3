package io.scalinglab.trainer.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte tokenizer: UTF-8 bytes as 0..255, then 256. */
class ByteTokenizerTest {
  private final Tokenizer bytes = Tokenizers.forName("byte");

  @Test
  void describesItself() {
    assertEquals("byte", bytes.name());
    assertEquals(257, bytes.vocabSize());
    assertEquals(256, bytes.eot());
  }

  @Test
  void encodesUtf8BytesUnsignedThenEot() {
    assertArrayEquals(new int[] {'H', 'i', 256}, bytes.encodeDocument("Hi"));
    assertArrayEquals(
        new int[] {0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x8E, 0x89, 256},
        bytes.encodeDocument("é€🎉"));
    assertArrayEquals(new int[] {256}, bytes.encodeDocument(""));
  }

  @Test
  void countsWithoutEncodingAndAgrees() {
    for (String s : new String[] {"", "ascii", "é€🎉", "a\uD800b", "\uDFFF", "\uD83D"}) {
      assertEquals(bytes.encodeDocument(s).length, bytes.countTokens(s), s);
    }
  }

  @Test
  void unpairedSurrogatesBecomeTheReplacementCharacter() {
    byte[] replacement = "\uFFFD".getBytes(StandardCharsets.UTF_8);
    int[] tokens = bytes.encodeDocument("\uD800");
    assertEquals(replacement.length + 1, tokens.length);
    for (int i = 0; i < replacement.length; i++) {
      assertEquals(replacement[i] & 0xFF, tokens[i]);
    }
  }
}
