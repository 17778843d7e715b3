package io.scalinglab.analysis.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden test: the joint law L(N, D) = E + A/N^α + B/D^β refitted to the 245 Chinchilla points
 * Epoch AI extracted from Hoffmann et al.'s figure ({@code scaling_chinchilla_points.csv}).
 *
 * <p>Epoch AI's replication (Besiroglu et al. 2024) reports E 1.82, A 482, B 2085, α 0.348, β 0.366
 * with bootstrap standard errors E 0.0257, A 124.5, B 1293, α 0.0154, β 0.0206 ({@code
 * scaling_parametric_fits.csv}). Their analysis leaves out the five runs with the highest loss
 * (points whose loss is not below the fifth-highest), leaving 240. SciPy reproduces their numbers
 * on those 240 with the same objective and grid ({@code reference/chinchilla_scipy.py} beside this
 * test, output in its header): E 1.81722, A 477.825, B 2143.42, α 0.347310, β 0.367172 at an
 * objective of 0.00101827. On all 245 points the same procedure lands elsewhere in the long, flat
 * valley the five high-loss points open: E 1.8913, B 12845, β 0.4530 (objective 0.00182601),
 * outside Epoch AI's two standard errors for B and β.
 */
class ChinchillaFitTest {
  private static final double[] EPOCH = {1.81686, 482.00572, 2085.4342, 0.34781, 0.36585};
  private static final double[] EPOCH_SE = {0.02566, 124.52, 1293.28, 0.01540, 0.02060};
  private static final double[] SCIPY_240 = {
    1.8172181135420984,
    477.8247437954418,
    2143.4171122712496,
    0.3473103660179215,
    0.36717244409013605
  };
  private static final double SCIPY_240_OBJECTIVE = 0.0010182740178120708;

  record Points(double[] n, double[] d, double[] loss) {}

  static Points load(boolean dropFiveHighest) throws IOException {
    List<String> lines =
        Files.readAllLines(SharedData.path("scaling-data/scaling_chinchilla_points.csv"));
    List<String> header = Arrays.asList(lines.get(0).split(","));
    int ni = header.indexOf("model_size_params");
    int di = header.indexOf("training_tokens_derived");
    int li = header.indexOf("loss");
    List<double[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      rows.add(
          new double[] {
            Double.parseDouble(f[ni]), Double.parseDouble(f[di]), Double.parseDouble(f[li])
          });
    }
    double[] sorted = rows.stream().mapToDouble(r -> r[2]).sorted().toArray();
    double fifthHighest = sorted[sorted.length - 5];
    List<double[]> kept =
        dropFiveHighest ? rows.stream().filter(r -> r[2] < fifthHighest).toList() : rows;
    return new Points(
        kept.stream().mapToDouble(r -> r[0]).toArray(),
        kept.stream().mapToDouble(r -> r[1]).toArray(),
        kept.stream().mapToDouble(r -> r[2]).toArray());
  }

  @Test
  void refitLandsWithinTwoOfEpochAiStandardErrors() throws IOException {
    Points p = load(true);
    assertEquals(240, p.loss().length);
    // 200 resamples keep the test quick; the product default is 1,000. Epoch AI's standard
    // errors come from resampling the points, so this comparison resamples points too; the
    // product's parametric bootstrap assumes Gaussian log noise, which these points, read off a
    // figure, do not have (its se of B comes out 482 against their 1293)
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.CHINCHILLA,
                new double[][] {p.n(), p.d()},
                p.loss(),
                FitOptions.defaults(2024).withResamples(200).withHoldout(0),
                ScalingFits.Resampling.PAIRS));
    assertEquals(Intervals.BOOTSTRAP, f.intervals().method());
    for (int j = 0; j < EPOCH.length; j++) {
      Estimate e = f.estimates().get(j);
      System.out.printf(
          "%-6s ours %12.5f (bootstrap se %10.5f)   Epoch AI %12.5f (se %10.5f)   %.2f se%n",
          e.name(),
          e.value(),
          e.standardError(),
          EPOCH[j],
          EPOCH_SE[j],
          Math.abs(e.value() - EPOCH[j]) / EPOCH_SE[j]);
      assertTrue(
          Math.abs(e.value() - EPOCH[j]) <= 2 * EPOCH_SE[j],
          e.name() + " = " + e.value() + " is more than 2 se from Epoch AI's " + EPOCH[j]);
      // the bootstrap standard errors agree with Epoch AI's too; with 200 resamples a standard
      // error is itself uncertain by ~5-15 % (more for the skewed A and B), hence the wide band
      double ratio = e.standardError() / EPOCH_SE[j];
      assertTrue(ratio > 0.6 && ratio < 1.6, e.name() + " se ratio " + ratio);
    }
    // the same minimum as SciPy's L-BFGS-B on the same objective and grid: the objective to 1e-6
    // relative, the parameters to 1 % (the valley is flat along B and β)
    assertEquals(SCIPY_240_OBJECTIVE, f.objective(), SCIPY_240_OBJECTIVE * 1e-6);
    for (int j = 0; j < SCIPY_240.length; j++) {
      assertEquals(SCIPY_240[j], f.values()[j], Math.abs(SCIPY_240[j]) * 0.01, "parameter " + j);
    }
  }

  /** With the five high-loss points kept the minimum moves along the valley, as the class says. */
  @Test
  void allPointsMoveTheFitAlongTheFlatValley() throws IOException {
    Points p = load(false);
    assertEquals(245, p.loss().length);
    Fit.Fitted f =
        assertInstanceOf(
            Fit.Fitted.class,
            ScalingFits.fit(
                FitForm.CHINCHILLA,
                new double[][] {p.n(), p.d()},
                p.loss(),
                FitOptions.defaults(2024).withResamples(0).withHoldout(0)));
    // SciPy on the same 245 points: objective 0.0018260105, beta 0.45305, B 12845
    assertEquals(0.0018260105230849164, f.objective(), 0.0018260105230849164 * 1e-6);
    assertEquals(0.45305, f.estimate("beta").value(), 0.45305 * 0.01);
    assertTrue(Math.abs(f.estimate("beta").value() - EPOCH[4]) > 2 * EPOCH_SE[4]);
  }
}
