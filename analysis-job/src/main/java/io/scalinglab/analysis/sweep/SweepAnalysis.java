package io.scalinglab.analysis.sweep;

import static java.util.Objects.requireNonNull;

import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitForm;
import io.scalinglab.analysis.fit.FitOptions;
import io.scalinglab.analysis.fit.ScalingFits;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.analysis.theory.Comparison;
import io.scalinglab.analysis.theory.Interval;
import io.scalinglab.analysis.theory.TheoryPrediction;
import io.scalinglab.core.config.AnalysisConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The analysis of a sweep, read top to bottom.
 *
 * <ol>
 *   <li>keep the runs whose status is {@code done} and whose loss, size and tokens are positive;
 *       list the others with the reason;
 *   <li>per dataset, along the data axis: the runs of one model size form a group; a group with at
 *       least 3 token counts gets a power-law fit, with 4 or more also the offset form. The group
 *       of the largest model is the primary fit, compared with the theory;
 *   <li>along the model axis the same with groups of one token count; the primary group is the one
 *       with the most tokens;
 *   <li>when both sizes vary (2 or more of each, 6 or more runs), the joint Chinchilla form;
 *   <li>each fit along an axis is checked for the regime its axis needs ({@link RegimeCheck});
 *   <li>the dataset's ID estimate: the rows of {@code id/estimates.csv} matching {@code
 *       analysis.id.*}, from the run with the most parameters (then the most tokens), its last
 *       layer; its systematic spread over layer, run, protocol, K and n ({@link IdSpread}); from
 *       both the predicted exponents and the comparison with each primary fit;
 *   <li>for datasets of known dimension (the theory testbed's {@code intrinsic_dim}): the fitted
 *       exponents beside the theory at the true d, and the ID of the inputs and of the last layer
 *       beside the true d ({@link TestbedRow}).
 * </ol>
 */
public final class SweepAnalysis {
  private static final int MIN_POWER = 3;
  private static final int MIN_OFFSET = 4;
  private static final int MIN_JOINT = 6;

  private SweepAnalysis() {}

  /** Analyses {@code data} under {@code settings}; {@code log} receives one line per step. */
  public static AnalysisResult analyze(
      SweepData data, AnalysisConfig settings, Consumer<String> log) {
    requireNonNull(data, "data");
    requireNonNull(settings, "settings");
    requireNonNull(log, "log");
    List<Excluded> excluded = new ArrayList<>();
    Map<String, List<Run>> byDataset = new TreeMap<>();
    for (Run r : data.runs()) {
      String reason = exclusion(r, settings);
      if (reason != null) {
        excluded.add(new Excluded(r.runId(), r.dataset(), r.status(), reason));
      } else {
        byDataset.computeIfAbsent(r.dataset(), k -> new ArrayList<>()).add(r);
      }
    }
    List<DatasetResult> results = new ArrayList<>();
    for (Map.Entry<String, List<Run>> e : byDataset.entrySet()) {
      log.accept("dataset " + e.getKey() + ": " + e.getValue().size() + " runs");
      results.add(dataset(e.getKey(), e.getValue(), data, settings, log));
    }
    List<TestbedRow> testbed = TestbedRow.of(results, data.ids(), settings);
    if (!testbed.isEmpty()) {
      log.accept("theory testbed: " + testbed.size() + " datasets of known intrinsic dimension");
    }
    return new AnalysisResult(settings, data, results, excluded, testbed);
  }

  private static String exclusion(Run r, AnalysisConfig s) {
    if (!r.status().equals(Run.DONE)) {
      return "status is '" + r.status() + "', not '" + Run.DONE + "'";
    }
    if (!(r.loss() > 0) || !Double.isFinite(r.loss())) {
      return s.lossColumn() + " is missing or not a positive number";
    }
    if (!(r.size(s.modelSize()) > 0) || !(r.trainTokens() > 0)) {
      return "model size or train_tokens is missing or not positive";
    }
    return null;
  }

  private static DatasetResult dataset(
      String name, List<Run> runs, SweepData data, AnalysisConfig s, Consumer<String> log) {
    List<String> notes = new ArrayList<>();
    FitOptions options = options(s);
    String sizeColumn =
        s.modelSize() == io.scalinglab.core.config.ModelSize.TOTAL
            ? Run.PARAMS_TOTAL
            : Run.PARAMS_NON_EMBEDDING;
    List<FitRecord> fits = new ArrayList<>();
    fits.addAll(
        axis(
            name,
            runs,
            Axis.DATA,
            r -> r.size(s.modelSize()),
            Run::trainTokens,
            Run.TRAIN_TOKENS,
            "N",
            options,
            notes,
            log));
    fits.addAll(
        axis(
            name,
            runs,
            Axis.MODEL,
            Run::trainTokens,
            r -> r.size(s.modelSize()),
            sizeColumn,
            "D",
            options,
            notes,
            log));
    long sizes = runs.stream().mapToDouble(r -> r.size(s.modelSize())).distinct().count();
    long tokens = runs.stream().mapToDouble(Run::trainTokens).distinct().count();
    if (sizes >= 2 && tokens >= 2 && runs.size() >= MIN_JOINT) {
      log.accept("  joint Chinchilla fit over " + runs.size() + " runs");
      double[][] x = {
        runs.stream().mapToDouble(r -> r.size(s.modelSize())).toArray(),
        runs.stream().mapToDouble(Run::trainTokens).toArray()
      };
      double[] y = runs.stream().mapToDouble(Run::loss).toArray();
      Fit fit = ScalingFits.fit(FitForm.CHINCHILLA, x, y, options);
      fits.add(
          new FitRecord(
              name,
              Optional.empty(),
              "",
              FitForm.CHINCHILLA,
              List.of(sizeColumn, Run.TRAIN_TOKENS),
              x,
              y,
              ids(runs),
              fit,
              false,
              RegimeCheck.NONE));
    } else {
      notes.add(
          "no joint Chinchilla fit: it needs 2+ model sizes, 2+ data sizes and 6+ runs; there are "
              + sizes
              + ", "
              + tokens
              + " and "
              + runs.size());
    }

    Optional<IdChoice> id = chooseId(runs, data.ids(), s);
    Optional<IdSpread> spread = Optional.empty();
    Optional<TheoryPrediction> theory = Optional.empty();
    List<Comparison> comparisons = new ArrayList<>();
    if (id.isEmpty()) {
      notes.add(
          "no ID estimate matches analysis.id (estimator '"
              + s.idEstimator()
              + "', metric '"
              + s.idMetric()
              + "', protocol '"
              + s.idProtocol()
              + "', k "
              + s.idK()
              + ") for this dataset's runs: no theory predictions");
    } else {
      TheoryPrediction p = TheoryPrediction.of(id.get().d(), s.beta(), s.error());
      theory = Optional.of(p);
      Set<String> runIds = new TreeSet<>(ids(runs));
      IdSpread sp = IdSpread.of(id.get().row(), runIds, data.ids(), data.convergence());
      spread = Optional.of(sp);
      log.accept("  ID systematic spread: " + sp.describe());
      TheoryPrediction band = TheoryPrediction.of(sp.d(), s.beta(), s.error());
      String source = sp.dominant().map(IdSpread.Source::name).orElse("");
      for (FitRecord f : fits) {
        if (f.primary() && f.form() == FitForm.POWER && f.fit() instanceof Fit.Fitted fitted) {
          Axis axis = f.axis().orElseThrow();
          Comparison c =
              new Comparison(
                  name,
                  axis,
                  p.exponent(axis),
                  band.exponent(axis),
                  source,
                  p.sharmaKaplan(),
                  fitted.estimate("alpha"),
                  "power law at " + f.group(),
                  f.regime().key(),
                  f.regime().reason());
          comparisons.add(c);
          log.accept("  " + axis.key() + ": " + c.verdict());
        }
      }
    }
    for (FitRecord f : fits) {
      if (f.primary() && f.form() == FitForm.POWER && !f.regime().reason().isEmpty()) {
        notes.add(f.kind() + "-scaling fit at " + f.group() + ": " + f.regime().reason());
      }
    }
    return new DatasetResult(
        name,
        runs,
        fits,
        id,
        spread,
        theory,
        comparisons,
        notes,
        Optional.ofNullable(data.entropies().get(name)));
  }

  /**
   * The fits along one axis: runs grouped by {@code groupBy}, fitted against {@code x}; the group
   * with the largest {@code groupBy} value that can be fitted is primary.
   */
  private static List<FitRecord> axis(
      String dataset,
      List<Run> runs,
      Axis axis,
      ToDoubleFunction<Run> groupBy,
      ToDoubleFunction<Run> x,
      String xName,
      String groupSymbol,
      FitOptions options,
      List<String> notes,
      Consumer<String> log) {
    TreeMap<Double, List<Run>> groups = new TreeMap<>(Comparator.reverseOrder());
    for (Run r : runs) {
      groups.computeIfAbsent(groupBy.applyAsDouble(r), k -> new ArrayList<>()).add(r);
    }
    List<FitRecord> out = new ArrayList<>();
    boolean primaryTaken = false;
    for (Map.Entry<Double, List<Run>> g : groups.entrySet()) {
      List<Run> members = g.getValue();
      long distinct = members.stream().mapToDouble(x).distinct().count();
      if (distinct < MIN_POWER) {
        continue;
      }
      String group = String.format(Locale.ROOT, "%s = %.4g", groupSymbol, g.getKey());
      double[][] xs = {members.stream().mapToDouble(x).toArray()};
      double[] y = members.stream().mapToDouble(Run::loss).toArray();
      boolean primary = !primaryTaken;
      primaryTaken = true;
      RegimeCheck regime = RegimeCheck.of(axis, members, x, axis == Axis.DATA ? "D" : "N");
      log.accept(
          "  "
              + axis.key()
              + " scaling at "
              + group
              + ": "
              + members.size()
              + " runs, "
              + distinct
              + " sizes");
      out.add(
          new FitRecord(
              dataset,
              Optional.of(axis),
              group,
              FitForm.POWER,
              List.of(xName),
              xs,
              y,
              ids(members),
              ScalingFits.fit(FitForm.POWER, xs, y, options),
              primary,
              regime));
      if (distinct >= MIN_OFFSET) {
        out.add(
            new FitRecord(
                dataset,
                Optional.of(axis),
                group,
                FitForm.OFFSET,
                List.of(xName),
                xs,
                y,
                ids(members),
                ScalingFits.fit(FitForm.OFFSET, xs, y, options),
                primary,
                regime));
      }
    }
    if (!primaryTaken) {
      notes.add(
          "no "
              + axis.key()
              + "-scaling fit: no group of runs at one fixed "
              + (axis == Axis.DATA ? "model size" : "data size")
              + " has "
              + MIN_POWER
              + " or more distinct "
              + xName
              + " values");
    }
    return out;
  }

  /** The fit options the {@code analysis} settings give. */
  public static FitOptions options(AnalysisConfig s) {
    return new FitOptions(
        s.interval(), s.resamples(), s.level(), s.seed(), s.huberDelta(), s.holdout());
  }

  /** The ID estimate standing for a dataset; see the class comment. */
  static Optional<IdChoice> chooseId(List<Run> runs, List<IdRow> rows, AnalysisConfig s) {
    Map<String, Run> byId = new TreeMap<>();
    runs.forEach(r -> byId.put(r.runId(), r));
    Comparator<IdRow> order =
        Comparator.<IdRow>comparingDouble(r -> byId.get(r.runId()).size(s.modelSize()))
            .thenComparingDouble(r -> byId.get(r.runId()).trainTokens())
            .thenComparingDouble(IdRow::layerOrder)
            .thenComparing(IdRow::runId, Comparator.reverseOrder())
            .thenComparing(IdRow::k, Comparator.reverseOrder())
            .thenComparing(IdRow::metric, Comparator.reverseOrder())
            .thenComparing(IdRow::protocol, Comparator.reverseOrder());
    return rows.stream()
        .filter(r -> byId.containsKey(r.runId()))
        .filter(r -> !r.layer().equals(IdRow.INPUT)) // the model's representation, not its input
        .filter(r -> matches(r, s))
        .filter(r -> r.id() > 0 && Double.isFinite(r.id()))
        .max(order)
        .map(SweepAnalysis::choice);
  }

  /** Whether an estimate row matches the {@code analysis.id} selection ("" and 0 match any). */
  public static boolean matches(IdRow r, AnalysisConfig s) {
    return (s.idEstimator().isEmpty() || s.idEstimator().equalsIgnoreCase(r.estimator()))
        && (s.idMetric().isEmpty() || s.idMetric().equalsIgnoreCase(r.metric()))
        && (s.idProtocol().isEmpty() || s.idProtocol().equalsIgnoreCase(r.protocol()))
        && (s.idK() == 0 || s.idK() == r.k());
  }

  static IdChoice choice(IdRow r) {
    if (Double.isFinite(r.ciLow()) && Double.isFinite(r.ciHigh())) {
      return new IdChoice(
          r, new Interval(r.id(), r.ciLow(), r.ciHigh()), "the estimate's bootstrap interval");
    }
    if (Double.isFinite(r.batchStd()) && r.batchStd() > 0) {
      return new IdChoice(
          r,
          new Interval(r.id(), r.id() - r.batchStd(), r.id() + r.batchStd()),
          "±1 standard deviation over the protocol's batches");
    }
    return new IdChoice(r, Interval.point(r.id()), "none: the estimate has no interval");
  }

  private static List<String> ids(List<Run> runs) {
    return runs.stream().map(Run::runId).toList();
  }
}
