package io.scalinglab.trainer.prepare;

import java.io.Serializable;

/**
 * Which documents form the validation split, decided by each document's split key ({@link
 * DocumentKeys}): those whose key maps below {@code valFraction} in [0, 1), and, when {@code
 * dataset.val-documents} asks for more, every document whose 53-bit split rank is at most {@code
 * maxRank}, the rank of the N-th smallest key of the corpus. Both rules take the smallest keys, so
 * together they are the max(N, val-fraction's count) documents with the smallest keys (a few more
 * when identical documents share a key): still a function of the text and the seed alone.
 *
 * @param valFraction the share of {@code dataset.val-fraction}
 * @param maxRank largest split rank that goes to validation regardless of the fraction; -1 for none
 */
record ValidationSplit(double valFraction, long maxRank) implements Serializable {

  /** The split of {@code dataset.val-fraction} alone. */
  static ValidationSplit ofFraction(double valFraction) {
    return new ValidationSplit(valFraction, -1);
  }

  /** The 53-bit rank of a split key, the bits {@link DocumentKeys} maps to [0, 1). */
  static long rank(long splitKey) {
    return splitKey >>> 11;
  }

  /** Whether the document with split key {@code splitKey} belongs to validation. */
  boolean contains(long splitKey) {
    return DocumentKeys.unitInterval(splitKey) < valFraction || rank(splitKey) <= maxRank;
  }
}
