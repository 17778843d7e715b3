package io.scalinglab.analysis.fit;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.IntervalMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Fits a scaling law to points and attaches intervals (t or bootstrap) and the out-of-sample check.
 *
 * <pre>
 * Fit fit = ScalingFits.fit(FitForm.POWER, new double[][] {tokens}, losses, FitOptions.defaults(7));
 * if (fit instanceof Fit.Fitted f) { double alpha = f.estimate("alpha").value(); }
 * </pre>
 */
public final class ScalingFits {
  private ScalingFits() {}

  /**
   * Fits {@code form} to the points {@code (x[0][i], …, y[i])}.
   *
   * @param x one array per input of the form (one, or N and D for Chinchilla), each of length n;
   *     every value finite and > 0
   * @param y the losses, finite and > 0
   * @throws IllegalArgumentException if the shapes disagree or a value is not finite and positive
   *     (callers reading files check first, naming file, column and row)
   */
  public static Fit fit(FitForm form, double[][] x, double[] y, FitOptions options) {
    return fit(form, x, y, options, form == FitForm.POWER ? Resampling.PAIRS : NONLINEAR);
  }

  /** What a bootstrap resample redraws: the points, or the noise around the fitted law. */
  enum Resampling {
    /** Points drawn with replacement (Efron 1979), refitted from the grid's best start. */
    PAIRS,
    /**
     * The fitted log L plus Gaussian noise of a standard deviation σ* drawn per resample from
     * σ̂·√((n − p)/χ²_{n−p}), σ̂² = Σr²/(n − p): for a linear model the percentile interval of such
     * refits is the t interval, and for the offset and Chinchilla forms it carries the same
     * uncertainty of σ̂ that a few points leave.
     */
    PARAMETRIC
  }

  /** The resampling of the offset and Chinchilla intervals (see analysis-job/README.md). */
  static final Resampling NONLINEAR = Resampling.PARAMETRIC;

  static Fit fit(
      FitForm form, double[][] x, double[] y, FitOptions options, Resampling resampling) {
    requireNonNull(form, "form");
    requireNonNull(options, "options");
    check(form, x, y);
    int n = y.length;
    int p = form.parameters().size();
    // a line through 2 points is a fit (without an interval); the other forms need n > p
    int least = form == FitForm.POWER ? 2 : p + 1;
    if (n < least) {
      return new Fit.Failed(
          form,
          n,
          String.format(
              Locale.ROOT,
              "%s has %d parameters and needs at least %d points; got %d",
              form.formula(),
              p,
              least,
              n));
    }
    Model model = new Model(form, x, y, options.huberDelta());
    int[] all = IntStream.range(0, n).toArray();
    Optional<double[]> theta = model.fit(all, null);
    if (theta.isEmpty()) {
      return new Fit.Failed(form, n, model.failure());
    }
    double[] values = model.natural(theta.get());
    double[] residuals = new double[n];
    double mean = Arrays.stream(y).map(Math::log).average().orElseThrow();
    double ssRes = 0;
    double ssTot = 0;
    for (int i = 0; i < n; i++) {
      residuals[i] = Math.log(y[i]) - Math.log(form.predict(values, point(x, i)));
      ssRes += residuals[i] * residuals[i];
      ssTot += (Math.log(y[i]) - mean) * (Math.log(y[i]) - mean);
    }
    double r2 = ssTot > 0 ? 1 - ssRes / ssTot : Double.NaN;
    double[] decades = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      decades[j] =
          Math.log10(
              Arrays.stream(x[j]).max().orElseThrow() / Arrays.stream(x[j]).min().orElseThrow());
    }

    List<Estimate> estimates = new ArrayList<>();
    Optional<LineInference> line = Optional.empty();
    double[][] used = new double[0][];
    int failed = 0;
    Intervals intervals;
    if (n <= p) {
      intervals =
          Intervals.none(
              options.level(),
              n
                  + " points determine the "
                  + p
                  + " parameters exactly: no residual degree of freedom, so no interval");
    } else if (form == FitForm.POWER && options.interval() == IntervalMethod.T) {
      line = LineInference.of(model.logX[0], model.logY, values, options.level());
      estimates.addAll(Arrays.asList(line.orElseThrow().estimates(values)));
      intervals =
          new Intervals(
              Intervals.T,
              String.format(
                  Locale.ROOT,
                  "Student t with n − 2 = %d degrees of freedom around the least-squares line in"
                      + " log-log space (exact under Gaussian noise in log space)",
                  n - 2),
              options.level(),
              n - 2,
              "");
    } else if (options.resamples() == 0) {
      intervals = Intervals.none(options.level(), "no bootstrap resamples were asked for");
    } else {
      double[][] fits = bootstrap(model, theta.get(), resampling, options);
      used = Arrays.stream(fits).filter(f -> f != null).toArray(double[][]::new);
      failed = fits.length - used.length;
      intervals = bootstrapIntervals(resampling, options, used.length, p);
    }
    if (estimates.isEmpty()) {
      for (int j = 0; j < p; j++) {
        int col = j;
        double[] s = Arrays.stream(used).mapToDouble(f -> f[col]).toArray();
        estimates.add(Bootstrap.estimate(form.parameters().get(j), values[j], s, options.level()));
      }
    }
    Optional<HoldoutCheck> holdout =
        options.holdout() > 0 ? Optional.of(holdout(form, x, y, options)) : Optional.empty();
    return new Fit.Fitted(
        form,
        n,
        values,
        estimates,
        r2,
        residuals,
        model.objective(theta.get(), all),
        model.method(),
        intervals,
        decades,
        used.length,
        failed,
        used,
        line,
        holdout);
  }

  /** The refitted parameters of each resample (null where the refit did not converge). */
  private static double[][] bootstrap(
      Model model, double[] theta, Resampling resampling, FitOptions options) {
    int n = model.logY.length;
    int[][] draws =
        resampling == Resampling.PAIRS
            ? Bootstrap.resamples(n, options.resamples(), options.seed())
            : new int[options.resamples()][];
    double[][] fits = new double[draws.length][];
    int[] all = IntStream.range(0, n).toArray();
    double[] fitted = new double[n];
    double[][] noise = new double[draws.length][];
    if (resampling == Resampling.PARAMETRIC) {
      int p = model.form.parameters().size();
      double rss = 0;
      for (int i = 0; i < n; i++) {
        fitted[i] = model.logPredict(theta, i);
        rss += (model.logY[i] - fitted[i]) * (model.logY[i] - fitted[i]);
      }
      double sigma = Math.sqrt(rss / (n - p));
      // drawn in order from one generator, so the same seed gives the same resamples
      SplittableRandom random = new SplittableRandom(options.seed());
      for (int b = 0; b < draws.length; b++) {
        double chi2 = 0;
        for (int k = 0; k < n - p; k++) {
          double g = gaussian(random);
          chi2 += g * g;
        }
        double s = sigma * Math.sqrt((n - p) / chi2);
        noise[b] = new double[n];
        for (int i = 0; i < n; i++) {
          noise[b][i] = fitted[i] + s * gaussian(random);
        }
      }
    }
    double[] lifted = model.liftedE(theta);
    IntStream.range(0, draws.length)
        .parallel()
        .forEach(
            b -> {
              Model m = resampling == Resampling.PAIRS ? model : model.withLogY(noise[b]);
              int[] rows = resampling == Resampling.PAIRS ? draws[b] : all;
              Optional<double[]> f = m.fit(rows, theta);
              if (lifted != null) {
                // E at its bound: a refit from there cannot raise E (its gradient vanishes), so
                // one from a mid-range E competes, or every refit would repeat the bound
                Optional<double[]> g = m.fit(rows, lifted);
                if (g.isPresent()
                    && (f.isEmpty() || m.objective(g.get(), rows) < m.objective(f.get(), rows))) {
                  f = g;
                }
              }
              fits[b] = f.map(model::natural).orElse(null);
            });
    return fits;
  }

  /** A standard normal draw (Box–Muller). */
  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static Intervals bootstrapIntervals(
      Resampling resampling, FitOptions options, int used, int p) {
    String what =
        resampling == Resampling.PAIRS
            ? "percentile interval over %d resamples of the points (Efron 1979)"
            : "percentile interval over %d refits to the fitted law plus Gaussian noise in log"
                + " space, its σ drawn per refit from σ̂·√((n − %d)/χ²) (parametric bootstrap)";
    String description = String.format(Locale.ROOT, what, used, p);
    if (used < 2) {
      return Intervals.none(options.level(), "fewer than 2 bootstrap resamples could be fitted");
    }
    return new Intervals(
        resampling == Resampling.PAIRS ? Intervals.BOOTSTRAP : Intervals.PARAMETRIC_BOOTSTRAP,
        description,
        options.level(),
        0,
        "");
  }

  /** Refits on all but the {@code options.holdout()} largest points and predicts those. */
  static HoldoutCheck holdout(FitForm form, double[][] x, double[] y, FitOptions options) {
    int n = y.length;
    int k = options.holdout();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // largest x, or largest N·D for Chinchilla; ties keep input order
    Arrays.sort(order, Comparator.comparingDouble(i -> size(x, i)));
    int keep = Math.max(0, n - k);
    int[] rest = Arrays.stream(order, 0, keep).mapToInt(Integer::intValue).sorted().toArray();
    int[] out = Arrays.stream(order, keep, n).mapToInt(Integer::intValue).sorted().toArray();
    double[][] xr = new double[x.length][];
    for (int j = 0; j < x.length; j++) {
      int col = j;
      xr[j] = Arrays.stream(rest).mapToDouble(i -> x[col][i]).toArray();
    }
    double[] yr = Arrays.stream(rest).mapToDouble(i -> y[i]).toArray();
    Fit fit = fit(form, xr, yr, options.withResamples(0).withHoldout(0));
    if (!(fit instanceof Fit.Fitted f)) {
      return new HoldoutCheck(k, fit, List.of(), Double.NaN, Double.NaN);
    }
    double inSample = 0;
    for (int i = 0; i < yr.length; i++) {
      inSample += Math.abs(f.predict(point(xr, i)) - yr[i]) / yr[i];
    }
    List<HoldoutCheck.Point> points = new ArrayList<>();
    double heldOut = 0;
    for (int i : out) {
      HoldoutCheck.Point pt = new HoldoutCheck.Point(point(x, i), y[i], f.predict(point(x, i)));
      points.add(pt);
      heldOut += pt.relativeError();
    }
    return new HoldoutCheck(k, fit, points, inSample / yr.length, heldOut / out.length);
  }

  private static double size(double[][] x, int i) {
    double s = 0;
    for (double[] col : x) {
      s += Math.log(col[i]);
    }
    return s;
  }

  static double[] point(double[][] x, int i) {
    double[] p = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      p[j] = x[j][i];
    }
    return p;
  }

  private static void check(FitForm form, double[][] x, double[] y) {
    requireNonNull(x, "x");
    requireNonNull(y, "y");
    if (x.length != form.inputs()) {
      throw new IllegalArgumentException(
          form + " takes " + form.inputs() + " input column(s), got " + x.length);
    }
    for (int j = 0; j < x.length; j++) {
      if (x[j].length != y.length) {
        throw new IllegalArgumentException(
            "input " + j + " has " + x[j].length + " values, y has " + y.length);
      }
      for (int i = 0; i < y.length; i++) {
        if (!(x[j][i] > 0) || !Double.isFinite(x[j][i])) {
          throw new IllegalArgumentException(
              "input " + j + " at point " + i + " is " + x[j][i] + "; must be finite and > 0");
        }
      }
    }
    for (int i = 0; i < y.length; i++) {
      if (!(y[i] > 0) || !Double.isFinite(y[i])) {
        throw new IllegalArgumentException(
            "y at point " + i + " is " + y[i] + "; must be finite and > 0");
      }
    }
  }

  /** The data of one fit in the form each estimator works on, and its estimator. */
  private static final class Model {
    final FitForm form;
    final double[][] logX;
    final double[] logY;
    private final double delta;
    private final int terms;

    Model(FitForm form, double[][] x, double[] y, double delta) {
      this.form = form;
      this.delta = delta;
      this.terms = form.inputs();
      this.logX = new double[x.length][];
      for (int j = 0; j < x.length; j++) {
        logX[j] = Arrays.stream(x[j]).map(Math::log).toArray();
      }
      this.logY = Arrays.stream(y).map(Math::log).toArray();
    }

    private Model(Model m, double[] logY) {
      this.form = m.form;
      this.delta = m.delta;
      this.terms = m.terms;
      this.logX = m.logX;
      this.logY = logY;
    }

    /** The same inputs with other log losses (a parametric-bootstrap resample). */
    Model withLogY(double[] y) {
      return new Model(this, y);
    }

    /** log L̂ at row {@code i} for the parameter vector {@code theta}. */
    double logPredict(double[] theta, int i) {
      double[] xi = new double[logX.length];
      for (int j = 0; j < xi.length; j++) {
        xi[j] = Math.exp(logX[j][i]);
      }
      return Math.log(form.predict(natural(theta), xi));
    }

    /** E below this share of the smallest loss counts as at its bound of 0. */
    static final double E_AT_BOUND = 1e-6;

    /**
     * The fitted parameter vector on {@code rows}: [C, α] for the power law, the log-sum-exp vector
     * otherwise, searched from the grid when {@code start} is null, else from {@code start}.
     */
    Optional<double[]> fit(int[] rows, double[] start) {
      if (form == FitForm.POWER) {
        return LogLogLine.fit(logX[0], logY, rows);
      }
      LogSumExpLoss loss = new LogSumExpLoss(logX, logY, rows, delta);
      Optional<Lbfgs.Result> r =
          start == null ? HuberGrid.best(loss, terms) : HuberGrid.from(loss, start);
      return r.map(Lbfgs.Result::x);
    }

    /**
     * When the fitted irreducible loss E is at its bound (below {@link #E_AT_BOUND} of the smallest
     * loss, where its log-space gradient vanishes), {@code theta} with E set to half the smallest
     * loss; else null. The power law has no E.
     */
    double[] liftedE(double[] theta) {
      if (form == FitForm.POWER) {
        return null;
      }
      double minLogY = Arrays.stream(logY).min().orElseThrow();
      if (theta[terms] > minLogY + Math.log(E_AT_BOUND)) {
        return null;
      }
      double[] lifted = theta.clone();
      lifted[terms] = minLogY + Math.log(0.5);
      return lifted;
    }

    double[] natural(double[] theta) {
      return form == FitForm.POWER ? theta.clone() : HuberGrid.natural(theta, terms);
    }

    double objective(double[] theta, int[] rows) {
      if (form == FitForm.POWER) {
        double s = 0;
        for (int r : rows) {
          double e = logY[r] - Math.log(theta[0]) + theta[1] * logX[0][r];
          s += e * e;
        }
        return s;
      }
      return new LogSumExpLoss(logX, logY, rows, delta)
          .valueAndGradient(theta, new double[theta.length]);
    }

    String failure() {
      return form == FitForm.POWER
          ? "every point has the same x; a power law needs at least two distinct x values"
          : "L-BFGS converged from none of the "
              + HuberGrid.starts(terms).size()
              + " starting points of the grid";
    }

    String method() {
      if (form == FitForm.POWER) {
        return "least squares of log L on log x";
      }
      return String.format(
          Locale.ROOT,
          "Huber loss (delta = %s) of log-loss residuals, summed; L-BFGS from %d grid starts,"
              + " best converged (Hoffmann et al. 2022 approach 3 as corrected by Epoch AI 2024)",
          java.math.BigDecimal.valueOf(delta).stripTrailingZeros().toPlainString(),
          HuberGrid.starts(terms).size());
    }
  }
}
