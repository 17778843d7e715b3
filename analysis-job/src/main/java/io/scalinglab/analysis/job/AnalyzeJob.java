package io.scalinglab.analysis.job;

import static java.util.Objects.requireNonNull;

import io.scalinglab.analysis.report.AnalysisOutput;
import io.scalinglab.analysis.sweep.AblationRow;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.IdConvergence;
import io.scalinglab.analysis.sweep.IdRow;
import io.scalinglab.analysis.sweep.Run;
import io.scalinglab.analysis.sweep.SweepAnalysis;
import io.scalinglab.analysis.sweep.SweepData;
import io.scalinglab.analysis.table.Table;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.store.Provenance;
import io.scalinglab.core.store.ResultsStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The analysis of one sweep in the store, read top to bottom.
 *
 * <ol>
 *   <li>read {@code <sweep>/results.csv} (or {@code .parquet}): one row per run;
 *   <li>read {@code <sweep>/id/estimates.csv}, the ablations and the n and k sweeps ({@code
 *       id/sweeps.csv}), when the id job has run;
 *   <li>analyse ({@link SweepAnalysis}): fits per axis, the joint fit, ID, predictions;
 *   <li>write {@code <sweep>/analysis/}: figures, {@code fits.csv}, {@code predictions.csv}, {@code
 *       fits.json} with provenance, and {@code report.html} last. Each file is written atomically;
 *       figures of an earlier analysis that this one did not draw are removed.
 * </ol>
 *
 * Spark is started only if a table exists as Parquet alone.
 */
public final class AnalyzeJob {
  /** The folder of a sweep the analysis writes to. */
  public static final String DIR = "analysis";

  private AnalyzeJob() {}

  /**
   * What the job did.
   *
   * @param dir the sweep's {@code analysis} folder
   * @param analysis the analysis itself
   * @param files the files written, relative to {@code dir}
   */
  public record Result(Path dir, AnalysisResult analysis, List<String> files, double seconds) {
    /** The report's path. */
    public Path report() {
      return new Path(dir, AnalysisOutput.REPORT);
    }
  }

  /** Analyses sweep {@code sweep} of {@code store} with the {@code analysis} settings. */
  public static Result run(
      Supplier<SparkSession> spark,
      ScalinglabConfig config,
      AnalysisConfig settings,
      ResultsStore store,
      String sweep,
      Consumer<String> log) {
    requireNonNull(spark, "spark");
    requireNonNull(config, "config");
    requireNonNull(settings, "settings");
    requireNonNull(store, "store");
    requireNonNull(log, "log");
    long t0 = System.nanoTime();
    Path sweepDir = store.sweepDir(requireNonNull(sweep, "sweep"));
    if (!store.exists(sweepDir)) {
      throw InputException.of(
          sweepDir.toString(),
          "no such sweep in the store",
          "Check --sweep and --store (the sweep folder holds results.csv)");
    }
    List<String> inputs = new ArrayList<>();
    Table results =
        SweepTables.read(store, spark, sweepDir, "results")
            .orElseThrow(
                () ->
                    InputException.of(
                        SweepTables.candidates(sweepDir, "results"),
                        "the sweep has no results table",
                        "Train the sweep first; it writes one row per run"));
    inputs.add(results.source());
    List<Run> runs = Run.fromTable(results, settings.lossColumn());
    log.accept("read " + runs.size() + " runs from " + results.source());

    Path idDir = new Path(sweepDir, "id");
    List<IdRow> ids = List.of();
    Optional<Table> estimates = SweepTables.read(store, spark, idDir, "estimates");
    if (estimates.isPresent()) {
      ids = IdRow.fromTable(estimates.get());
      inputs.add(estimates.get().source());
      log.accept("read " + ids.size() + " ID estimates from " + estimates.get().source());
    } else {
      log.accept(
          "no ID estimates ("
              + SweepTables.candidates(idDir, "estimates")
              + "): fits only, no predictions");
    }
    List<AblationRow> layers = List.of();
    List<AblationRow> positions = List.of();
    Optional<Table> layerTable = SweepTables.read(store, spark, idDir, "ablation-layer");
    if (layerTable.isPresent()) {
      layers = AblationRow.layers(layerTable.get());
      inputs.add(layerTable.get().source());
    }
    Optional<Table> positionTable = SweepTables.read(store, spark, idDir, "ablation-position");
    if (positionTable.isPresent()) {
      positions = AblationRow.positions(positionTable.get());
      inputs.add(positionTable.get().source());
    }

    List<IdConvergence> convergence = List.of();
    if (estimates.isPresent()) {
      Optional<Table> sweepTable = SweepTables.read(store, spark, idDir, "sweeps");
      sweepTable.ifPresent(t -> inputs.add(t.source()));
      convergence = IdConvergence.fromTables(estimates.get(), sweepTable);
    }

    AnalysisResult analysis =
        SweepAnalysis.analyze(
            new SweepData(
                runs,
                ids,
                layers,
                positions,
                convergence,
                ValidationEntropy.of(store, sweep, runs, log)),
            settings,
            log);
    if (!analysis.excluded().isEmpty()) {
      log.accept(analysis.excluded().size() + " run(s) left out (not done, or no loss)");
    }
    String configJson = config.toJson();
    AnalysisOutput output =
        AnalysisOutput.build(
            analysis,
            sweep,
            inputs,
            configJson,
            Provenance.capture(configJson, Map.of("analysis.seed", settings.seed())));
    Path dir = new Path(sweepDir, DIR);
    for (Map.Entry<String, byte[]> e : output.files().entrySet()) {
      byte[] bytes = e.getValue();
      store.writeAtomically(new Path(dir, e.getKey()), out -> out.write(bytes));
    }
    removeStaleFigures(store, new Path(dir, AnalysisOutput.FIGURES), output.figureFiles());
    log.accept("wrote " + output.files().size() + " files to " + dir);
    return new Result(
        dir, analysis, List.copyOf(output.files().keySet()), (System.nanoTime() - t0) / 1e9);
  }

  private static void removeStaleFigures(ResultsStore store, Path figures, List<String> keep) {
    Set<String> names = new TreeSet<>();
    keep.forEach(k -> names.add(k.substring(k.lastIndexOf('/') + 1)));
    try {
      for (FileStatus s : store.fs().listStatus(figures)) {
        String name = s.getPath().getName();
        if (s.isFile() && !name.startsWith(".") && !names.contains(name)) {
          store.deleteQuietly(s.getPath());
        }
      }
    } catch (FileNotFoundException e) {
      // no figures drawn, none to remove
    } catch (IOException e) {
      throw new StoreException("cannot list " + figures + ": " + e, e);
    }
  }
}
