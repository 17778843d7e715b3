package io.scalinglab.manifold;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark manifolds M1…M13 of Hein and Audibert ("Intrinsic dimensionality estimation of
 * submanifolds in R^d", ICML 2005), as scikit-dimension 0.3's {@code BenchmarkManifolds} generates
 * them (its {@code _gen_*_data} methods, adapted there from the GeoMLE code of Mokrov, Gomtsyan,
 * Panov and Yanovich, 2019): the same formulas and (intrinsic, ambient) dimensions, with Java's
 * random numbers, so samples agree in distribution, not value by value. No noise is added.
 */
public final class BenchmarkManifolds {
  private BenchmarkManifolds() {}

  /** A benchmark: its scikit-dimension name, intrinsic and ambient dimension. */
  public record Spec(String name, int d, int ambient, String description) {}

  /** M1…M13 in scikit-dimension's order. */
  public static final List<Spec> ALL =
      List.of(
          new Spec("M1_Sphere", 10, 11, "10-sphere linearly embedded"),
          new Spec("M2_Affine_3to5", 3, 5, "affine space"),
          new Spec("M3_Nonlinear_4to6", 4, 6, "concentrated figure, mistakable for 3-d"),
          new Spec("M4_Nonlinear", 4, 8, "nonlinear manifold"),
          new Spec("M5a_Helix1d", 1, 3, "1-d helix"),
          new Spec("M5b_Helix2d", 2, 3, "2-d helix"),
          new Spec("M6_Nonlinear", 6, 36, "nonlinear manifold"),
          new Spec("M7_Roll", 2, 3, "swiss roll"),
          new Spec("M8_Nonlinear", 12, 72, "nonlinear, highly curved manifold"),
          new Spec("M9_Affine", 20, 20, "affine space"),
          new Spec("M10a_Cubic", 10, 11, "10-d hypercube surface"),
          new Spec("M10b_Cubic", 17, 18, "17-d hypercube surface"),
          new Spec("M10c_Cubic", 24, 25, "24-d hypercube surface"),
          new Spec("M10d_Cubic", 70, 71, "70-d hypercube surface"),
          new Spec("M11_Moebius", 2, 3, "Moebius band, 10 times twisted"),
          new Spec("M12_Norm", 20, 20, "isotropic Gaussian"),
          new Spec("M13a_Scurve", 2, 3, "2-d S-curve"),
          new Spec("M13b_Spiral", 1, 13, "1-d helix curve"));

  /** The spec named {@code name} (scikit-dimension's key, e.g. {@code M9_Affine}). */
  public static Spec spec(String name) {
    return ALL.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no benchmark manifold " + name));
  }

  /** {@code n} points of benchmark {@code spec}. */
  public static Sample generate(Spec spec, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int d = spec.d();
    int dim = spec.ambient();
    double[] x = new double[n * dim];
    switch (spec.name()) {
      case "M1_Sphere" -> sphere(x, n, dim, d, rnd);
      case "M2_Affine_3to5" -> affine3to5(x, n, rnd);
      case "M3_Nonlinear_4to6" -> nonlinear4to6(x, n, rnd);
      case "M4_Nonlinear", "M6_Nonlinear", "M8_Nonlinear" -> nonlinear(x, n, dim, d, rnd);
      case "M5a_Helix1d" -> helix1(x, n, dim, rnd);
      case "M5b_Helix2d" -> helix2(x, n, dim, rnd);
      case "M7_Roll" -> roll(x, n, dim, rnd);
      case "M9_Affine" -> affine(x, n, dim, d, rnd);
      case "M10a_Cubic", "M10b_Cubic", "M10c_Cubic", "M10d_Cubic" -> cubic(x, n, dim, d, rnd);
      case "M11_Moebius" -> moebius(x, n, rnd);
      case "M12_Norm" -> norm(x, n, dim, d, rnd);
      case "M13a_Scurve" -> scurve(x, n, dim, rnd);
      case "M13b_Spiral" -> spiral(x, n, dim, rnd);
      default -> throw new IllegalArgumentException("no generator for " + spec.name());
    }
    return new Sample(spec.name(), x, n, dim, d);
  }

  private static void sphere(double[] x, int n, int dim, int d, SplittableRandom rnd) {
    double[] v = new double[d + 1];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j <= d; j++) {
        v[j] = rnd.nextGaussian();
        s += v[j] * v[j];
      }
      s = Math.sqrt(s);
      for (int j = 0; j <= d; j++) {
        x[i * dim + j] = v[j] / s;
      }
    }
  }

  private static void affine3to5(double[] x, int n, SplittableRandom rnd) {
    double[][] a = {
      {1.2, -0.5, 0}, {0.5, 0.9, 0}, {-0.5, -0.2, 1}, {0.4, -0.9, -0.1}, {1.1, -0.3, 0}
    };
    double[] b = {3, -1, 0, 0, 8};
    double[] p = new double[3];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        p[j] = 4 * rnd.nextDouble();
      }
      for (int r = 0; r < 5; r++) {
        x[i * 5 + r] = a[r][0] * p[0] + a[r][1] * p[1] + a[r][2] * p[2] + b[r];
      }
    }
  }

  private static void nonlinear4to6(double[] x, int n, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      double p0 = rnd.nextDouble();
      double p1 = rnd.nextDouble();
      double p2 = rnd.nextDouble();
      double p3 = rnd.nextDouble();
      int o = i * 6;
      x[o] = p1 * p1 * Math.cos(2 * Math.PI * p0);
      x[o + 1] = p2 * p2 * Math.sin(2 * Math.PI * p0);
      x[o + 2] = p1 + p2 + (p1 - p3) * (p1 - p3);
      x[o + 3] = p1 - 2 * p2 + (p0 - p3) * (p0 - p3);
      x[o + 4] = -p1 - 2 * p2 + (p2 - p3) * (p2 - p3);
      x[o + 5] = p0 * p0 - p1 * p1 + p2 * p2 - p3 * p3;
    }
  }

  /** Coordinates {@code p_{(j+1) mod d}·cos(2πp_j), p_{(j+1) mod d}·sin(2πp_j)}, repeated. */
  private static void nonlinear(double[] x, int n, int dim, int d, SplittableRandom rnd) {
    int copies = dim / (2 * d);
    if (copies * 2 * d != dim) {
      throw new IllegalArgumentException("ambient " + dim + " is not a multiple of 2·" + d);
    }
    double[] p = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        p[j] = rnd.nextDouble();
      }
      for (int j = 0; j < d; j++) {
        double r = p[(j + 1) % d];
        double c = r * Math.cos(2 * Math.PI * p[j]);
        double s = r * Math.sin(2 * Math.PI * p[j]);
        for (int m = 0; m < copies; m++) {
          x[i * dim + m * 2 * d + 2 * j] = c;
          x[i * dim + m * 2 * d + 2 * j + 1] = s;
        }
      }
    }
  }

  private static void helix1(double[] x, int n, int dim, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      double t = 2 * Math.PI / n + rnd.nextDouble() * 2 * Math.PI;
      x[i * dim] = (2 + Math.cos(8 * t)) * Math.cos(t);
      x[i * dim + 1] = (2 + Math.cos(8 * t)) * Math.sin(t);
      x[i * dim + 2] = Math.sin(8 * t);
    }
  }

  private static void helix2(double[] x, int n, int dim, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      double r = 10 * Math.PI * rnd.nextDouble();
      double p = 10 * Math.PI * rnd.nextDouble();
      x[i * dim] = r * Math.cos(p);
      x[i * dim + 1] = r * Math.sin(p);
      x[i * dim + 2] = 0.5 * p;
    }
  }

  private static void roll(double[] x, int n, int dim, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      double t = 1.5 * Math.PI * (1 + 2 * rnd.nextDouble());
      double p = 21 * rnd.nextDouble();
      x[i * dim] = t * Math.cos(t);
      x[i * dim + 1] = p;
      x[i * dim + 2] = t * Math.sin(t);
    }
  }

  /** {@code p} uniform in {@code [−2.5, 2.5]^d}, placed in the first {@code d} coordinates. */
  private static void affine(double[] x, int n, int dim, int d, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * dim + j] = rnd.nextDouble() * 5 - 2.5;
      }
    }
  }

  /**
   * The surface of the unit {@code (d+1)}-cube: for each of its {@code 2(d+1)} faces, {@code
   * ⌊n/(2(d+1))⌋ + 1} points uniform on it, face after face, the first {@code n} kept.
   */
  private static void cubic(double[] x, int n, int dim, int d, SplittableRandom rnd) {
    int once = n / (2 * (d + 1)) + 1;
    int row = 0;
    for (int face = 0; face < d + 1 && row < n; face++) {
      for (int side = 0; side < 2 && row < n; side++) {
        for (int p = 0; p < once; p++) {
          double[] v = new double[d + 1];
          for (int j = 0; j <= d; j++) {
            v[j] = rnd.nextDouble();
          }
          v[face] = side;
          if (row < n) {
            System.arraycopy(v, 0, x, row * dim, d + 1);
            row++;
          }
        }
      }
    }
  }

  private static void moebius(double[] x, int n, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      double phi = rnd.nextDouble() * 2 * Math.PI;
      double rad = rnd.nextDouble() * 2 - 1;
      x[i * 3] = (1 + 0.5 * rad * Math.cos(5.0 * phi)) * Math.cos(phi);
      x[i * 3 + 1] = (1 + 0.5 * rad * Math.cos(5.0 * phi)) * Math.sin(phi);
      x[i * 3 + 2] = 0.5 * rad * Math.sin(5.0 * phi);
    }
  }

  private static void norm(double[] x, int n, int dim, int d, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * dim + j] = rnd.nextGaussian();
      }
    }
  }

  private static void scurve(double[] x, int n, int dim, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      double t = 3 * Math.PI * (rnd.nextDouble() - 0.5);
      double p = 2.0 * rnd.nextDouble();
      x[i * dim] = Math.sin(t);
      x[i * dim + 1] = p;
      x[i * dim + 2] = Math.signum(t) * (Math.cos(t) - 1);
    }
  }

  private static void spiral(double[] x, int n, int dim, SplittableRandom rnd) {
    for (int i = 0; i < n; i++) {
      double t = 10 * Math.PI * rnd.nextDouble();
      x[i * dim] = 100 * Math.cos(t);
      x[i * dim + 1] = 100 * Math.sin(t);
      x[i * dim + 2] = t;
    }
  }
}
