package io.scalinglab.core.config;

import io.scalinglab.core.error.ConfigException;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A rule a config value must satisfy, with the words that say what is allowed ({@code must be in
 * (0, 1)}). A record declares each rule once and uses it twice: {@link Settings} applies it to the
 * value read from a file, naming the file and line, and the record's constructor applies it again
 * so a record built in code is as valid as one read from a file.
 *
 * @param rule what is allowed, phrased to follow "is invalid: "
 * @param test true for allowed values
 */
public record Check<T>(String rule, Predicate<? super T> test) {

  public Check {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(test, "test");
  }

  /** A check every value passes. */
  public static <T> Check<T> any() {
    return new Check<>("any value is allowed", v -> true);
  }

  /** Strings of at least one character; whitespace counts, so a separator may be a newline. */
  public static Check<String> nonEmpty() {
    return new Check<>("must not be empty", s -> !s.isEmpty());
  }

  /** Strings that match {@code pattern} in full; {@code meaning} says it in words. */
  public static Check<String> matching(Pattern pattern, String meaning) {
    return new Check<>(
        "must match " + pattern.pattern() + " (" + meaning + ")",
        s -> pattern.matcher(s).matches());
  }

  /** Integers at least {@code min}. */
  public static Check<Long> atLeast(long min) {
    return new Check<>("must be >= " + min, v -> v >= min);
  }

  /** Integers in {@code [min, max]}. */
  public static Check<Long> between(long min, long max) {
    return new Check<>("must be in [" + min + ", " + max + "]", v -> v >= min && v <= max);
  }

  /**
   * Numbers in an interval, each end open or closed; the rule reads as in mathematics, {@code must
   * be in (0, 1]}.
   */
  public static Check<Double> interval(
      double low, boolean lowClosed, double high, boolean highClosed) {
    String rule =
        "must be in "
            + (lowClosed ? "[" : "(")
            + plain(low)
            + ", "
            + plain(high)
            + (highClosed ? "]" : ")");
    return new Check<>(
        rule,
        v ->
            (lowClosed ? v >= low : v > low)
                && (highClosed ? v <= high : v < high)
                && !Double.isNaN(v));
  }

  /** Whether {@code value} is allowed. */
  public boolean allows(T value) {
    return test.test(value);
  }

  /**
   * {@code value} if allowed, else a {@link ConfigException} {@code '<value>' in <key> is invalid:
   * <rule>}; for records built in code, where there is no file to name.
   */
  public T require(String key, T value) {
    if (!allows(value)) {
      throw new ConfigException(Settings.invalid(String.valueOf(value), key, rule, null));
    }
    return value;
  }

  /** {@code 0}, {@code 0.5}, {@code 1}: a bound as a person writes it, not {@code 1.0E-4}. */
  static String plain(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
