package io.scalinglab.core.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.InputException;
import io.scalinglab.core.format.TokenShards.ShardInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenShardsTest {
  /**
   * Reference bytes and hash from numpy ({@code src/test/resources/reference/token_shard.py},
   * output in its header): {@code np.array([0, 1, 255, 256, 50256, 65535],
   * dtype=np.uint16).tobytes()} and its {@code hashlib.sha256(...).hexdigest()}; nanoGPT's
   * prepare.py writes train.bin the same way.
   */
  private static final int[] TOKENS = {0, 1, 255, 256, 50256, 65535};

  private static final String NUMPY_BYTES = "00000100ff00000150c4ffff";
  private static final String NUMPY_SHA256 =
      "3adcd535d773f50c85e69eabe2d729c36067e3b9c450fad3fc50a4f636581e3f";

  @Test
  void writesNanoGptLayoutAndHashesIt() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter w = TokenShards.writer(out, 65536);
    w.write(TOKENS[0]);
    w.write(TOKENS, 1, TOKENS.length - 1);
    ShardInfo info = w.close();

    assertEquals(NUMPY_BYTES, HexFormat.of().formatHex(out.toByteArray()));
    assertEquals(new ShardInfo(6, 12, NUMPY_SHA256), info);
    assertEquals(info, w.close(), "close is idempotent");
    assertEquals(NUMPY_SHA256, TokenShards.sha256(new ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  void readsNumpyBytes() {
    byte[] bytes = HexFormat.of().parseHex(NUMPY_BYTES);
    assertArrayEquals(TOKENS, TokenShards.readAll(new ByteArrayInputStream(bytes), "x.bin", 0));
    assertArrayEquals(TOKENS, TokenShards.readAll(new ByteArrayInputStream(bytes), "x.bin", 65536));
  }

  @Test
  void roundTripsAcrossBufferAndReadBoundaries() throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    int[] tokens = random.ints(200_003, 0, 50257).toArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter w = TokenShards.writer(out, 50257);
    for (int i = 0; i < tokens.length; i += 1000) {
      w.write(tokens, i, Math.min(1000, tokens.length - i));
    }
    ShardInfo info = w.close();
    assertEquals(tokens.length, info.tokens());
    assertEquals(2L * tokens.length, info.bytes());
    assertEquals(2L * tokens.length, out.size());

    // Reads of odd sizes split tokens between reads, which the decoder must stitch together.
    InputStream oddReads = new OddReads(new ByteArrayInputStream(out.toByteArray()));
    assertArrayEquals(tokens, TokenShards.readAll(oddReads, "x.bin", 50257));
  }

  @Test
  void emptyShard() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardInfo info = TokenShards.writer(out, 10).close();
    assertEquals(new ShardInfo(0, 0, TokenShards.sha256(InputStream.nullInputStream())), info);
    assertEquals(0, TokenShards.readAll(InputStream.nullInputStream(), "e.bin", 10).length);
  }

  @Test
  void writerRejectsTokensOutsideTheVocabulary() throws IOException {
    ShardWriter w = TokenShards.writer(new ByteArrayOutputStream(), 50257);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(50257));
    assertTrue(e.getMessage().contains("50257"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> w.write(-1));
    assertThrows(IllegalArgumentException.class, () -> w.write(new int[] {1, 2, 70000}, 0, 3));
    assertEquals(0, w.close().tokens(), "a rejected slice writes nothing");
  }

  @Test
  void vocabularyMustFitUint16() {
    assertThrows(
        IllegalArgumentException.class, () -> TokenShards.writer(new ByteArrayOutputStream(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> TokenShards.writer(new ByteArrayOutputStream(), 65537));
  }

  @Test
  void oddLengthNamesTheInputAndTheFix() {
    InputException e =
        assertThrows(
            InputException.class,
            () -> TokenShards.readAll(new ByteArrayInputStream(new byte[7]), "data/val.bin", 0));
    assertTrue(e.getMessage().startsWith("data/val.bin: odd byte length 7"), e.getMessage());
    assertTrue(e.getMessage().contains("uint16 little-endian"), e.getMessage());

    InputException count =
        assertThrows(InputException.class, () -> TokenShards.tokenCount(9, "part-0.bin"));
    assertTrue(count.getMessage().contains("odd byte length 9"), count.getMessage());
    assertEquals(4, TokenShards.tokenCount(8, "part-0.bin"));
  }

  @Test
  void tokenOutsideVocabularyNamesPositionAndValue() {
    byte[] bytes = HexFormat.of().parseHex(NUMPY_BYTES);
    InputException e =
        assertThrows(
            InputException.class,
            () -> TokenShards.readAll(new ByteArrayInputStream(bytes), "train.bin", 50257));
    assertTrue(e.getMessage().contains("train.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("token 65535 at position 5"), e.getMessage());
    assertTrue(e.getMessage().contains("another tokenizer"), e.getMessage());
  }

  /** Hands out at most 3 bytes per read, then 1, then 3, ... */
  private static final class OddReads extends FilterInputStream {
    private boolean small;

    OddReads(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      small = !small;
      return super.read(b, off, Math.min(len, small ? 1 : 3));
    }
  }
}
