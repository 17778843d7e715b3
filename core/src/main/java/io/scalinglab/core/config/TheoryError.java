package io.scalinglab.core.config;

/**
 * Which error the loss is compared with when exponents are predicted from the intrinsic dimension;
 * see {@code analysis.theory.error}. Havrilla & Liao (NeurIPS 2024) bound the squared error; the
 * root error falls half as fast.
 */
public enum TheoryError implements KeyedEnum {
  /** Loss scales like the squared error: α_D = 2β/(2β+d), α_N = 2β/d. */
  SQUARED("squared", 1.0),
  /** Loss scales like the root error: half of each squared-error exponent. */
  ROOT("root", 0.5);

  private final String key;
  private final double factor;

  TheoryError(String key, double factor) {
    this.key = key;
    this.factor = factor;
  }

  @Override
  public String key() {
    return key;
  }

  /** What the squared-error exponents are multiplied by: 1 for squared, 1/2 for root. */
  public double factor() {
    return factor;
  }

  /** The convention spelled {@code text} (key or Java name, any case); fails listing the names. */
  public static TheoryError parse(String text) {
    return KeyedEnum.parse(TheoryError.class, text);
  }
}
