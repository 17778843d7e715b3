package io.scalinglab.analysis.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.sweep.SweepAnalysisFixture;
import io.scalinglab.analysis.sweep.SyntheticSweep;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.store.ResultsStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job on a local store with CSV tables: no Spark is started, every output is written. */
class AnalyzeJobTest {
  private static final Supplier<SparkSession> NO_SPARK =
      () -> {
        throw new AssertionError("Spark was started although every table is CSV");
      };
  private static final AnalysisConfig SETTINGS = SweepAnalysisFixture.SETTINGS;

  private static ScalinglabConfig config(Path root) {
    return ScalinglabConfig.load(List.of(), List.of("store.root=\"" + root + "\""));
  }

  private static void sweep(Path root, boolean withId) throws Exception {
    Path dir = root.resolve("s1");
    Files.createDirectories(dir.resolve("id"));
    Files.writeString(dir.resolve("results.csv"), SyntheticSweep.results());
    if (withId) {
      Files.writeString(dir.resolve("id/estimates.csv"), SyntheticSweep.estimates());
      Files.writeString(dir.resolve("id/ablation-layer.csv"), SyntheticSweep.layers());
      Files.writeString(dir.resolve("id/ablation-position.csv"), SyntheticSweep.positions());
    }
  }

  @Test
  void writesEveryFileOfTheAnalysisFolder(@TempDir Path root) throws Exception {
    sweep(root, true);
    ResultsStore store = ResultsStore.open(root.toString(), new Configuration());
    List<String> log = new ArrayList<>();
    AnalyzeJob.Result r = AnalyzeJob.run(NO_SPARK, config(root), SETTINGS, store, "s1", log::add);
    Path out = root.resolve("s1/analysis");
    for (String f :
        List.of(
            "fits.json",
            "fits.csv",
            "predictions.csv",
            "report.html",
            "figures/data-scaling.png",
            "figures/data-scaling.svg",
            "figures/intrinsic-dimension.svg",
            "figures/extrapolation.png")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertEquals(out.resolve("report.html").toUri().getPath(), r.report().toUri().getPath());
    assertTrue(store.temporaryLeftovers(store.sweepDir("s1")).isEmpty());
    assertTrue(log.stream().anyMatch(l -> l.contains("1 run(s) left out")), log.toString());
  }

  @Test
  void withoutIdEstimatesFitsAreStillReportedAndStaleFiguresGo(@TempDir Path root)
      throws Exception {
    sweep(root, true);
    ResultsStore store = ResultsStore.open(root.toString(), new Configuration());
    AnalyzeJob.run(NO_SPARK, config(root), SETTINGS, store, "s1", s -> {});
    Files.delete(root.resolve("s1/id/estimates.csv"));
    Files.delete(root.resolve("s1/id/ablation-layer.csv"));
    Files.delete(root.resolve("s1/id/ablation-position.csv"));
    List<String> log = new ArrayList<>();
    AnalyzeJob.run(NO_SPARK, config(root), SETTINGS, store, "s1", log::add);
    assertTrue(log.stream().anyMatch(l -> l.startsWith("no ID estimates")), log.toString());
    assertFalse(Files.exists(root.resolve("s1/analysis/figures/intrinsic-dimension.png")));
    String predictions = Files.readString(root.resolve("s1/analysis/predictions.csv"));
    assertEquals(1, predictions.strip().split("\n").length); // the header only
  }

  @Test
  void missingSweepAndMissingColumnNameWhatToDo(@TempDir Path root) throws Exception {
    ResultsStore store = ResultsStore.open(root.toString(), new Configuration());
    InputException none =
        assertThrows(
            InputException.class,
            () -> AnalyzeJob.run(NO_SPARK, config(root), SETTINGS, store, "nope", s -> {}));
    assertTrue(none.getMessage().contains("no such sweep"), none.getMessage());

    Files.createDirectories(root.resolve("s2"));
    InputException noResults =
        assertThrows(
            InputException.class,
            () -> AnalyzeJob.run(NO_SPARK, config(root), SETTINGS, store, "s2", s -> {}));
    assertTrue(noResults.getMessage().contains("results.csv or"), noResults.getMessage());

    Files.writeString(root.resolve("s2/results.csv"), "run_id,dataset,status\nr1,d,done\n");
    InputException column =
        assertThrows(
            InputException.class,
            () -> AnalyzeJob.run(NO_SPARK, config(root), SETTINGS, store, "s2", s -> {}));
    assertTrue(
        column.getMessage().contains("no column 'params_total'; the columns are: run_id,"),
        column.getMessage());
  }
}
