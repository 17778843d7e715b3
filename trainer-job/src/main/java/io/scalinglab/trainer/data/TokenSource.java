package io.scalinglab.trainer.data;

import static java.util.Objects.requireNonNull;

/**
 * A split's tokens, read by position: a heap array for small splits and tests, or the split's
 * shards memory-mapped from local copies (see {@link ShardData}) so a run's heap does not grow with
 * its training data. Positions are {@code long}: OpenWebText's training split holds about 9e9
 * tokens, more than one Java array can. Implementations are immutable and thread-safe.
 */
public interface TokenSource {
  /** How many tokens the source holds. */
  long length();

  /**
   * Copies tokens {@code [offset, offset + count)} into {@code dst[dstOffset, dstOffset + count)},
   * uint16 values held as int.
   *
   * @throws IndexOutOfBoundsException if either range lies outside its array or source
   */
  void read(long offset, int[] dst, int dstOffset, int count);

  /** The tokens of {@code tokens}, shared, not copied. */
  static TokenSource of(int[] tokens) {
    return new ArrayTokens(requireNonNull(tokens, "tokens"));
  }
}
