package io.scalinglab.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
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

  /**
   * Start offsets that the {@code int[]}-only implementation (before token sources) drew over
   * 100,000 tokens with 90,000 usable, block 64, batch 4: runs resume from checkpoints and compare
   * trajectories, so these must never change.
   */
  @Test
  void theWindowsOfEarlierVersionsAreDrawnUnchanged() {
    int[] tokens = IntStream.range(0, 100_000).toArray();
    long[] seeds = {0, 7, 12345};
    int[][][] golden = {
      {
        {2956, 15985, 28933, 72987}, {70251, 36816, 17566, 13072},
        {52438, 15843, 75765, 25859}, {32760, 25538, 83382, 37606},
        {9425, 78682, 89337, 87905}, {87663, 81383, 79238, 85425}
      },
      {
        {65496, 58229, 84957, 25451}, {34121, 25329, 68094, 2918},
        {76106, 3410, 48523, 1248}, {28158, 51481, 80221, 47138},
        {21988, 64298, 41010, 22235}, {52979, 63138, 62485, 53813}
      },
      {
        {11850, 37320, 67292, 74761}, {56496, 19143, 72675, 55944},
        {16321, 37934, 88665, 28551}, {18156, 12899, 60137, 18040},
        {8505, 49033, 44759, 41948}, {6761, 42944, 3440, 50813}
      }
    };
    int[] fixed = {75301, 71941, 62303, 85783, 17420, 47128, 23984, 67039};
    for (int s = 0; s < seeds.length; s++) {
      TokenWindows w = new TokenWindows(tokens, 90_000, 64, seeds[s]);
      for (int step = 0; step < 3; step++) {
        for (int micro = 0; micro < 2; micro++) {
          assertArrayEquals(
              golden[s][2 * step + micro],
              starts(w.batch(step, micro, 4)),
              "seed " + seeds[s] + " step " + step + " micro " + micro);
        }
      }
      List<TokenWindows.Batch> f = w.fixedBatches(2, 4, 99);
      int[] got = new int[8];
      System.arraycopy(starts(f.get(0)), 0, got, 0, 4);
      System.arraycopy(starts(f.get(1)), 0, got, 4, 4);
      assertArrayEquals(fixed, got);
    }
  }

  /** Tokens are their positions here, so a row's first input token is its start. */
  private static int[] starts(TokenWindows.Batch b) {
    int[] out = new int[b.batchSize()];
    for (int row = 0; row < out.length; row++) {
      out[row] = b.x()[row * b.block()];
    }
    return out;
  }

  /**
   * 3e9 tokens that exist only as a function of their position, a split too large for an int
   * offset, to check the long arithmetic without storage. It remembers where it was read.
   */
  private static final class Synthetic implements TokenSource {
    static final long LENGTH = 3_000_000_000L;
    final List<Long> offsets = new java.util.ArrayList<>();

    static int token(long position) {
      return (int) ((position * 0x9E3779B97F4A7C15L) >>> 48); // a uint16 that varies with position
    }

    @Override
    public long length() {
      return LENGTH;
    }

    @Override
    public void read(long offset, int[] dst, int dstOffset, int count) {
      ArrayTokens.checkRange(offset, count, LENGTH, dst, dstOffset);
      offsets.add(offset);
      for (int j = 0; j < count; j++) {
        dst[dstOffset + j] = token(offset + j);
      }
    }
  }

  @Test
  void splitsLargerThanAnIntAreDrawnFromWholeWithLongOffsets() {
    Synthetic source = new Synthetic();
    long usable = Synthetic.LENGTH - 1000;
    TokenWindows w = new TokenWindows(source, usable, BLOCK, 5);
    long beyondInt = 0;
    for (int step = 0; step < 100; step++) {
      int before = source.offsets.size();
      TokenWindows.Batch b = w.batch(step, 0, 8);
      for (int row = 0; row < 8; row++) {
        long start = source.offsets.get(before + row);
        assertTrue(start >= 0 && start <= usable - BLOCK - 1, "start " + start);
        beyondInt += start > Integer.MAX_VALUE ? 1 : 0;
        for (int j = 0; j < BLOCK; j++) {
          assertEquals(Synthetic.token(start + j), b.x()[row * BLOCK + j]);
          assertEquals(Synthetic.token(start + j + 1), b.y()[row * BLOCK + j]);
        }
      }
    }
    // 28% of [0, 3e9) lies above 2^31: none of 800 draws landing there has probability 1e-115.
    assertTrue(beyondInt > 0, "no start above Integer.MAX_VALUE");
    assertEquals(usable, w.usableTokens());
  }

  @Test
  void startsUseNextIntUpToTheLargestIntRangeAndNextLongBeyond() {
    long intRange = (long) Integer.MAX_VALUE + BLOCK; // usable - block = Integer.MAX_VALUE
    TokenWindows atInt = new TokenWindows(new Synthetic(), intRange, BLOCK, 0);
    TokenWindows beyond = new TokenWindows(new Synthetic(), intRange + 1, BLOCK, 0);
    for (long seed = 0; seed < 20; seed++) {
      assertEquals(
          new SplittableRandom(seed).nextInt(Integer.MAX_VALUE),
          atInt.start(new SplittableRandom(seed)));
      assertEquals(
          new SplittableRandom(seed).nextLong(Integer.MAX_VALUE + 1L),
          beyond.start(new SplittableRandom(seed)));
    }
  }
}
