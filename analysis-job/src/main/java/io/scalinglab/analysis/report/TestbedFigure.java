package io.scalinglab.analysis.report;

import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.IdChoice;
import io.scalinglab.analysis.sweep.TestbedRow;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.core.config.TheoryError;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;
import org.knowm.xchart.style.Styler;

/**
 * The theory testbed's figure: the fitted exponents against the known intrinsic dimension d with
 * their intervals, under the theory's curves 2β/(2β+d) and 2β/d for the squared and the root error;
 * and the ID estimated on the inputs and on the last layer against the true d, beside the diagonal.
 */
final class TestbedFigure {
  static final String NAME = "testbed";

  private static final Color DATA = Panel.PALETTE[0];
  private static final Color MODEL = Panel.PALETTE[1];
  private static final Color INPUT = Panel.PALETTE[2];
  private static final Color LAYER = Panel.PALETTE[3];

  private TestbedFigure() {}

  static Optional<Figure> of(AnalysisResult result) {
    List<TestbedRow> rows = result.testbed();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    double beta = result.settings().beta();
    double lo =
        Math.max(0.5, rows.stream().mapToDouble(TestbedRow::trueDim).min().orElseThrow() - 0.5);
    double hi = rows.stream().mapToDouble(TestbedRow::trueDim).max().orElseThrow() + 0.5;
    double[] grid = linSpace(lo, hi, 60);

    Panel exp =
        new Panel(
            "Scaling exponents against the true d",
            "intrinsic dimension d",
            "exponent α",
            false,
            false);
    // the curves fall with d, so the upper right is free for a list-like legend
    exp.chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    exp.chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    curve(exp, "2β/(2β+d), squared", grid, d -> 2 * beta / (2 * beta + d), DATA, true);
    curve(exp, "2β/d, squared", grid, d -> 2 * beta / d, MODEL, true);
    double half = TheoryError.ROOT.factor();
    curve(exp, "2β/(2β+d), root", grid, d -> half * 2 * beta / (2 * beta + d), lighter(DATA), true);
    curve(exp, "2β/d, root", grid, d -> half * 2 * beta / d, lighter(MODEL), true);
    fitted(exp, rows, Axis.DATA, -0.08, "fitted α_D", DATA);
    fitted(exp, rows, Axis.MODEL, 0.08, "fitted α_N", MODEL);

    Panel id =
        new Panel(
            "Estimated against true intrinsic dimension", "true d", "estimated ID", false, false);
    id.chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    id.chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    id.line("estimate = d", new double[] {lo, hi}, new double[] {lo, hi}, Color.GRAY, true);
    ids(id, rows, true, -0.08, "inputs", INPUT);
    ids(id, rows, false, 0.08, "last layer", LAYER);

    return Optional.of(
        new Figure(
            NAME,
            "Theory testbed, data of known intrinsic dimension d. Left: the primary power-law"
                + " exponents with their bootstrap intervals, α_D (data axis) and α_N (model"
                + " axis), against the theory's 2β/(2β+d) and 2β/d (β = "
                + String.format(Locale.ROOT, "%.3g", beta)
                + ") for the squared error (dashed) and the root error (dashed, lighter, half as"
                + " large). Right: the ID estimated (analysis.id) on the models' inputs and on the"
                + " last layer of the largest model, with intervals, against the true d.",
            List.of(exp, id),
            2));
  }

  private static void curve(
      Panel p, String name, double[] grid, DoubleUnaryOperator f, Color c, boolean dashed) {
    double[] y = new double[grid.length];
    for (int i = 0; i < grid.length; i++) {
      y[i] = f.applyAsDouble(grid[i]);
    }
    p.line(name, grid, y, c, dashed);
  }

  private static void fitted(
      Panel p, List<TestbedRow> rows, Axis axis, double shift, String name, Color c) {
    List<double[]> pts = new ArrayList<>();
    for (TestbedRow r : rows) {
      Optional<Estimate> e = r.fitted(axis);
      e.ifPresent(v -> pts.add(new double[] {r.trueDim() + shift, v.value(), v.low(), v.high()}));
    }
    plot(p, pts, name, c);
  }

  private static void ids(
      Panel p, List<TestbedRow> rows, boolean input, double shift, String name, Color c) {
    List<double[]> pts = new ArrayList<>();
    for (TestbedRow r : rows) {
      Optional<IdChoice> e = input ? r.inputId() : r.modelId();
      e.ifPresent(
          v ->
              pts.add(
                  new double[] {r.trueDim() + shift, v.d().value(), v.d().low(), v.d().high()}));
    }
    plot(p, pts, name, c);
  }

  private static void plot(Panel p, List<double[]> pts, String name, Color c) {
    if (pts.isEmpty()) {
      return;
    }
    p.points(
        name,
        pts.stream().mapToDouble(v -> v[0]).toArray(),
        pts.stream().mapToDouble(v -> v[1]).toArray(),
        c);
    for (double[] v : pts) {
      p.bar(v[0], v[2], v[3], c);
    }
  }

  private static Color lighter(Color c) {
    return new Color(
        (c.getRed() + 2 * 255) / 3, (c.getGreen() + 2 * 255) / 3, (c.getBlue() + 2 * 255) / 3);
  }

  private static double[] linSpace(double from, double to, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from + (to - from) * i / (n - 1);
    }
    return x;
  }
}
