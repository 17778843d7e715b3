package io.scalinglab.analysis.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The Huber fits of the offset and Chinchilla forms: L-BFGS on {@link LogSumExpLoss} from every
 * point of the grid Hoffmann et al. (2022, Sec. D.2) give and Epoch AI's replication reuses,
 *
 * <pre>
 * αⱼ ∈ {0, 0.5, …, 2},  e ∈ {−1, −0.5, …, 1},  aⱼ ∈ {0, 5, …, 25}
 * </pre>
 *
 * (4,500 starts for Chinchilla, 150 for the offset form), keeping the lowest objective among the
 * starts that converged under SciPy's stopping rules, then polishing it with {@link
 * Lbfgs.Settings#precise()}. Starts run in parallel; the choice does not depend on their order.
 */
final class HuberGrid {
  private static final double[] EXPONENTS = {0, 0.5, 1, 1.5, 2};
  private static final double[] E_STARTS = {-1, -0.5, 0, 0.5, 1};
  private static final double[] A_STARTS = {0, 5, 10, 15, 20, 25};

  private HuberGrid() {}

  /** The grid of starting points for {@code terms} power-law terms, as parameter vectors. */
  static List<double[]> starts(int terms) {
    List<double[]> out = new ArrayList<>();
    int p = LogSumExpLoss.parameters(terms);
    int combos = (int) Math.pow(EXPONENTS.length * A_STARTS.length, terms) * E_STARTS.length;
    for (int c = 0; c < combos; c++) {
      double[] s = new double[p];
      int rest = c;
      s[terms] = E_STARTS[rest % E_STARTS.length];
      rest /= E_STARTS.length;
      for (int j = 0; j < terms; j++) {
        s[j] = A_STARTS[rest % A_STARTS.length];
        rest /= A_STARTS.length;
        s[terms + 1 + j] = EXPONENTS[rest % EXPONENTS.length];
        rest /= EXPONENTS.length;
      }
      out.add(s);
    }
    return out;
  }

  /** The best converged minimum over the grid, or empty if no start converged. */
  static Optional<Lbfgs.Result> best(LogSumExpLoss loss, int terms) {
    List<double[]> starts = starts(terms);
    Lbfgs.Settings settings = Lbfgs.Settings.scipyDefaults();
    Lbfgs.Result[] results = new Lbfgs.Result[starts.size()];
    IntStream.range(0, starts.size())
        .parallel()
        .forEach(i -> results[i] = Lbfgs.minimize(loss, starts.get(i), settings));
    Lbfgs.Result best = null;
    for (Lbfgs.Result r : results) {
      if (r.converged()
          && Double.isFinite(r.value())
          && (best == null || r.value() < best.value())) {
        best = r;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    Optional<Lbfgs.Result> polished = from(loss, best.x());
    return polished.isPresent() && polished.get().value() <= best.value()
        ? polished
        : Optional.of(best);
  }

  /**
   * The minimum reached from {@code start} with {@link Lbfgs.Settings#precise()}, or empty if the
   * search ended with a gradient above SciPy's tolerance. Bootstrap resamples start at the
   * full-data fit and must be free to move along flat directions.
   */
  static Optional<Lbfgs.Result> from(LogSumExpLoss loss, double[] start) {
    Lbfgs.Result r = Lbfgs.minimize(loss, start, Lbfgs.Settings.precise());
    double tolerance = Lbfgs.Settings.scipyDefaults().gradientTolerance();
    return r.convergedWithin(tolerance) && Double.isFinite(r.value())
        ? Optional.of(r)
        : Optional.empty();
  }

  /** Parameter values in the form's order from the log-sum-exp vector {@code [a…, e, α…]}. */
  static double[] natural(double[] theta, int terms) {
    double[] v = new double[theta.length];
    v[0] = Math.exp(theta[terms]);
    for (int j = 0; j < terms; j++) {
      v[1 + j] = Math.exp(theta[j]);
      v[1 + terms + j] = theta[terms + 1 + j];
    }
    return v;
  }
}
