package io.scalinglab.analysis.report;

import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitForm;
import io.scalinglab.analysis.fit.Frontier;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.DatasetResult;
import io.scalinglab.analysis.sweep.FitRecord;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The compute-optimal frontier of every dataset that has a joint Chinchilla fit, as a table ({@code
 * frontier.csv}) and a figure: N_opt(C) and D_opt(C) under C = 6·N·D, from the budget of the
 * sweep's smallest run to 1,000 times that of its largest, with intervals from the fit's resamples.
 */
final class Frontiers {
  static final String[] HEADER = {
    "dataset",
    "flops",
    "n_opt",
    "n_opt_low",
    "n_opt_high",
    "d_opt",
    "d_opt_low",
    "d_opt_high",
    "loss",
    "loss_low",
    "loss_high",
    "a",
    "a_low",
    "a_high",
    "b",
    "b_low",
    "b_high",
    "level",
    "resamples"
  };

  /** Budgets from the smallest run's 6·N·D to this many times the largest run's. */
  static final double BEYOND = 1000;

  /** Budgets per frontier. */
  static final int BUDGETS = 13;

  private Frontiers() {}

  /** A dataset's frontier. */
  record Of(String dataset, Frontier frontier, double[] runFlops, double[] runParams) {}

  /** The frontier of each dataset whose joint fit converged. */
  static List<Of> of(AnalysisResult result) {
    List<Of> out = new ArrayList<>();
    for (DatasetResult d : result.datasets()) {
      for (FitRecord f : d.fits()) {
        if (f.axis().isPresent()
            || f.form() != FitForm.CHINCHILLA
            || !(f.fit() instanceof Fit.Fitted fitted)) {
          continue;
        }
        double[] c = new double[f.y().length];
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int i = 0; i < c.length; i++) {
          c[i] = 6 * f.x()[0][i] * f.x()[1][i];
          lo = Math.min(lo, c[i]);
          hi = Math.max(hi, c[i]);
        }
        Frontier fr =
            Frontier.of(
                fitted, Frontier.budgets(lo, hi * BEYOND, BUDGETS), result.settings().level());
        out.add(new Of(d.dataset(), fr, c, f.x()[0].clone()));
      }
    }
    return out;
  }

  /** {@code frontier.csv}: one row per dataset and budget. */
  static List<String[]> rows(List<Of> frontiers) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Of o : frontiers) {
      Frontier fr = o.frontier();
      for (Frontier.Point p : fr.points()) {
        rows.add(
            new String[] {
              o.dataset(),
              AnalysisTables.num(p.flops()),
              AnalysisTables.num(p.nOpt().value()),
              AnalysisTables.num(p.nOpt().low()),
              AnalysisTables.num(p.nOpt().high()),
              AnalysisTables.num(p.dOpt().value()),
              AnalysisTables.num(p.dOpt().low()),
              AnalysisTables.num(p.dOpt().high()),
              AnalysisTables.num(p.loss().value()),
              AnalysisTables.num(p.loss().low()),
              AnalysisTables.num(p.loss().high()),
              AnalysisTables.num(fr.a().value()),
              AnalysisTables.num(fr.a().low()),
              AnalysisTables.num(fr.a().high()),
              AnalysisTables.num(fr.b().value()),
              AnalysisTables.num(fr.b().low()),
              AnalysisTables.num(fr.b().high()),
              AnalysisTables.num(fr.level()),
              Integer.toString(fr.resamples())
            });
      }
    }
    return rows;
  }

  /** N_opt and D_opt against the budget, one panel per dataset, the sweep's budgets marked. */
  static Optional<Figure> figure(List<Of> frontiers) {
    List<Panel> panels = new ArrayList<>();
    for (Of o : frontiers) {
      Frontier fr = o.frontier();
      Panel p =
          new Panel(
              String.format(
                  Locale.ROOT,
                  "%s: N_opt ∝ C^%.2f, D_opt ∝ C^%.2f",
                  o.dataset(),
                  fr.a().value(),
                  fr.b().value()),
              "compute C = 6·N·D (FLOPs)",
              "compute-optimal size",
              true,
              true);
      double[] c = fr.points().stream().mapToDouble(Frontier.Point::flops).toArray();
      draw(p, "N_opt (parameters)", c, fr, true, Panel.PALETTE[0]);
      draw(p, "D_opt (tokens)", c, fr, false, Panel.PALETTE[1]);
      p.points("the sweep's runs (C, N)", o.runFlops(), o.runParams(), Color.GRAY);
      p.chart.getStyler().setYAxisDecimalPattern("0E0");
      p.chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
      panels.add(p);
    }
    if (panels.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Figure(
            "frontier",
            "Compute-optimal frontier of the joint fit L = E + A/N^α + B/D^β under C = 6·N·D"
                + " (Hoffmann et al. 2022): the model size and token count that minimise the"
                + " predicted loss at each budget, with the fit's resampled intervals. Grey: the"
                + " sweep's own runs; beyond their budgets the frontier is an extrapolation.",
            panels,
            2));
  }

  private static void draw(Panel p, String name, double[] c, Frontier fr, boolean n, Color color) {
    double[] v = new double[c.length];
    double[] lo = new double[c.length];
    double[] hi = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      var e = n ? fr.points().get(i).nOpt() : fr.points().get(i).dOpt();
      v[i] = e.value();
      lo[i] = e.low();
      hi[i] = e.high();
    }
    if (fr.resamples() > 0) {
      p.band(null, c, lo, hi, color);
    }
    p.line(name, c, v, color, false);
  }
}
