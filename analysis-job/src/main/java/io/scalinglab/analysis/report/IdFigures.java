package io.scalinglab.analysis.report;

import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.DatasetResult;
import io.scalinglab.analysis.sweep.IdConvergence;
import io.scalinglab.analysis.sweep.IdRow;
import io.scalinglab.analysis.sweep.Run;
import io.scalinglab.analysis.sweep.SweepAnalysis;
import io.scalinglab.core.store.LayerOrder;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of how the ID estimate depends on what was measured: the ID against layer, from the
 * embedding to the output, one line per run (the paper's Figure 4, {@code id-layers}); and per run
 * the ID against the number of points and against K with the id job's verdict, "levelled off" or
 * "still moving" ({@code id-convergence}). Both use the estimates {@code analysis.id} selects.
 */
final class IdFigures {
  static final String LAYERS = "id-layers";
  static final String CONVERGENCE = "id-convergence";

  /** At most this many runs get a row of the convergence figure, the largest models first. */
  static final int MAX_CONVERGENCE_RUNS = 8;

  private IdFigures() {}

  /**
   * ID against layer, one line per model and data size (one seed of each), one panel per protocol
   * where several are selected. A sweep of more than {@link #MAX_LAYER_SIZES} sizes shows the runs
   * at each dataset's largest data size: its model axis, the paper's Figure 4.
   */
  static Optional<Figure> layers(AnalysisResult result) {
    List<IdRow> rows = onePerSize(result, layerRows(result));
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    List<String> layers = layerAxis(result);
    List<String> protocols = rows.stream().map(IdRow::protocol).distinct().sorted().toList();
    List<Panel> panels = new ArrayList<>();
    for (String protocol : protocols) {
      String title =
          protocols.size() > 1 ? "ID against layer, " + protocol + " protocol" : "ID against layer";
      panels.add(
          layerPanel(
              result,
              title,
              rows.stream().filter(r -> r.protocol().equals(protocol)).toList(),
              layers));
    }
    return Optional.of(
        new Figure(
            LAYERS,
            "Estimated intrinsic dimension against layer, from the token and position embedding"
                + " (emb) through each block's output (h_0, h_1, …) to the last block (h_final)"
                + " and the final LayerNorm (ln_f), one line per model and data size (one seed"
                + " of each; with more than "
                + MAX_LAYER_SIZES
                + " sizes, those at the largest data size), one panel per protocol (the paper's"
                + " Figure 4, by layer), with the estimates' intervals as bars. A cross marks an"
                + " estimate the last doubling of its points still moved by more than"
                + " id.levelled-off-tolerance. Estimator, metric and K as analysis.id selects.",
            panels,
            Math.min(2, panels.size())));
  }

  /** Sizes above which the ID-against-layer figure keeps the largest data size only. */
  static final int MAX_LAYER_SIZES = 8;

  /**
   * The rows of one run per (dataset, model size, data size), the first run id of each; with more
   * than {@link #MAX_LAYER_SIZES} sizes, only those at each dataset's largest data size.
   */
  private static List<IdRow> onePerSize(AnalysisResult result, List<IdRow> rows) {
    Map<String, Run> runs = runs(result);
    Map<String, String> runOfSize = new TreeMap<>();
    new TreeSet<>(rows.stream().map(IdRow::runId).toList())
        .forEach(id -> runOfSize.putIfAbsent(label(result, id), id));
    Map<String, Double> largestD = new TreeMap<>();
    for (String id : runOfSize.values()) {
      Run r = runs.get(id);
      largestD.merge(r.dataset(), r.trainTokens(), Math::max);
    }
    boolean prune = runOfSize.size() > MAX_LAYER_SIZES;
    Set<String> keep = new HashSet<>();
    for (String id : runOfSize.values()) {
      Run r = runs.get(id);
      if (!prune || r.trainTokens() == largestD.get(r.dataset())) {
        keep.add(id);
      }
    }
    return rows.stream().filter(r -> keep.contains(r.runId())).toList();
  }

  private static Panel layerPanel(
      AnalysisResult result, String title, List<IdRow> rows, List<String> layers) {
    Map<String, List<IdRow>> series = new LinkedHashMap<>();
    for (IdRow r : rows) {
      List<IdRow> s = series.computeIfAbsent(r.runId(), x -> new ArrayList<>());
      if (s.stream().noneMatch(o -> o.layer().equals(r.layer()))) {
        s.add(r);
      }
    }
    Panel p = new Panel(title, "layer", "intrinsic dimension", false, false);
    categories(p, layers);
    List<double[]> moving = new ArrayList<>();
    int c = 0;
    for (Map.Entry<String, List<IdRow>> e : series.entrySet()) {
      Color color = Panel.PALETTE[c++ % Panel.PALETTE.length];
      List<IdRow> s = new ArrayList<>(e.getValue());
      s.sort(Comparator.comparing(IdRow::layer, LayerOrder.BY_DEPTH));
      double[] x = s.stream().mapToDouble(r -> layers.indexOf(r.layer())).toArray();
      double[] y = s.stream().mapToDouble(IdRow::id).toArray();
      if (x.length > 1) {
        p.line(null, x, y, color, false);
      }
      p.points(label(result, e.getKey()), x, y, color);
      for (int i = 0; i < s.size(); i++) {
        p.bar(x[i], s.get(i).ciLow(), s.get(i).ciHigh(), color);
        if (convergence(result, s.get(i))
            .flatMap(IdConvergence::levelledOff)
            .equals(Optional.of(false))) {
          moving.add(new double[] {x[i], y[i]});
        }
      }
    }
    if (!moving.isEmpty()) {
      p.points(
              "still moving in n",
              moving.stream().mapToDouble(v -> v[0]).toArray(),
              moving.stream().mapToDouble(v -> v[1]).toArray(),
              Color.BLACK)
          .setMarker(SeriesMarkers.CROSS);
    }
    return p;
  }

  /** The layers on the x axis of the ID-against-layer figure, by depth. */
  static List<String> layerAxis(AnalysisResult result) {
    TreeSet<String> depthOrder = new TreeSet<>(LayerOrder.BY_DEPTH);
    layerRows(result).forEach(r -> depthOrder.add(r.layer()));
    return List.copyOf(depthOrder);
  }

  private static List<IdRow> layerRows(AnalysisResult result) {
    return selected(result).stream().filter(r -> !r.layer().isEmpty()).toList();
  }

  /** Per run: ID against n (log axis) and against K, with the verdict. */
  static Optional<Figure> convergence(AnalysisResult result) {
    if (result.data().convergence().isEmpty()) {
      return Optional.empty();
    }
    Map<String, List<IdConvergence>> byRun = new LinkedHashMap<>();
    for (IdRow last : lastLayers(result)) {
      convergence(result, last)
          .ifPresent(cv -> byRun.computeIfAbsent(last.runId(), x -> new ArrayList<>()).add(cv));
    }
    if (byRun.isEmpty()) {
      return Optional.empty();
    }
    boolean anyK = byRun.values().stream().flatMap(List::stream).anyMatch(v -> !v.k().isEmpty());
    List<Panel> panels = new ArrayList<>();
    for (Map.Entry<String, List<IdConvergence>> e : byRun.entrySet()) {
      List<IdConvergence> cvs = e.getValue();
      String title = label(result, e.getKey()) + ", " + cvs.get(0).layer();
      Panel n = new Panel(title + ": " + verdict(cvs), "subsample", "ID", false, false);
      halvings(n);
      Panel k = new Panel(title + ": against K", "neighbours K", "ID", false, false);
      for (Panel p : List.of(n, k)) {
        p.chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
      }
      int c = 0;
      boolean kDrawn = false;
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      double kLo = Double.POSITIVE_INFINITY;
      double kHi = Double.NEGATIVE_INFINITY;
      for (IdConvergence cv : cvs) {
        Color color = Panel.PALETTE[c++ % Panel.PALETTE.length];
        if (!cv.n().isEmpty()) {
          double full = cv.n().get(cv.n().size() - 1)[1];
          double tol = Double.isFinite(cv.tolerance()) ? cv.tolerance() : 0;
          if (tol > 0) {
            n.band(
                null,
                new double[] {-4, 0},
                new double[] {full * (1 - tol), full * (1 - tol)},
                new double[] {full * (1 + tol), full * (1 + tol)},
                color);
          }
          List<double[]> rel = new ArrayList<>();
          for (double[] v : cv.n()) {
            rel.add(new double[] {Math.log(v[0] / last(cv.n())) / Math.log(2), v[1]});
            lo = Math.min(lo, v[1]);
            hi = Math.max(hi, v[1]);
          }
          lo = Math.min(lo, 0.9 * full);
          hi = Math.max(hi, 1.1 * full);
          draw(n, describe(cv), rel, color);
        }
        if (!cv.k().isEmpty()) {
          draw(k, cv.protocol() + ", n = " + Panel.si(last(cv.n())), cv.k(), color);
          kDrawn = true;
          for (double[] v : cv.k()) {
            kLo = Math.min(kLo, Math.min(v[1], 0.9 * v[1]));
            kHi = Math.max(kHi, Math.max(v[1], 1.1 * v[1]));
          }
        }
      }
      // at least ±10 % of the estimate in view: a flat sweep should look flat
      if (lo < hi) {
        n.chart.getStyler().setYAxisMin(lo);
        n.chart.getStyler().setYAxisMax(hi);
      }
      if (kLo < kHi) {
        k.chart.getStyler().setYAxisMin(kLo);
        k.chart.getStyler().setYAxisMax(kHi);
      }
      panels.add(n);
      if (anyK) {
        if (!kDrawn) {
          k.chart.setTitle(title + ": no K sweep (the paper protocol has none)");
        }
        panels.add(k);
      }
    }
    return Optional.of(
        new Figure(
            CONVERGENCE,
            "Has the ID estimate levelled off? Left: the estimate on nested subsamples of n/16 …"
                + " n points (for the paper protocol, of each batch's points; n in the legend of"
                + " the K panel), each step doubling the points; the shaded band is ±"
                + "id.levelled-off-tolerance around the estimate at n, and the verdict says"
                + " whether the last doubling, n/2 to n, moved it by less than that. Right: the"
                + " estimate against K (global protocol). One row per run, the layer the predictions use, at most "
                + MAX_CONVERGENCE_RUNS
                + " runs, the largest first; id/sweeps.csv holds every estimate's sweeps.",
            panels,
            2));
  }

  private static void draw(Panel p, String name, List<double[]> pts, Color color) {
    double[] x = pts.stream().mapToDouble(v -> v[0]).toArray();
    double[] y = pts.stream().mapToDouble(v -> v[1]).toArray();
    if (x.length > 1) {
      p.line(null, x, y, color, false);
    }
    p.points(name, x, y, color);
  }

  /** "global: levelled off (+0.8 % at the last doubling)". */
  static String describe(IdConvergence cv) {
    String who = cv.protocol().equals("paper") ? "paper, n per batch" : cv.protocol();
    if (cv.levelledOff().isEmpty()) {
      return who + ": no verdict (no n/2 point)";
    }
    return String.format(
        Locale.ROOT,
        "%s: %s (%+.1f %% over the last doubling; tolerance %.1f %%)",
        who,
        cv.levelledOff().get() ? "levelled off" : "still moving",
        100 * cv.change(),
        100 * cv.tolerance());
  }

  private static String verdict(List<IdConvergence> cvs) {
    List<Boolean> v = cvs.stream().flatMap(c -> c.levelledOff().stream()).toList();
    if (v.isEmpty()) {
      return "no verdict";
    }
    if (v.stream().allMatch(b -> b)) {
      return "levelled off";
    }
    return v.stream().noneMatch(b -> b)
        ? "still moving"
        : "still moving (" + v.size() + " verdicts)";
  }

  private static double last(List<double[]> pts) {
    return pts.isEmpty() ? Double.NaN : pts.get(pts.size() - 1)[0];
  }

  /**
   * An x axis of log2(m / n) from −4 to 0: each step doubles the points. Plain numbers, no custom
   * labels: XChart 3.8.8's tick search never ends on some ranges when a custom formatter is set.
   */
  private static void halvings(Panel p) {
    p.chart.setXAxisTitle("log2 of the subsample's share of n (−1: n/2, −4: n/16)");
  }

  /** Tick labels at the layers' indices, and a legend that lists the runs one per line. */
  private static void categories(Panel p, List<String> layers) {
    var s = p.chart.getStyler();
    s.setLegendLayout(Styler.LegendLayout.Vertical);
    s.setXAxisTickMarkSpacingHint(12);
    s.setXAxisMaxLabelCount(layers.size());
    if (layers.size() > 8) {
      s.setXAxisLabelRotation(90);
    }
    p.chart.setCustomXAxisTickLabelsFormatter(
        v -> {
          long i = Math.round(v);
          return Math.abs(v - i) < 1e-9 && i >= 0 && i < layers.size() ? layers.get((int) i) : "";
        });
  }

  /** The estimate rows analysis.id selects, of runs the analysis knows, with a positive ID. */
  private static List<IdRow> selected(AnalysisResult result) {
    Map<String, Run> runs = runs(result);
    return result.data().ids().stream()
        .filter(r -> runs.containsKey(r.runId()))
        .filter(r -> SweepAnalysis.matches(r, result.settings()))
        .filter(r -> r.id() > 0 && Double.isFinite(r.id()))
        .toList();
  }

  /** Per run and protocol, the selected row of the last layer; the largest runs first. */
  private static List<IdRow> lastLayers(AnalysisResult result) {
    Map<String, Run> runs = runs(result);
    Map<String, IdRow> last = new LinkedHashMap<>();
    for (IdRow r : selected(result)) {
      if (r.layer().equals(IdRow.INPUT)) {
        continue;
      }
      String key = r.runId() + "\u0000" + r.protocol();
      IdRow o = last.get(key);
      if (o == null || LayerOrder.BY_DEPTH.compare(r.layer(), o.layer()) > 0) {
        last.put(key, r);
      }
    }
    List<String> order =
        runs.values().stream()
            .sorted(
                Comparator.comparingDouble((Run r) -> r.size(result.settings().modelSize()))
                    .thenComparingDouble(Run::trainTokens)
                    .reversed())
            .map(Run::runId)
            .filter(id -> last.keySet().stream().anyMatch(k -> k.startsWith(id + "\u0000")))
            .limit(MAX_CONVERGENCE_RUNS)
            .toList();
    List<IdRow> out = new ArrayList<>();
    for (String id : order) {
      last.forEach(
          (k, v) -> {
            if (k.startsWith(id + "\u0000")) {
              out.add(v);
            }
          });
    }
    return out;
  }

  private static Optional<IdConvergence> convergence(AnalysisResult result, IdRow r) {
    return result.data().convergence().stream().filter(c -> c.of(r)).findFirst();
  }

  private static Map<String, Run> runs(AnalysisResult result) {
    Map<String, Run> out = new TreeMap<>();
    for (DatasetResult d : result.datasets()) {
      d.runs().forEach(r -> out.put(r.runId(), r));
    }
    return out;
  }

  /** "tiny, N = 16M, D = 640M": a run as the reader knows it. */
  private static String label(AnalysisResult result, String runId) {
    Run r = runs(result).get(runId);
    if (r == null) {
      return runId;
    }
    return String.format(
        Locale.ROOT,
        "%s, N = %s, D = %s",
        r.dataset(),
        Panel.si(r.size(result.settings().modelSize())),
        Panel.si(r.trainTokens()));
  }
}
