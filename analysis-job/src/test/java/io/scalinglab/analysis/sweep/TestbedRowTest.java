package io.scalinglab.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.table.Table;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.core.config.TheoryError;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The analysis of a synthetic testbed sweep whose losses follow the theory exactly (with 1% noise):
 * the fitted exponents recover 2/(2+d) and 2/d inside their intervals, and the ID of the inputs and
 * of the last layer are told apart.
 */
public class TestbedRowTest {
  static final int[] DIMS = {2, 4};
  static final double[] WIDTHS = {8, 16, 32, 64};

  /** Parameters of a 1-layer width-c model: 12c² + 2c, plus the LayerNorm and head. */
  static double params(double c) {
    return 12 * c * c + 4 * c;
  }

  /** A testbed results table: per d, the data axis (width 32) and the model axis (n = 32768). */
  public static String results() {
    StringBuilder sb =
        new StringBuilder(
            "run_id,status,dataset,manifold,intrinsic_dim,model,d_model,params_total,"
                + "params_non_embedding,train_tokens,val_loss_mean5\n");
    SplittableRandom noise = new SplittableRandom(5);
    for (int d : DIMS) {
      double aData = 2.0 / (2 + d);
      double aModel = 2.0 / d;
      for (int k = 9; k <= 15; k++) {
        double n = Math.pow(2, k);
        double loss = 3 * Math.pow(n, -aData) * Math.exp(0.01 * (noise.nextDouble() - 0.5));
        row(sb, "sphere-d" + d + "-w32-n" + (long) n, d, 32, (long) n, loss);
      }
      for (double w : WIDTHS) {
        if (w == 32) {
          continue; // the data axis's largest run is on the model axis too
        }
        double loss =
            3
                * Math.pow(32768, -aData)
                * Math.pow(params(w) / params(32), -aModel)
                * Math.exp(0.01 * (noise.nextDouble() - 0.5));
        row(sb, "sphere-d" + d + "-w" + (int) w + "-n32768", d, w, 32768, loss);
      }
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String id, int d, double w, long n, double loss) {
    sb.append(
        String.format(
            Locale.ROOT,
            "%s,done,sphere-d%d,sphere,%d,1l%dw,%d,%.0f,%.0f,%d,%.8f%n",
            id,
            d,
            d,
            (int) w,
            (int) w,
            params(w) + 40 * w,
            params(w),
            n,
            loss));
  }

  /** ID rows: the inputs of every run (d + 0.1) and the pooled last layer (d + 0.7). */
  static String estimates() {
    StringBuilder sb =
        new StringBuilder("run_id,layer,estimator,k,metric,protocol,id,ci_low,ci_high\n");
    for (String line : results().lines().skip(1).toList()) {
      String[] f = line.split(",");
      int d = Integer.parseInt(f[4]);
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,input,mle,20,euclidean,global,%.2f,%.2f,%.2f%n",
              f[0],
              d + 0.1,
              d - 0.1,
              d + 0.3));
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,1,mle,20,euclidean,global,%.2f,%.2f,%.2f%n",
              f[0],
              d + 0.7,
              d + 0.5,
              d + 0.9));
    }
    return sb.toString();
  }

  public static AnalysisResult analyze() {
    SweepData data =
        new SweepData(
            Run.fromTable(Table.parse("results.csv", results()), "val_loss_mean5"),
            IdRow.fromTable(Table.parse("estimates.csv", estimates())),
            List.of(),
            List.of());
    return SweepAnalysis.analyze(data, SweepAnalysisFixture.SETTINGS, line -> {});
  }

  @Test
  void fittedExponentsRecoverTheTheoryAtTheTrueDimension() {
    AnalysisResult r = analyze();
    assertEquals(2, r.testbed().size());
    for (TestbedRow row : r.testbed()) {
      int d = (int) row.trueDim();
      assertEquals("sphere-d" + d, row.dataset());
      Estimate data = row.alphaData().orElseThrow();
      Estimate model = row.alphaModel().orElseThrow();
      double predictedData = row.theory(1.0, TheoryError.SQUARED).exponent(Axis.DATA).value();
      double predictedModel = row.theory(1.0, TheoryError.SQUARED).exponent(Axis.MODEL).value();
      assertEquals(2.0 / (2 + d), predictedData, 1e-12);
      assertEquals(2.0 / d, predictedModel, 1e-12);
      assertEquals(1.0 / d, row.theory(1.0, TheoryError.ROOT).alphaModel().value(), 1e-12);
      // 1% multiplicative noise over a 64x range moves the slope by about 0.01/ln(64) = 0.002
      assertEquals(predictedData, data.value(), 0.01, row.dataset());
      assertEquals(predictedModel, model.value(), 0.01, row.dataset());
      assertTrue(data.contains(predictedData), data + " vs " + predictedData);
    }
  }

  @Test
  void inputAndLastLayerIdsAreToldApart() {
    AnalysisResult r = analyze();
    for (TestbedRow row : r.testbed()) {
      assertEquals(row.trueDim() + 0.1, row.inputId().orElseThrow().d().value(), 1e-9);
      assertEquals("input", row.inputId().get().row().layer());
      // the dataset's ID (and so the sweep's own prediction) stays the last layer's, never input
      assertEquals(row.trueDim() + 0.7, row.modelId().orElseThrow().d().value(), 1e-9);
      assertEquals("1", row.modelId().get().row().layer());
    }
  }

  @Test
  void aCorpusSweepHasNoTestbedRows() {
    assertTrue(
        SweepAnalysis.analyze(SweepAnalysisFixture.data(), SweepAnalysisFixture.SETTINGS, l -> {})
            .testbed()
            .isEmpty());
  }
}
