package io.scalinglab.core.config;

/**
 * How the interval of a power-law fit's parameters is computed; see {@code analysis.interval}.
 *
 * <p>{@code t}: the Student-t interval of the least-squares slope and intercept of log L on log x,
 * with n − 2 degrees of freedom; exact when the noise is Gaussian in log space, whatever n ≥ 3.
 * {@code bootstrap}: the percentile interval over resamples of the points (Efron 1979), which is
 * too narrow with few points (62 % coverage of a nominal 95 % at 3 points, 90 % at 4).
 */
public enum IntervalMethod implements KeyedEnum {
  /** Student t with n − 2 degrees of freedom, exact under Gaussian noise in log space. */
  T("t"),
  /** Percentile interval of refits on resamples of the points. */
  BOOTSTRAP("bootstrap");

  private final String key;

  IntervalMethod(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** The method spelled {@code text} (key or Java name, any case); fails listing the names. */
  public static IntervalMethod parse(String text) {
    return KeyedEnum.parse(IntervalMethod.class, text);
  }
}
