package io.scalinglab.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mapped shards read back as the array they were written from, whatever the read's span. */
class MappedTokensTest {
  @TempDir Path tmp;

  /** Writes {@code tokens} as a little-endian uint16 file. */
  private Path shard(String name, int[] tokens) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2 * tokens.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int t : tokens) {
      b.putShort((short) t);
    }
    Path p = tmp.resolve(name);
    Files.write(p, b.array());
    return p;
  }

  @Test
  void readsEqualTheConcatenatedShardsForEverySpan() throws IOException {
    // An empty shard, a one-token shard, and pieces of 7 tokens inside the larger shards.
    int[] sizes = {50, 0, 1, 23, 64};
    int[] uses = {50, 0, 1, 23, 40}; // the last shard only partly: a subset prefix
    SplittableRandom rnd = new SplittableRandom(5);
    List<MappedTokens.Shard> shards = new ArrayList<>();
    int[] all = new int[138];
    int at = 0;
    for (int k = 0; k < sizes.length; k++) {
      int[] tokens = rnd.ints(sizes[k], 0, 1 << 16).toArray(); // uint16 values above 2^15 too
      shards.add(new MappedTokens.Shard(shard("s" + k, tokens), uses[k]));
      System.arraycopy(tokens, 0, all, at, uses[k]);
      at += uses[k];
    }
    assertEquals(114, at);
    TokenSource expected = TokenSource.of(java.util.Arrays.copyOf(all, at));
    for (int piece : new int[] {7, MappedTokens.MAX_PIECE_TOKENS}) {
      TokenSource mapped = MappedTokens.map(shards, 1 << 16, piece);
      assertEquals(114, mapped.length());
      for (int offset = 0; offset <= 114; offset++) {
        for (int count = 0; offset + count <= 114; count++) {
          int[] a = new int[count + 2];
          int[] b = new int[count + 2];
          expected.read(offset, a, 1, count);
          mapped.read(offset, b, 1, count);
          assertArrayEquals(a, b, "offset " + offset + " count " + count + " piece " + piece);
        }
      }
      assertThrows(IndexOutOfBoundsException.class, () -> mapped.read(110, new int[8], 0, 5));
      assertThrows(IndexOutOfBoundsException.class, () -> mapped.read(-1, new int[8], 0, 1));
      assertThrows(IndexOutOfBoundsException.class, () -> mapped.read(0, new int[8], 4, 5));
    }
  }

  @Test
  void aTokenOutsideTheVocabularyIsNamedWithItsFileAndPosition() throws IOException {
    Path a = shard("a.bin", new int[] {1, 2, 3});
    Path b = shard("b.bin", new int[] {4, 300, 5});
    TokenSource mapped =
        MappedTokens.map(
            List.of(new MappedTokens.Shard(a, 3), new MappedTokens.Shard(b, 3)), 257, 2);
    int[] out = new int[4];
    mapped.read(0, out, 0, 4);
    InputException e = assertThrows(InputException.class, () -> mapped.read(2, out, 0, 3));
    assertTrue(e.getMessage().startsWith(b.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("token 300 at position 1"), e.getMessage());
  }

  @Test
  void aFileShorterThanItsTokensIsRefused() throws IOException {
    Path a = shard("short.bin", new int[] {1, 2, 3});
    StoreException e =
        assertThrows(
            StoreException.class, () -> MappedTokens.map(List.of(new MappedTokens.Shard(a, 4)), 0));
    assertTrue(e.getMessage().contains("short.bin: holds 6 bytes"), e.getMessage());
  }
}
