package io.scalinglab.analysis.sweep;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;

/**
 * The unigram and bigram entropies of a token sequence in nats per token: reference levels for a
 * language model's loss on the same tokens.
 *
 * <p>{@code unigram} is H(X) of the tokens' frequencies, the loss of the best model that ignores
 * context; {@code bigram} is the conditional entropy H(X_t | X_{t-1}) of adjacent pairs, the loss
 * of the best model that sees one token back. Both are plug-in estimates from the sequence's own
 * counts, so they are what a unigram or bigram table fitted to these very tokens scores: optimistic
 * (biased low) by roughly (cells with counts − 1) / (2 · tokens) (Miller 1955), which the record
 * carries as {@code bigramBias} so a reader can judge it.
 *
 * @param tokens tokens counted
 * @param unigram H(X) in nats per token
 * @param bigram H(X_t | X_{t-1}) in nats per token
 * @param bigramBias Miller's first-order bias of the bigram estimate, in nats
 */
public record TokenEntropy(long tokens, double unigram, double bigram, double bigramBias) {

  /** The entropies of {@code tokens[0..length)}, which must hold at least two tokens. */
  public static TokenEntropy of(int[] tokens, int length) {
    requireNonNull(tokens, "tokens");
    if (length < 2 || length > tokens.length) {
      throw new IllegalArgumentException(
          "length " + length + " must be in [2, " + tokens.length + "]");
    }
    Map<Integer, long[]> single = new HashMap<>();
    Map<Long, long[]> pairs = new HashMap<>();
    Map<Integer, long[]> previous = new HashMap<>();
    for (int i = 0; i < length; i++) {
      single.computeIfAbsent(tokens[i], k -> new long[1])[0]++;
      if (i > 0) {
        long key = ((long) tokens[i - 1] << 32) | (tokens[i] & 0xffffffffL);
        pairs.computeIfAbsent(key, k -> new long[1])[0]++;
        previous.computeIfAbsent(tokens[i - 1], k -> new long[1])[0]++;
      }
    }
    double unigram = 0;
    for (long[] c : single.values()) {
      double p = (double) c[0] / length;
      unigram -= p * Math.log(p);
    }
    // H(X_t | X_{t-1}) = H(X_{t-1}, X_t) - H(X_{t-1}) over the length - 1 adjacent pairs.
    long n = length - 1L;
    double joint = 0;
    for (long[] c : pairs.values()) {
      double p = (double) c[0] / n;
      joint -= p * Math.log(p);
    }
    double first = 0;
    for (long[] c : previous.values()) {
      double p = (double) c[0] / n;
      first -= p * Math.log(p);
    }
    double bias = (pairs.size() - previous.size()) / (2.0 * n);
    return new TokenEntropy(length, unigram, joint - first, bias);
  }
}
