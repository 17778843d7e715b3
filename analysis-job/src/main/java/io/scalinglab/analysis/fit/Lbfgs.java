package io.scalinglab.analysis.fit;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Limited-memory BFGS minimisation with a strong-Wolfe line search (Nocedal & Wright, "Numerical
 * Optimization", 2nd ed. 2006: Algorithm 7.4 for the two-loop recursion, 7.5 for the method, 3.5
 * and 3.6 for the line search, eq. 3.59 for the cubic step).
 *
 * <p>Written here because no maintained, permissively licensed Java library offers L-BFGS: Apache
 * Commons Math and Hipparchus have only nonlinear conjugate gradients and derivative-free methods,
 * ojAlgo solves linear and quadratic programs, Smile's BFGS is GPL-3.0, and the small ports
 * (lbfgs4j and the like) have not been released for years. The stopping rules are those of SciPy's
 * {@code minimize(method="L-BFGS-B")} defaults, which Epoch AI's Chinchilla replication used, so a
 * fit stops where theirs would: the largest gradient component at most {@code gradientTolerance}
 * (SciPy's {@code pgtol = 1e-5}), or a relative decrease {@code (f_k − f_{k+1}) / max(|f_k|,
 * |f_{k+1}|, 1)} at most {@code relativeFunctionTolerance} (SciPy's {@code factr · eps ≈ 2.2e-9}).
 */
public final class Lbfgs {
  private static final double C1 = 1e-4; // sufficient decrease (N&W p. 62)
  private static final double C2 = 0.9; // curvature, the usual quasi-Newton choice (N&W p. 142)
  private static final int MAX_LINE_SEARCH = 25;
  private static final int MAX_ZOOM = 30;

  private Lbfgs() {}

  /**
   * How long to search and when to stop.
   *
   * @param memory correction pairs kept (SciPy's {@code maxcor}, 10)
   * @param maxIterations iterations before giving up
   * @param maxEvaluations function evaluations before giving up
   * @param gradientTolerance stop when the largest gradient component is at most this
   * @param relativeFunctionTolerance stop when the relative decrease of one step is at most this
   */
  public record Settings(
      int memory,
      int maxIterations,
      int maxEvaluations,
      double gradientTolerance,
      double relativeFunctionTolerance) {
    public Settings {
      if (memory < 1 || maxIterations < 1 || maxEvaluations < 1) {
        throw new IllegalArgumentException("memory, maxIterations, maxEvaluations must be >= 1");
      }
      if (!(gradientTolerance >= 0) || !(relativeFunctionTolerance >= 0)) {
        throw new IllegalArgumentException("tolerances must be >= 0");
      }
    }

    /** SciPy's L-BFGS-B defaults: memory 10, 15,000 iterations and evaluations, 1e-5, 2.2e-9. */
    public static Settings scipyDefaults() {
      return new Settings(10, 15_000, 15_000, 1e-5, 1e7 * Math.ulp(1.0));
    }

    /**
     * Run to the limit of floating point: no function-change test, gradient 1e-9. In long flat
     * valleys (Chinchilla's B–β direction) SciPy's rules stop a search that starts near a minimum
     * almost at once, which would make bootstrap resamples started at the full-data fit look far
     * more certain than they are.
     */
    public static Settings precise() {
      return new Settings(10, 15_000, 30_000, 1e-9, 0);
    }
  }

  /** Why the search stopped. */
  public enum Termination {
    /** The largest gradient component fell to the tolerance: converged. */
    GRADIENT,
    /** One step decreased the function by less than the relative tolerance: converged. */
    FUNCTION_CHANGE,
    /** The iteration limit was reached. */
    MAX_ITERATIONS,
    /** The evaluation limit was reached. */
    MAX_EVALUATIONS,
    /** No step along the search direction decreased the function enough. */
    LINE_SEARCH_FAILED,
    /** The function or its gradient was not finite at the start. */
    NON_FINITE
  }

  /**
   * Where the search ended.
   *
   * @param x the last point
   * @param value the function there
   * @param gradientNorm the largest gradient component there
   */
  public record Result(
      double[] x,
      double value,
      double gradientNorm,
      int iterations,
      int evaluations,
      Termination termination) {

    /** Whether a convergence test stopped the search (SciPy's {@code success}). */
    public boolean converged() {
      return termination == Termination.GRADIENT || termination == Termination.FUNCTION_CHANGE;
    }

    /**
     * Whether the search converged, or could not improve further with a gradient already below
     * {@code gradientTolerance}: the end of a {@link Settings#precise()} search.
     */
    public boolean convergedWithin(double gradientTolerance) {
      return converged()
          || (termination == Termination.LINE_SEARCH_FAILED && gradientNorm <= gradientTolerance);
    }
  }

  /** Minimises {@code f} from {@code start} (not modified). */
  public static Result minimize(DifferentiableFunction f, double[] start, Settings settings) {
    requireNonNull(f, "f");
    requireNonNull(settings, "settings");
    int n = requireNonNull(start, "start").length;
    double[] x = start.clone();
    double[] g = new double[n];
    double fx = f.valueAndGradient(x, g);
    Search search = new Search(f, n);
    search.evaluations = 1;
    if (!Double.isFinite(fx) || !finite(g)) {
      return new Result(x, fx, normInf(g), 0, 1, Termination.NON_FINITE);
    }
    if (normInf(g) <= settings.gradientTolerance()) {
      return new Result(x, fx, normInf(g), 0, 1, Termination.GRADIENT);
    }
    Memory memory = new Memory(settings.memory(), n);
    double[] d = new double[n];
    for (int k = 0; k < settings.maxIterations(); k++) {
      memory.direction(g, d);
      double slope = dot(g, d);
      if (!(slope < 0)) { // not a descent direction: forget the curvature pairs
        memory.clear();
        memory.direction(g, d);
        slope = dot(g, d);
      }
      double step = memory.isEmpty() ? Math.min(1.0, 1.0 / norm2(d)) : 1.0;
      boolean found = search.run(x, fx, g, d, slope, step);
      if (!found && !memory.isEmpty()) { // retry once along the steepest descent
        memory.clear();
        memory.direction(g, d);
        slope = dot(g, d);
        found = search.run(x, fx, g, d, slope, Math.min(1.0, 1.0 / norm2(d)));
      }
      if (!found) {
        return new Result(x, fx, normInf(g), k, search.evaluations, Termination.LINE_SEARCH_FAILED);
      }
      double[] s = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = search.x[i] - x[i];
        y[i] = search.g[i] - g[i];
      }
      double sy = dot(s, y);
      if (sy > 1e-10 * dot(y, y)) { // keep H positive definite (N&W p. 143)
        memory.push(s, y, sy);
      }
      double previous = fx;
      System.arraycopy(search.x, 0, x, 0, n);
      System.arraycopy(search.g, 0, g, 0, n);
      fx = search.fx;
      double gNorm = normInf(g);
      if (gNorm <= settings.gradientTolerance()) {
        return new Result(x, fx, gNorm, k + 1, search.evaluations, Termination.GRADIENT);
      }
      double scale = Math.max(Math.max(Math.abs(previous), Math.abs(fx)), 1.0);
      if ((previous - fx) / scale <= settings.relativeFunctionTolerance()) {
        return new Result(x, fx, gNorm, k + 1, search.evaluations, Termination.FUNCTION_CHANGE);
      }
      if (search.evaluations >= settings.maxEvaluations()) {
        return new Result(x, fx, gNorm, k + 1, search.evaluations, Termination.MAX_EVALUATIONS);
      }
    }
    return new Result(
        x,
        fx,
        normInf(g),
        settings.maxIterations(),
        search.evaluations,
        Termination.MAX_ITERATIONS);
  }

  /** The last {@code m} pairs (s, y) and the two-loop product with the inverse Hessian estimate. */
  private static final class Memory {
    private final double[][] s;
    private final double[][] y;
    private final double[] rho;
    private final double[] alpha;
    private int size;
    private int newest = -1;

    Memory(int m, int n) {
      s = new double[m][n];
      y = new double[m][n];
      rho = new double[m];
      alpha = new double[m];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void clear() {
      size = 0;
      newest = -1;
    }

    void push(double[] sk, double[] yk, double sy) {
      newest = (newest + 1) % s.length;
      s[newest] = sk;
      y[newest] = yk;
      rho[newest] = 1.0 / sy;
      size = Math.min(size + 1, s.length);
    }

    /** {@code d = −H g} (N&W Algorithm 7.4, H₀ = γI with γ = sᵀy / yᵀy of the newest pair). */
    void direction(double[] g, double[] d) {
      for (int i = 0; i < d.length; i++) {
        d[i] = -g[i];
      }
      int m = s.length;
      for (int j = 0; j < size; j++) {
        int i = Math.floorMod(newest - j, m);
        alpha[i] = rho[i] * dot(s[i], d);
        axpy(-alpha[i], y[i], d);
      }
      if (size > 0) {
        double gamma = 1.0 / (rho[newest] * dot(y[newest], y[newest]));
        for (int i = 0; i < d.length; i++) {
          d[i] *= gamma;
        }
      }
      for (int j = size - 1; j >= 0; j--) {
        int i = Math.floorMod(newest - j, m);
        double beta = rho[i] * dot(y[i], d);
        axpy(alpha[i] - beta, s[i], d);
      }
    }
  }

  /** The strong-Wolfe line search; on success {@link #x}, {@link #fx}, {@link #g} hold the step. */
  private static final class Search {
    private final DifferentiableFunction f;
    final double[] x;
    final double[] g;
    double fx;
    int evaluations;
    private double[] x0;
    private double[] d;
    private double phi0;
    private double slope0;
    // the best point with sufficient decrease seen, a fallback when the zoom cannot finish
    private final double[] bestX;
    private final double[] bestG;
    private double bestF;
    private boolean haveBest;

    Search(DifferentiableFunction f, int n) {
      this.f = f;
      this.x = new double[n];
      this.g = new double[n];
      this.bestX = new double[n];
      this.bestG = new double[n];
    }

    boolean run(double[] x0, double f0, double[] g0, double[] d, double slope0, double step) {
      this.x0 = x0;
      this.d = d;
      this.phi0 = f0;
      this.slope0 = slope0;
      this.haveBest = false;
      double aPrev = 0;
      double fPrev = f0;
      double dPrev = slope0;
      double a = step;
      for (int i = 0; i < MAX_LINE_SEARCH; i++) {
        double fa = evaluate(a);
        double da = dot(g, d);
        if (!Double.isFinite(fa) || !finite(g)) { // stepped out of the domain: shorten
          a = aPrev + (a - aPrev) / 4;
          continue;
        }
        if (fa > phi0 + C1 * a * slope0 || (i > 0 && fa >= fPrev)) {
          return zoom(aPrev, fPrev, dPrev, a, fa, da);
        }
        if (Math.abs(da) <= -C2 * slope0) {
          return true;
        }
        if (da >= 0) {
          return zoom(a, fa, da, aPrev, fPrev, dPrev);
        }
        aPrev = a;
        fPrev = fa;
        dPrev = da;
        a = 2 * a;
      }
      return restoreBest();
    }

    /** N&W Algorithm 3.6: the bracket [lo, hi] holds a step satisfying the strong Wolfe rules. */
    private boolean zoom(double lo, double fLo, double dLo, double hi, double fHi, double dHi) {
      for (int j = 0; j < MAX_ZOOM; j++) {
        double a = cubic(lo, fLo, dLo, hi, fHi, dHi);
        double fa = evaluate(a);
        double da = dot(g, d);
        if (!Double.isFinite(fa) || !finite(g)) {
          hi = a;
          fHi = Double.POSITIVE_INFINITY;
          dHi = Double.NaN;
          continue;
        }
        if (fa > phi0 + C1 * a * slope0 || fa >= fLo) {
          hi = a;
          fHi = fa;
          dHi = da;
        } else {
          if (Math.abs(da) <= -C2 * slope0) {
            return true;
          }
          if (da * (hi - lo) >= 0) {
            hi = lo;
            fHi = fLo;
            dHi = dLo;
          }
          lo = a;
          fLo = fa;
          dLo = da;
        }
        if (Math.abs(hi - lo) <= 1e-16 * Math.max(1.0, Math.abs(lo))) {
          break;
        }
      }
      return restoreBest();
    }

    /**
     * The minimiser of the cubic through both ends (N&W eq. 3.59), kept at least a tenth of the
     * bracket away from its ends; the midpoint when the cubic has none.
     */
    private static double cubic(double a0, double f0, double d0, double a1, double f1, double d1) {
      double lo = Math.min(a0, a1);
      double width = Math.abs(a1 - a0);
      double mid = (a0 + a1) / 2;
      if (!Double.isFinite(f1) || !Double.isFinite(d1)) {
        return mid;
      }
      double e1 = d0 + d1 - 3 * (f0 - f1) / (a0 - a1);
      double disc = e1 * e1 - d0 * d1;
      if (!(disc >= 0)) {
        return mid;
      }
      double e2 = Math.signum(a1 - a0) * Math.sqrt(disc);
      double a = a1 - (a1 - a0) * (d1 + e2 - e1) / (d1 - d0 + 2 * e2);
      if (!Double.isFinite(a) || a < lo + 0.1 * width || a > lo + 0.9 * width) {
        return mid;
      }
      return a;
    }

    private double evaluate(double a) {
      for (int i = 0; i < x.length; i++) {
        x[i] = x0[i] + a * d[i];
      }
      fx = f.valueAndGradient(x, g);
      evaluations++;
      if (Double.isFinite(fx) && fx <= phi0 + C1 * a * slope0 && (!haveBest || fx < bestF)) {
        haveBest = true;
        bestF = fx;
        System.arraycopy(x, 0, bestX, 0, x.length);
        System.arraycopy(g, 0, bestG, 0, g.length);
      }
      return fx;
    }

    /** Falls back on the best sufficiently decreasing step seen; false if there was none. */
    private boolean restoreBest() {
      if (!haveBest || !(bestF < phi0)) {
        return false;
      }
      System.arraycopy(bestX, 0, x, 0, x.length);
      System.arraycopy(bestG, 0, g, 0, g.length);
      fx = bestF;
      return true;
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double norm2(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static double normInf(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static boolean finite(double[] a) {
    return Arrays.stream(a).allMatch(Double::isFinite);
  }
}
