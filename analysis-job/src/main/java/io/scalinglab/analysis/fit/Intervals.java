package io.scalinglab.analysis.fit;

import java.util.Objects;

/**
 * How the intervals of a fit's parameters were made, so every output can say it: the method, in
 * words, its level and degrees of freedom, or why there is no interval.
 *
 * @param method {@code t} (Student t around the least-squares line), {@code bootstrap} (percentile
 *     interval over resamples of the points), {@code parametric-bootstrap} (percentile interval
 *     over refits to the fitted law plus Gaussian noise of the residuals' size) or {@code none}
 * @param description the method in one sentence, for reports
 * @param level the two-sided level of the intervals
 * @param degreesOfFreedom n − p of the t interval; 0 for the other methods
 * @param absent why the fit has no interval; empty when it has one
 */
public record Intervals(
    String method, String description, double level, int degreesOfFreedom, String absent) {
  public static final String T = "t";
  public static final String BOOTSTRAP = "bootstrap";
  public static final String PARAMETRIC_BOOTSTRAP = "parametric-bootstrap";
  public static final String NONE = "none";

  public Intervals {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(absent, "absent");
  }

  /** No interval, for the reason {@code why}. */
  static Intervals none(double level, String why) {
    return new Intervals(NONE, "none: " + why, level, 0, why);
  }

  /** Whether the parameters have intervals. */
  public boolean present() {
    return absent.isEmpty();
  }
}
