package io.scalinglab.trainer.prepare;

import io.scalinglab.core.error.ConfigException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Nested data-size subsets of the training tokens. A subset is the first {@code tokens} tokens of
 * the training stream, which is written in the fixed shuffled document order; so every smaller
 * subset is a prefix of every larger one.
 */
public final class Subsets {
  private Subsets() {}

  /** One subset: a name for configs and tables, the fraction if defined by one, its tokens. */
  public record Subset(String name, Double fraction, long tokens) {}

  /**
   * Resolves the configured fractions and token counts against the training size, smallest first,
   * without duplicates of the same size.
   *
   * @throws ConfigException if a token count exceeds the training tokens
   */
  public static List<Subset> resolve(List<Double> fractions, List<Long> tokenCounts, long total) {
    List<Subset> out = new ArrayList<>();
    for (double f : fractions) {
      long tokens = Math.max(1, (long) Math.floor(f * total));
      out.add(new Subset(fractionName(f), f, tokens));
    }
    for (long t : tokenCounts) {
      if (t > total) {
        throw new ConfigException(
            String.format(
                Locale.ROOT,
                "'%d' in dataset.subsets.tokens is invalid: the training split has only %d tokens;"
                    + " use a smaller count or a fraction in dataset.subsets.fractions",
                t,
                total));
      }
      out.add(new Subset("t" + t, null, t));
    }
    out.sort(Comparator.comparingLong(Subset::tokens));
    List<Subset> unique = new ArrayList<>();
    for (Subset s : out) {
      if (unique.isEmpty() || unique.get(unique.size() - 1).tokens() != s.tokens()) {
        unique.add(s);
      }
    }
    return List.copyOf(unique);
  }

  private static String fractionName(double f) {
    String s = new java.math.BigDecimal(Double.toString(f)).stripTrailingZeros().toPlainString();
    return "f" + s;
  }
}
