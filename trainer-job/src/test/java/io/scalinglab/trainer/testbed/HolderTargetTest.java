package io.scalinglab.trainer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.manifold.EmbeddedManifold;
import io.scalinglab.manifold.EmbeddedManifold.Kind;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The targets have the stated smoothness: the empirical Hölder quotient {@code |f(x) − f(y)| / |x −
 * y|^β} stays below the constant {@link HolderTarget#holderConstant()} derives (a bound, not an
 * estimate, so the check is exact: no tolerance), over all pairs of a sample and over pairs at tiny
 * distances, where a rougher function would show itself; and for β < 1 it is sharp: at the rim of a
 * bump the Lipschitz quotient grows like h^(β−1) as the distance h shrinks.
 */
class HolderTargetTest {
  private static final int AMBIENT = 32;

  @Test
  void holderQuotientIsBoundedOverAllPairsAndAtSmallScales() {
    for (Kind kind : Kind.values()) {
      for (double beta : new double[] {0.5, 1.0}) {
        EmbeddedManifold m = EmbeddedManifold.of(kind, 4, AMBIENT, 1.0, 0, 3);
        HolderTarget f = HolderTarget.random(m, 32, 1.0, beta, new SplittableRandom(5));
        double[] x = m.sample(1000, 9).values();
        double[] v = f.values(x);
        double worst = 0;
        for (int i = 0; i < 1000; i++) {
          for (int j = i + 1; j < 1000; j++) {
            worst = Math.max(worst, quotient(x, i, j, v, beta));
          }
        }
        // pairs 1e-6 .. 1e-2 apart: each point and a random nearby point (off the manifold too;
        // the bound holds in all of R^D)
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 1000; i++) {
          double h = Math.pow(10, -6 + 4 * r.nextDouble());
          double[] y = nudge(x, i, h, r);
          double q = Math.abs(f.value(y, 0) - v[i]) / Math.pow(distance(x, i * AMBIENT, y), beta);
          worst = Math.max(worst, q);
        }
        String what = String.format(Locale.ROOT, "%s beta %.1f", kind.key(), beta);
        assertTrue(worst > 0, what);
        assertTrue(
            worst <= f.holderConstant(),
            what + ": quotient " + worst + " above the bound " + f.holderConstant());
      }
    }
  }

  @Test
  void exponentIsSharpBelowOne() {
    EmbeddedManifold m = EmbeddedManifold.of(Kind.SPHERE, 2, AMBIENT, 1.0, 0, 3);
    HolderTarget f = HolderTarget.random(m, 1, 0.5, 0.5, new SplittableRandom(1));
    double[] c = f.centre(0);
    double[] dir = new double[AMBIENT];
    dir[0] = 1; // any direction: the bump is radial in R^D
    double[] ratio = new double[2];
    double[] hs = {1e-4, 1e-8};
    for (int k = 0; k < 2; k++) {
      double h = hs[k];
      double[] rim = along(c, dir, f.radius());
      double[] inside = along(c, dir, f.radius() - h);
      ratio[k] = Math.abs(f.value(inside, 0) - f.value(rim, 0)) / h;
    }
    // (2h/r)^0.5 / h: the Lipschitz quotient grows as h^-0.5, by 100 from h = 1e-4 to 1e-8
    assertEquals(100, ratio[1] / ratio[0], 1.0);
  }

  @Test
  void targetIsCentredAndScaledOnTheManifold() {
    EmbeddedManifold m = EmbeddedManifold.of(Kind.SPHERE, 6, AMBIENT, 1.0, 0, 3);
    HolderTarget f = HolderTarget.random(m, 32, 1.0, 1.0, new SplittableRandom(5));
    double[] v = f.values(m.sample(20_000, 77).values());
    double mean = 0;
    double sq = 0;
    for (double a : v) {
      mean += a / v.length;
      sq += a * a / v.length;
    }
    // a fresh draw of 20,000 against the 8,192 of the normalisation: both means carry a standard
    // error of about 1/sqrt(8192) = 0.011 (unit variance), the variance about 0.016 for this
    // light-tailed sum, so 0.05 is over three standard errors
    assertEquals(0, mean, 0.05);
    assertEquals(1, sq - mean * mean, 0.05);
  }

  @Test
  void badParametersFailNamingTheValue() {
    EmbeddedManifold m = EmbeddedManifold.of(Kind.SPHERE, 2, AMBIENT, 1.0, 0, 3);
    SplittableRandom r = new SplittableRandom(1);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> HolderTarget.random(m, 4, 1, 1.5, r))
            .getMessage()
            .contains("'1.5' in beta"));
    // bumps of radius 1e-9 reach no point of the reference draw: the target would be constant
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> HolderTarget.random(m, 4, 1e-9, 1, r))
            .getMessage()
            .contains("testbed.target.radius"));
  }

  private static double quotient(double[] x, int i, int j, double[] v, double beta) {
    double dist = 0;
    for (int c = 0; c < AMBIENT; c++) {
      double diff = x[i * AMBIENT + c] - x[j * AMBIENT + c];
      dist += diff * diff;
    }
    return Math.abs(v[i] - v[j]) / Math.pow(Math.sqrt(dist), beta);
  }

  private static double[] nudge(double[] x, int i, double h, SplittableRandom r) {
    double[] dir = new double[AMBIENT];
    double n = 0;
    for (int c = 0; c < AMBIENT; c++) {
      dir[c] = r.nextGaussian();
      n += dir[c] * dir[c];
    }
    double[] y = new double[AMBIENT];
    for (int c = 0; c < AMBIENT; c++) {
      y[c] = x[i * AMBIENT + c] + h * dir[c] / Math.sqrt(n);
    }
    return y;
  }

  private static double distance(double[] x, int at, double[] y) {
    double s = 0;
    for (int c = 0; c < AMBIENT; c++) {
      s += (x[at + c] - y[c]) * (x[at + c] - y[c]);
    }
    return Math.sqrt(s);
  }

  private static double[] along(double[] c, double[] dir, double t) {
    double[] p = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      p[i] = c[i] + t * dir[i];
    }
    return p;
  }
}
