package io.scalinglab.analysis.report;

import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitForm;
import io.scalinglab.analysis.fit.HoldoutCheck;
import io.scalinglab.analysis.sweep.AblationRow;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.DatasetResult;
import io.scalinglab.analysis.sweep.FitRecord;
import io.scalinglab.analysis.sweep.IdRow;
import io.scalinglab.analysis.sweep.Run;
import io.scalinglab.analysis.sweep.SweepAnalysis;
import io.scalinglab.analysis.sweep.TokenEntropy;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.analysis.theory.Interval;
import io.scalinglab.analysis.theory.TheoryPrediction;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a sweep's report: loss against data and against model size per dataset (the
 * paper's Figures 2 and 3) with fitted and predicted lines and their bands, the ID against
 * parameters, width and context position (Figure 4), the ID against layer and against n and K
 * ({@link IdFigures}), and the extrapolation check.
 */
final class Figures {
  private static final Color THEORY = new Color(0x333333);
  private static final Color ENTROPY = new Color(0x999999);

  private Figures() {}

  /** Every figure the result supports, in report order; figures without data are left out. */
  static List<Figure> of(AnalysisResult result) {
    List<Figure> out = new ArrayList<>();
    scaling(result, Axis.DATA).ifPresent(out::add);
    scaling(result, Axis.MODEL).ifPresent(out::add);
    TestbedFigure.of(result).ifPresent(out::add);
    intrinsicDimension(result).ifPresent(out::add);
    IdFigures.layers(result).ifPresent(out::add);
    IdFigures.convergence(result).ifPresent(out::add);
    extrapolation(result).ifPresent(out::add);
    return out;
  }

  private static Optional<Figure> scaling(AnalysisResult result, Axis axis) {
    List<Panel> panels = new ArrayList<>();
    String loss = result.settings().lossColumn();
    for (DatasetResult d : result.datasets()) {
      List<FitRecord> fits =
          d.fits().stream()
              .filter(f -> f.axis().equals(Optional.of(axis)) && f.form() == FitForm.POWER)
              .toList();
      if (fits.isEmpty()) {
        continue;
      }
      FitRecord primary = fits.stream().filter(FitRecord::primary).findFirst().orElseThrow();
      Panel p =
          new Panel(
              d.dataset() + title(primary, d.theory(), axis),
              axis == Axis.DATA ? "training tokens D" : "parameters N (" + xName(primary) + ")",
              "validation loss (" + loss + ")",
              true,
              true);
      for (int g = 0; g < fits.size(); g++) {
        FitRecord f = fits.get(g);
        Color c = Panel.PALETTE[g % Panel.PALETTE.length];
        double[] x = f.x()[0];
        double[] grid = Panel.logSpace(min(x), max(x), 40);
        if (f.fit() instanceof Fit.Fitted fitted) {
          if (f.primary()) {
            double[] lo = new double[grid.length];
            double[] hi = new double[grid.length];
            for (int i = 0; i < grid.length; i++) {
              double[] b = fitted.band(result.settings().level(), grid[i]);
              lo[i] = b[0];
              hi[i] = b[1];
            }
            p.band(null, grid, lo, hi, c);
          }
          p.line(null, grid, Arrays.stream(grid).map(fitted::predict).toArray(), c, false);
        }
        String label =
            f.fit() instanceof Fit.Fitted fitted
                ? String.format(
                    Locale.ROOT, "%s: α = %.3f", group(f), fitted.estimate("alpha").value())
                : group(f) + ": fit failed";
        p.points(label, x, f.y(), c);
      }
      if (d.theory().isPresent() && primary.fit() instanceof Fit.Fitted fitted) {
        theoryLine(p, primary.x()[0], fitted, d.theory().get().exponent(axis), axis);
      }
      double[] allX = fits.stream().flatMapToDouble(f -> Arrays.stream(f.x()[0])).toArray();
      double[] allY = fits.stream().flatMapToDouble(f -> Arrays.stream(f.y())).toArray();
      double yMax = max(allY);
      double yMin = min(allY);
      if (d.entropy().isPresent()) {
        TokenEntropy e = d.entropy().get();
        double[] ends = {min(allX), max(allX)};
        p.line(
            String.format(Locale.ROOT, "unigram entropy %.3f", e.unigram()),
            ends,
            new double[] {e.unigram(), e.unigram()},
            ENTROPY,
            true);
        p.line(
            String.format(Locale.ROOT, "bigram entropy %.3f", e.bigram()),
            ends,
            new double[] {e.bigram(), e.bigram()},
            ENTROPY.darker(),
            true);
        yMax = Math.max(yMax, e.unigram());
        yMin = Math.min(yMin, e.bigram());
      }
      p.labelMinorTicks(max(allX) / min(allX), yMax / yMin);
      panels.add(p);
    }
    if (panels.isEmpty()) {
      return Optional.empty();
    }
    String what = axis == Axis.DATA ? "data" : "model";
    return Optional.of(
        new Figure(
            what + "-scaling",
            "Validation loss against "
                + (axis == Axis.DATA
                    ? "training tokens at fixed model size"
                    : "parameters at" + " fixed training tokens")
                + " on logarithmic axes, one panel per dataset (the paper's Figure "
                + (axis == Axis.DATA ? "2" : "3")
                + "). Solid lines: power-law fits per group, the shaded band the interval (Student t for"
                + " power laws, analysis.interval) of the primary fit; dashed: the exponent the theory predicts from the ID,"
                + " drawn through the primary fit's middle, grey band from the interval on d;"
                + " grey dashed: the validation split's unigram and bigram entropies (nats per"
                + " token, plug-in estimates), the losses of the best context-free and"
                + " one-token-back models.",
            panels,
            2));
  }

  /** The predicted slope drawn through the primary fit at the geometric middle of its x range. */
  private static void theoryLine(Panel p, double[] x, Fit.Fitted fit, Interval alpha, Axis axis) {
    double[] grid = Panel.logSpace(min(x), max(x), 40);
    double mid = Math.sqrt(min(x) * max(x));
    double anchor = fit.predict(mid);
    String sym = axis == Axis.DATA ? "α_D" : "α_N";
    p.line(
        String.format(Locale.ROOT, "theory %s = %.3f", sym, alpha.value()),
        grid,
        Arrays.stream(grid).map(v -> anchor * Math.pow(v / mid, -alpha.value())).toArray(),
        THEORY,
        true);
    if (alpha.bounded()) {
      double[] lo = new double[grid.length];
      double[] hi = new double[grid.length];
      for (int i = 0; i < grid.length; i++) {
        double a = anchor * Math.pow(grid[i] / mid, -alpha.low());
        double b = anchor * Math.pow(grid[i] / mid, -alpha.high());
        lo[i] = Math.min(a, b);
        hi[i] = Math.max(a, b);
      }
      p.band(null, grid, lo, hi, Color.GRAY);
    }
  }

  private static String title(FitRecord primary, Optional<TheoryPrediction> theory, Axis axis) {
    if (!(primary.fit() instanceof Fit.Fitted f)) {
      return ": fit failed";
    }
    var a = f.estimate("alpha");
    String s = String.format(Locale.ROOT, ": α = %.3f [%.3f, %.3f]", a.value(), a.low(), a.high());
    if (theory.isPresent()) {
      Interval t = theory.get().exponent(axis);
      s += String.format(Locale.ROOT, ", theory %.3f", t.value());
    }
    return s;
  }

  private static Optional<Figure> intrinsicDimension(AnalysisResult result) {
    List<Panel> panels = new ArrayList<>();
    Map<String, List<double[]>> bySize = new TreeMap<>();
    Map<String, List<double[]>> byWidth = new TreeMap<>();
    for (DatasetResult d : result.datasets()) {
      for (Run r : d.runs()) {
        Optional<IdRow> row =
            result.data().ids().stream()
                .filter(i -> i.runId().equals(r.runId()))
                .filter(i -> SweepAnalysis.matches(i, result.settings()))
                .filter(i -> i.id() > 0)
                .max(Comparator.comparingDouble(IdRow::layerOrder));
        if (row.isEmpty()) {
          continue;
        }
        IdRow i = row.get();
        double[] pt = {r.size(result.settings().modelSize()), i.id(), i.ciLow(), i.ciHigh()};
        bySize.computeIfAbsent(d.dataset(), k -> new ArrayList<>()).add(pt);
        if (r.width() > 0) {
          byWidth
              .computeIfAbsent(d.dataset(), k -> new ArrayList<>())
              .add(new double[] {r.width(), i.id(), i.ciLow(), i.ciHigh()});
        }
      }
    }
    idPanel("ID against parameters", "parameters N", bySize, true).ifPresent(panels::add);
    idPanel("ID against embedding width", "width d_model", byWidth, true).ifPresent(panels::add);
    idPanel(
            "ID against context position",
            "context position (window middle)",
            ablation(result, result.data().positions()),
            false)
        .ifPresent(panels::add);
    if (panels.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Figure(
            "intrinsic-dimension",
            "Estimated intrinsic dimension against parameters, embedding width and context"
                + " position (the paper's Figure 4; against layer in the next figure), with the"
                + " estimates' intervals as bars. The estimator, metric, K and protocol are those"
                + " selected by analysis.id.",
            panels,
            2));
  }

  private static Map<String, List<double[]>> ablation(
      AnalysisResult result, List<AblationRow> rows) {
    Map<String, String> datasetOf = new TreeMap<>();
    result.datasets().forEach(d -> d.runs().forEach(r -> datasetOf.put(r.runId(), d.dataset())));
    Map<String, List<double[]>> out = new TreeMap<>();
    for (AblationRow a : rows) {
      String dataset = datasetOf.get(a.runId());
      if (dataset != null && a.id() > 0) {
        out.computeIfAbsent(dataset, k -> new ArrayList<>())
            .add(new double[] {a.at(), a.id(), a.ciLow(), a.ciHigh()});
      }
    }
    return out;
  }

  private static Optional<Panel> idPanel(
      String title, String xTitle, Map<String, List<double[]>> series, boolean logX) {
    if (series.isEmpty()) {
      return Optional.empty();
    }
    Panel p = new Panel(title, xTitle, "intrinsic dimension", logX, false);
    int c = 0;
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      Color color = Panel.PALETTE[c++ % Panel.PALETTE.length];
      List<double[]> pts = e.getValue();
      if (logX && pts.stream().anyMatch(v -> !(v[0] > 0))) {
        continue;
      }
      p.points(e.getKey(), col(pts, v -> v[0]), col(pts, v -> v[1]), color);
      for (double[] v : pts) {
        p.bar(v[0], v[2], v[3], color);
      }
    }
    return Optional.of(p);
  }

  private static Optional<Figure> extrapolation(AnalysisResult result) {
    List<Panel> panels = new ArrayList<>();
    for (DatasetResult d : result.datasets()) {
      for (FitRecord f : d.fits()) {
        if (!f.primary() || f.form() != FitForm.POWER) {
          continue;
        }
        if (!(f.fit() instanceof Fit.Fitted full)
            || full.holdout().isEmpty()
            || !(full.holdout().get().fit() instanceof Fit.Fitted rest)) {
          continue;
        }
        HoldoutCheck h = full.holdout().get();
        Panel p =
            new Panel(
                String.format(
                    Locale.ROOT,
                    "%s, %s scaling: held-out error %.2f %% (in-sample %.2f %%)",
                    d.dataset(),
                    f.kind(),
                    100 * h.heldOutError(),
                    100 * h.inSampleError()),
                f.kind().equals("data") ? "training tokens D" : "parameters N",
                "validation loss",
                true,
                true);
        double[] x = f.x()[0];
        double[] grid = Panel.logSpace(min(x), max(x), 40);
        p.line(
            "fit without the largest " + h.k(),
            grid,
            Arrays.stream(grid).map(rest::predict).toArray(),
            Panel.PALETTE[0],
            false);
        p.line(
            "fit on all points",
            grid,
            Arrays.stream(grid).map(full::predict).toArray(),
            Color.GRAY,
            true);
        double[] heldX = h.points().stream().mapToDouble(pt -> pt.x()[0]).toArray();
        double[] heldY = h.points().stream().mapToDouble(HoldoutCheck.Point::observed).toArray();
        List<Double> usedX = new ArrayList<>();
        List<Double> usedY = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
          double xi = x[i];
          if (Arrays.stream(heldX).noneMatch(v -> v == xi)) {
            usedX.add(xi);
            usedY.add(f.y()[i]);
          }
        }
        p.points(
            "fitted points",
            usedX.stream().mapToDouble(Double::doubleValue).toArray(),
            usedY.stream().mapToDouble(Double::doubleValue).toArray(),
            Panel.PALETTE[0]);
        p.points("held out", heldX, heldY, Panel.PALETTE[1]);
        p.labelMinorTicks(max(x) / min(x), max(f.y()) / min(f.y()));
        panels.add(p);
      }
    }
    if (panels.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Figure(
            "extrapolation",
            "Out-of-sample check: each primary power law refitted without its largest points"
                + " (red), then asked to predict them; the error is the mean |predicted −"
                + " observed| / observed.",
            panels,
            2));
  }

  /** "N = 16M", "D = 640M": the group's fixed size, readable. */
  private static String group(FitRecord f) {
    String[] parts = f.group().split(" = ");
    if (parts.length != 2) {
      return f.group();
    }
    try {
      return parts[0] + " = " + Panel.si(Double.parseDouble(parts[1]));
    } catch (NumberFormatException e) {
      return f.group();
    }
  }

  private static String xName(FitRecord f) {
    return f.xNames().get(0);
  }

  private static double[] col(List<double[]> pts, ToDoubleFunction<double[]> f) {
    return pts.stream().mapToDouble(f).toArray();
  }

  private static double min(double[] x) {
    return Arrays.stream(x).min().orElseThrow();
  }

  private static double max(double[] x) {
    return Arrays.stream(x).max().orElseThrow();
  }
}
