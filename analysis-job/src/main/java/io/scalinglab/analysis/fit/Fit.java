package io.scalinglab.analysis.fit;

import io.scalinglab.core.stats.Quantiles;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of fitting a scaling law: {@link Fitted}, or {@link Failed} when no fit converged or
 * the data cannot support one. Never thrown: a failed fit is a result to report.
 */
public sealed interface Fit permits Fit.Fitted, Fit.Failed {

  /** The form that was fitted. */
  FitForm form();

  /** The number of points the fit was given. */
  int n();

  /**
   * A converged fit.
   *
   * @param values parameter values in the order of {@link FitForm#parameters()}
   * @param estimates the same with their intervals (see {@code intervals})
   * @param r2 coefficient of determination of log L (the space the fit works in)
   * @param residuals log L − log L̂ per point, in input order
   * @param objective the minimised objective: the sum of squared log residuals (power) or of Huber
   *     losses (offset, Chinchilla)
   * @param method how it was fitted, in words
   * @param intervals how the intervals were made, or why there are none
   * @param decades the range of each input, log₁₀(max/min)
   * @param resamples bootstrap resamples whose fit converged and entered the intervals (0 for t)
   * @param resamplesFailed bootstrap resamples whose fit did not converge (left out)
   * @param samples parameter values of each used resample, for prediction bands
   * @param line the least-squares inference of a power law, for its t band
   * @param holdout the out-of-sample check, when asked for and possible
   */
  record Fitted(
      FitForm form,
      int n,
      double[] values,
      List<Estimate> estimates,
      double r2,
      double[] residuals,
      double objective,
      String method,
      Intervals intervals,
      double[] decades,
      int resamples,
      int resamplesFailed,
      double[][] samples,
      Optional<LineInference> line,
      Optional<HoldoutCheck> holdout)
      implements Fit {
    public Fitted {
      Objects.requireNonNull(form, "form");
      values = values.clone();
      estimates = List.copyOf(estimates);
      residuals = residuals.clone();
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(intervals, "intervals");
      decades = decades.clone();
      Objects.requireNonNull(samples, "samples");
      Objects.requireNonNull(line, "line");
      Objects.requireNonNull(holdout, "holdout");
    }

    /** The estimate named {@code name} ({@code alpha}, {@code E}, ...). */
    public Estimate estimate(String name) {
      return estimates.stream()
          .filter(e -> e.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException(form + " has no parameter " + name));
    }

    /** The exponent on input {@code j} (α for the first, β for Chinchilla's second). */
    public Estimate exponent(int j) {
      return estimates.get(form.exponentIndex(j));
    }

    /** The loss the fit predicts at {@code x}. */
    public double predict(double... x) {
      return form.predict(values, x);
    }

    /**
     * The pointwise band of the fitted law at {@code x}, {@code [low, high]}: the t band of the
     * least-squares line when the intervals are t-based, else the percentile band of the bootstrap
     * fits' predictions; NaN when there is neither.
     */
    public double[] band(double level, double... x) {
      if (intervals.method().equals(Intervals.T) && line.isPresent()) {
        LineInference l = line.get();
        double t = LineInference.quantile(l.n() - 2, 1 - (1 - level) / 2);
        return new LineInference(l.n(), l.meanU(), l.sxx(), l.s(), t, level).band(values, x[0]);
      }
      if (samples.length == 0) {
        return new double[] {Double.NaN, Double.NaN};
      }
      double[] p = new double[samples.length];
      for (int i = 0; i < samples.length; i++) {
        p[i] = form.predict(samples[i], x);
      }
      java.util.Arrays.sort(p);
      return new double[] {
        Quantiles.linear(p, (1 - level) / 2), Quantiles.linear(p, 1 - (1 - level) / 2)
      };
    }
  }

  /**
   * A fit that could not be made.
   *
   * @param reason why, in words a report can show
   */
  record Failed(FitForm form, int n, String reason) implements Fit {
    public Failed {
      Objects.requireNonNull(form, "form");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
