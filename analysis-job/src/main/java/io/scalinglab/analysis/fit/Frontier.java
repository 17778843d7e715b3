package io.scalinglab.analysis.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The compute-optimal frontier of a joint law L(N, D) = E + A/N^α + B/D^β under the budget C ≈
 * 6·N·D (Hoffmann et al. 2022, appendix D.2): minimising L at fixed C gives N_opt = G·(C/6)^a and
 * D_opt = G^−1·(C/6)^b with a = β/(α+β), b = α/(α+β) and G = (αA/(βB))^(1/(α+β)).
 *
 * <p>Intervals are percentile intervals over the bootstrap fits the Chinchilla fit kept ({@link
 * Fit.Fitted#samples()}): every resample's parameters give its own frontier, so the intervals carry
 * the fit's uncertainty, correlations between parameters included.
 *
 * @param a the exponent of N_opt in C, with its interval
 * @param b the exponent of D_opt in C, with its interval
 * @param points the frontier at each budget
 * @param level two-sided level of every interval
 * @param resamples bootstrap fits behind the intervals (0: no intervals, NaN ends)
 */
public record Frontier(Estimate a, Estimate b, List<Point> points, double level, int resamples) {

  /**
   * The frontier at one budget.
   *
   * @param flops the budget C in FLOPs
   * @param nOpt compute-optimal parameters, with its interval
   * @param dOpt compute-optimal tokens, with its interval
   * @param loss the loss the law predicts at (N_opt, D_opt), with its interval
   */
  public record Point(double flops, Estimate nOpt, Estimate dOpt, Estimate loss) {}

  public Frontier {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    points = List.copyOf(points);
  }

  /**
   * The frontier of a fitted Chinchilla law at each of {@code budgets} (FLOPs), with intervals at
   * {@code level} from its bootstrap samples.
   */
  public static Frontier of(Fit.Fitted fit, double[] budgets, double level) {
    if (fit.form() != FitForm.CHINCHILLA) {
      throw new IllegalArgumentException(
          "the compute-optimal frontier needs a chinchilla fit, L = E + A/N^α + B/D^β; got "
              + fit.form().key());
    }
    double[][] samples = fit.samples();
    Estimate a = estimate("a", exponentA(fit.values()), samples, Frontier::exponentA, level);
    Estimate b = estimate("b", 1 - exponentA(fit.values()), samples, p -> 1 - exponentA(p), level);
    List<Point> points = new ArrayList<>();
    for (double c : budgets) {
      if (!(c > 0) || !Double.isFinite(c)) {
        throw new IllegalArgumentException("a FLOP budget must be a positive number, got " + c);
      }
      points.add(
          new Point(
              c,
              estimate("N_opt", nOpt(fit.values(), c), samples, p -> nOpt(p, c), level),
              estimate("D_opt", dOpt(fit.values(), c), samples, p -> dOpt(p, c), level),
              estimate("loss", lossOpt(fit.values(), c), samples, p -> lossOpt(p, c), level)));
    }
    return new Frontier(a, b, points, level, samples.length);
  }

  /**
   * {@code count} budgets evenly spaced in log between {@code low} and {@code high} FLOPs, both
   * included.
   */
  public static double[] budgets(double low, double high, int count) {
    if (!(low > 0) || !(high >= low) || count < 1) {
      throw new IllegalArgumentException(
          "budgets need 0 < low <= high and count >= 1, got " + low + ", " + high + ", " + count);
    }
    double[] c = new double[count];
    for (int i = 0; i < count; i++) {
      double t = count == 1 ? 0 : (double) i / (count - 1);
      c[i] = Math.exp(Math.log(low) + t * (Math.log(high) - Math.log(low)));
    }
    return c;
  }

  /** a = β/(α+β); parameters in {@link FitForm#CHINCHILLA}'s order E, A, B, α, β. */
  static double exponentA(double[] p) {
    return p[4] / (p[3] + p[4]);
  }

  /** G = (αA/(βB))^(1/(α+β)). */
  static double g(double[] p) {
    return Math.pow(p[3] * p[1] / (p[4] * p[2]), 1 / (p[3] + p[4]));
  }

  static double nOpt(double[] p, double c) {
    return g(p) * Math.pow(c / 6, exponentA(p));
  }

  static double dOpt(double[] p, double c) {
    return Math.pow(c / 6, 1 - exponentA(p)) / g(p);
  }

  static double lossOpt(double[] p, double c) {
    return FitForm.CHINCHILLA.predict(p, new double[] {nOpt(p, c), dOpt(p, c)});
  }

  private interface Of {
    double at(double[] p);
  }

  private static Estimate estimate(
      String name, double value, double[][] samples, Of f, double level) {
    double[] s = new double[samples.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = f.at(samples[i]);
    }
    return Bootstrap.estimate(name, value, s, level);
  }
}
