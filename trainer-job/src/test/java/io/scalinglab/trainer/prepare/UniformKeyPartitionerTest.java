package io.scalinglab.trainer.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UniformKeyPartitionerTest {
  @Test
  void partitionIsMonotoneInSignedKeyOrder() {
    long[] keys = new SplittableRandom(3).longs(100_000).toArray();
    Arrays.sort(keys);
    int previous = 0;
    for (long k : keys) {
      int p = UniformKeyPartitioner.partitionOf(k, 7);
      assertTrue(p >= previous, "partition of " + k + " went back from " + previous);
      previous = p;
    }
    assertEquals(0, UniformKeyPartitioner.partitionOf(Long.MIN_VALUE, 7));
    assertEquals(6, UniformKeyPartitioner.partitionOf(Long.MAX_VALUE, 7));
  }

  @Test
  void uniformKeysFillPartitionsEvenly() {
    int[] counts = new int[8];
    SplittableRandom rnd = new SplittableRandom(5);
    int n = 80_000;
    for (int i = 0; i < n; i++) {
      counts[UniformKeyPartitioner.partitionOf(rnd.nextLong(), 8)]++;
    }
    // Binomial(80000, 1/8): sd ≈ 93.5; 5 sd ≈ 468.
    for (int c : counts) {
      assertEquals(10_000, c, 468);
    }
  }
}
