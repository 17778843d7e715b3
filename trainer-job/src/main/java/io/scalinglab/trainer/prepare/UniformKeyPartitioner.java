package io.scalinglab.trainer.prepare;

import org.apache.spark.Partitioner;

/**
 * Range partitioner for keys that are uniform over all 64-bit values, as the SHA-256 order keys
 * are: partition {@code i} holds the i-th of {@code n} equal slices of the signed key range. It
 * needs no sampling pass (Spark's RangePartitioner reads the whole input once to find bounds), and
 * partitions in index order, each sorted, give the global key order.
 */
final class UniformKeyPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private static final double TWO_POW_53 = 9007199254740992.0;

  private final int partitions;

  UniformKeyPartitioner(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    return partitionOf((Long) key, partitions);
  }

  /** The slice of a key: monotone in the key's signed order. */
  static int partitionOf(long key, int partitions) {
    double unit = ((key ^ Long.MIN_VALUE) >>> 11) / TWO_POW_53; // signed order -> [0, 1)
    return Math.min(partitions - 1, (int) (unit * partitions));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UniformKeyPartitioner p && p.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return partitions;
  }
}
