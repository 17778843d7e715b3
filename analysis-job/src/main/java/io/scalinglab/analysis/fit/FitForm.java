package io.scalinglab.analysis.fit;

import java.util.List;
import java.util.Locale;

/** The functional form of a scaling law, its inputs and its parameters. */
public enum FitForm {
  /** L = C·x^(−α), fitted by least squares on log L against log x. */
  POWER("power", 1, List.of("C", "alpha"), "L = C·x^(−α)"),
  /** L = E + B·x^(−α), an irreducible loss E plus a power law. */
  OFFSET("offset", 1, List.of("E", "B", "alpha"), "L = E + B·x^(−α)"),
  /** L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, approach 3). */
  CHINCHILLA("chinchilla", 2, List.of("E", "A", "B", "alpha", "beta"), "L = E + A/N^α + B/D^β");

  private final String key;
  private final int inputs;
  private final List<String> parameters;
  private final String formula;

  FitForm(String key, int inputs, List<String> parameters, String formula) {
    this.key = key;
    this.inputs = inputs;
    this.parameters = parameters;
    this.formula = formula;
  }

  /**
   * The name on the command line and in files: {@code power}, {@code offset}, {@code chinchilla}.
   */
  public String key() {
    return key;
  }

  /** How many x columns the form takes: 1, or 2 (N and D) for Chinchilla. */
  public int inputs() {
    return inputs;
  }

  /** Parameter names in the order of {@link Fit.Fitted#values()}. */
  public List<String> parameters() {
    return parameters;
  }

  /** The law in one line, for reports. */
  public String formula() {
    return formula;
  }

  /** The index of the exponent on input {@code j}: α for the first input, β for the second. */
  public int exponentIndex(int j) {
    return switch (this) {
      case POWER -> 1;
      case OFFSET -> 2;
      case CHINCHILLA -> 3 + j;
    };
  }

  /** The loss the law with parameter values {@code p} predicts at {@code x}. */
  public double predict(double[] p, double[] x) {
    return switch (this) {
      case POWER -> p[0] * Math.pow(x[0], -p[1]);
      case OFFSET -> p[0] + p[1] * Math.pow(x[0], -p[2]);
      case CHINCHILLA -> p[0] + p[1] * Math.pow(x[0], -p[3]) + p[2] * Math.pow(x[1], -p[4]);
    };
  }

  /** The form named {@code text} (any case); fails listing the names. */
  public static FitForm parse(String text) {
    for (FitForm f : values()) {
      if (f.key.equalsIgnoreCase(text.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a fit form: use power, offset or chinchilla");
  }

  @Override
  public String toString() {
    return key.toLowerCase(Locale.ROOT);
  }
}
