package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Windows over tokens whose value is their position, so a window's content shows where it was cut
 * from: 1000 tokens, of which the first 500 are usable, block 16.
 */
class TokenWindowsTest {
  private static final int[] TOKENS = IntStream.range(0, 1000).toArray();
  private static final int USABLE = 500;
  private static final int BLOCK = 16;

  private static TokenWindows windows(long seed) {
    return new TokenWindows(TOKENS, USABLE, BLOCK, seed);
  }

  private static boolean same(TokenWindows.Batch a, TokenWindows.Batch b) {
    return Arrays.equals(a.x(), b.x()) && Arrays.equals(a.y(), b.y());
  }

  @Test
  void theSameStepGivesTheSameBatchWhateverCameBefore() {
    TokenWindows w = windows(7);
    TokenWindows.Batch first = w.batch(3, 1, 8);
    w.batch(4, 0, 8);
    w.batch(0, 0, 8);
    assertTrue(same(first, w.batch(3, 1, 8)));
    // A resumed run builds a new instance: still the same batch.
    assertTrue(same(first, windows(7).batch(3, 1, 8)));
  }

  @Test
  void seedsStepsAndMicroStepsGiveDifferentBatches() {
    TokenWindows.Batch base = windows(7).batch(3, 1, 8);
    assertFalse(same(base, windows(8).batch(3, 1, 8)));
    assertFalse(same(base, windows(7).batch(4, 1, 8)));
    assertFalse(same(base, windows(7).batch(3, 0, 8)));
    assertFalse(same(windows(7).batch(0, 1, 8), windows(7).batch(1, 0, 8)));
  }

  @Test
  void windowsAreConsecutiveTargetsShiftedByOneAndInsideTheUsablePrefix() {
    TokenWindows w = windows(11);
    int lowest = Integer.MAX_VALUE;
    int highest = Integer.MIN_VALUE;
    for (int step = 0; step < 2000; step++) {
      TokenWindows.Batch b = w.batch(step, 0, 8);
      assertEquals(8, b.batchSize());
      assertEquals(BLOCK, b.block());
      for (int row = 0; row < 8; row++) {
        int start = b.x()[row * BLOCK];
        for (int j = 0; j < BLOCK; j++) {
          assertEquals(start + j, b.x()[row * BLOCK + j]);
          assertEquals(start + j + 1, b.y()[row * BLOCK + j]);
        }
        lowest = Math.min(lowest, start);
        highest = Math.max(highest, start);
      }
    }
    // nanoGPT's range [0, usable - block - 1]: the last target is token usable - 1. With 16,000
    // draws over 484 starts, missing an end has probability about 2 * exp(-33).
    assertEquals(0, lowest);
    assertEquals(USABLE - BLOCK - 1, highest);
  }

  @Test
  void fixedBatchesDependOnlyOnTheirSeed() {
    List<TokenWindows.Batch> a = windows(1).fixedBatches(4, 8, 99);
    List<TokenWindows.Batch> b = windows(2).fixedBatches(4, 8, 99);
    assertEquals(4, a.size());
    for (int i = 0; i < 4; i++) {
      assertTrue(same(a.get(i), b.get(i)));
    }
    assertFalse(same(a.get(0), a.get(1)));
    assertFalse(same(a.get(0), windows(1).fixedBatches(1, 8, 100).get(0)));
    // Not the training stream of the same seed.
    assertFalse(same(a.get(0), windows(99).batch(0, 0, 8)));
  }

  @Test
  void theSmallestUsablePrefixHasOneWindow() {
    TokenWindows w = new TokenWindows(TOKENS, BLOCK + 1, BLOCK, 3);
    TokenWindows.Batch b = w.batch(0, 0, 2);
    assertArrayEquals(IntStream.range(0, BLOCK).toArray(), Arrays.copyOf(b.x(), BLOCK));
    assertArrayEquals(
        IntStream.range(1, BLOCK + 1).toArray(), Arrays.copyOfRange(b.y(), BLOCK, 32));
  }

  @Test
  void badArgumentsAreRefusedWithTheirValues() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TokenWindows(TOKENS, 16, 16, 0));
    assertTrue(e.getMessage().contains("'16' in usableTokens"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TokenWindows(TOKENS, 1001, 16, 0));
    assertTrue(e.getMessage().contains("only 1000 tokens"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TokenWindows(TOKENS, 100, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> windows(0).batch(-1, 0, 8));
    assertThrows(IllegalArgumentException.class, () -> windows(0).batch(0, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new TokenWindows.Batch(new int[3], new int[3], 2, 2));
  }
}
