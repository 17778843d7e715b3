package io.scalinglab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code analyze} command on a small sweep in a local store (CSV tables: no Spark). */
class AnalyzeCommandTest {

  /** 3 model sizes × 3 data sizes of L = 1.5 + 40/N^0.3 + 300/D^0.3, one run diverged. */
  static String results() {
    StringBuilder sb =
        new StringBuilder(
            "run_id,dataset,status,params_total,params_non_embedding,train_tokens,"
                + "val_loss_mean5\n");
    double[] sizes = {1e6, 4e6, 1.6e7};
    double[] tokens = {1e7, 1e8, 1e9};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double loss = 1.5 + 40 * Math.pow(sizes[i], -0.3) + 300 * Math.pow(tokens[j], -0.3);
        sb.append(
            String.format(
                Locale.ROOT,
                "r%d%d,demo,%s,%.0f,%.0f,%.0f,%.6f%n",
                i,
                j,
                i == 0 && j == 0 ? "diverged" : "done",
                1.2 * sizes[i],
                sizes[i],
                tokens[j],
                loss));
      }
    }
    return sb.toString();
  }

  @Test
  void axisLineSaysPointsDecadesAlphaR2LossAndRegime() {
    var data =
        new io.scalinglab.analysis.sweep.SweepData(
            io.scalinglab.analysis.sweep.Run.fromTable(
                io.scalinglab.analysis.table.Table.parse("results.csv", results()),
                "val_loss_mean5"),
            java.util.List.of(),
            java.util.List.of(),
            java.util.List.of());
    var result =
        io.scalinglab.analysis.sweep.SweepAnalysis.analyze(
            data, io.scalinglab.analysis.sweep.SweepAnalysisFixture.SETTINGS, s -> {});
    var data0 =
        result.datasets().get(0).fits().stream()
            .filter(f -> f.primary() && f.kind().equals("data"))
            .findFirst()
            .orElseThrow();
    String line = AnalyzeCommand.axisLine(data0);
    // the largest model's group: 3 token counts over 2 decades, loss falling at each
    assertTrue(line.startsWith("data axis at N = 1.600e+07: 3 points over 2.00 decades, α "), line);
    assertTrue(line.contains("(t 95%), R² "), line);
    assertTrue(line.contains("falling at every step"), line);
    assertTrue(line.endsWith("regime unknown"), line);
  }

  @Test
  void writesTheReportIntoTheStore(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("s/id"));
    Files.writeString(root.resolve("s/results.csv"), results());
    Files.writeString(
        root.resolve("s/id/estimates.csv"),
        "run_id,estimator,metric,k,protocol,layer,id,ci_low,ci_high\n"
            + "r22,mle,euclidean,20,global,3,10.0,9.0,11.0\n");
    int status =
        AnalysisMain.run(
            new String[] {
              "--sweep",
              "s",
              "--store",
              root.toString(),
              "--set",
              "analysis.bootstrap.resamples=100"
            });
    assertEquals(0, status);
    Path report = root.resolve("s/analysis/report.html");
    assertTrue(Files.isRegularFile(report));
    String html = Files.readString(report);
    assertTrue(html.contains("r00") && html.contains("status is 'diverged'"), "excluded run");
    assertTrue(Files.isRegularFile(root.resolve("s/analysis/figures/data-scaling.svg")));
    String predictions = Files.readString(root.resolve("s/analysis/predictions.csv"));
    assertTrue(predictions.contains("demo,data,r22,mle,euclidean,20,global,3,10.0"), predictions);
  }

  @Test
  void missingSweepFlagIsAUsageErrorAndAMissingSweepAnInputError(@TempDir Path root) {
    assertEquals(2, AnalysisMain.run(new String[] {}));
    assertEquals(1, AnalysisMain.run(new String[] {"--sweep", "none", "--store", root.toString()}));
  }
}
