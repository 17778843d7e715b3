package io.scalinglab.id.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scalinglab.core.config.IdConfig.Combine;
import org.junit.jupiter.api.Test;

/**
 * The estimators agree with scikit-dimension 0.3 to 1e-9 relative on the same neighbour distances.
 *
 * <p>The expected numbers come from {@code src/test/resources/reference/skdim_parity.py} (its
 * output is in its header), which evaluates scikit-dimension 0.3's own expressions with numpy on
 * the distances {@link #distances} builds (the same formula, in float64): {@code skdim/id/_MLE.py}
 * {@code _maxLikDimEstFromR_haro_approx} with {@code dnoise=None}, i.e. {@code kfac /
 * np.sum(np.log(Rk / Rs))} with {@code Rk = np.max(Rs)} and {@code kfac = k − 1} ({@code k − 2}
 * when {@code unbiased}); {@code fit}'s combinations {@code np.mean(dimension_pw_)} ({@code
 * comb="mean"}) and {@code 1 / np.mean(1 / dimension_pw_)} ({@code comb="mle"}, the default); and
 * {@code skdim/id/_TwoNN.py} with {@code dist=True}: {@code mu} sorted, the first {@code
 * int(N*(1-0.1))} kept, {@code Femp = np.arange(m) / N}, and the slope of {@code
 * LinearRegression(fit_intercept=False)} of {@code -np.log(1 - Femp)} on {@code np.log(mu)}
 * (checked against {@code np.linalg.lstsq}). scikit-dimension itself is not installable here (no
 * PyPI); its source was read from its GitHub repository.
 */
class ScikitDimensionParityTest {
  private static final int N = 200;
  private static final int K = 20;
  private static final double RTOL = 1e-9;

  /** {@code T[i][j] = (j+1)^(1/(i mod 5 + 2))·(1 + 0.01i) + 0.05·j·sin²(i)}, ascending in j. */
  static double[] distances() {
    double[] t = new double[N * K];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < K; j++) {
        double s = Math.sin(i);
        t[i * K + j] = Math.pow(j + 1.0, 1.0 / (i % 5 + 2.0)) * (1 + 0.01 * i) + 0.05 * j * s * s;
      }
    }
    return t;
  }

  @Test
  void mleMeanHarmonicAndUnbiasedMatch() {
    double[] t = distances();
    check(4.423089964890956, Mle.estimate(t, N, K, 5, false, Combine.MEAN).id());
    check(3.9096538875579134, Mle.estimate(t, N, K, 5, false, Combine.HARMONIC).id());
    check(3.3173174736682167, Mle.estimate(t, N, K, 5, true, Combine.MEAN).id());
    check(3.519746995136168, Mle.estimate(t, N, K, 20, false, Combine.MEAN).id());
    check(3.17335455662285, Mle.estimate(t, N, K, 20, false, Combine.HARMONIC).id());
    check(3.334497153286896, Mle.estimate(t, N, K, 20, true, Combine.MEAN).id());
  }

  @Test
  void mlePointwiseMatch() {
    double[] t = distances();
    check(2.454215219710415, Mle.pointwise(t, 0, 5, false));
    check(4.27254225604449, Mle.pointwise(t, 7 * K, 5, false));
    check(2.1616666072783604, Mle.pointwise(t, 0, 20, false));
    check(3.2673860967153985, Mle.pointwise(t, 7 * K, 20, false));
  }

  @Test
  void twoNnMatches() {
    double[] t = distances();
    double[] r1 = new double[N];
    double[] r2 = new double[N];
    for (int i = 0; i < N; i++) {
      double c = Math.cos(i);
      r1[i] = t[i * K];
      r2[i] = t[i * K + 1] * (1 + 0.3 * c * c);
    }
    check(2.5679635906916305, TwoNn.estimate(r1, r2, 0.1));
  }

  private static void check(double expected, double actual) {
    assertEquals(expected, actual, Math.abs(expected) * RTOL);
  }
}
