package io.scalinglab.cli;

import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitForm;
import io.scalinglab.analysis.job.AnalyzeJob;
import io.scalinglab.analysis.sweep.DatasetResult;
import io.scalinglab.analysis.sweep.FitRecord;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.analysis.theory.Comparison;
import io.scalinglab.analysis.theory.Interval;
import io.scalinglab.core.cli.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code demo --reproduce} measured, one row per corpus: per axis the fitted exponent with its
 * interval, the points, decades and R², the exponent the theory predicts from the ID with its
 * sampling interval and its systematic band, and the verdict; the ID with its spread; minutes.
 * Printed, and written as CSV (pandas and Spark read it) and as a Markdown table.
 */
final class ReproduceTable {
  static final String CSV = "reproduce.csv";
  static final String MARKDOWN = "reproduce.md";

  static final List<String> COLUMNS =
      List.of(
          "corpus",
          "runs",
          "minutes",
          "id",
          "id_low",
          "id_high",
          "id_spread_low",
          "id_spread_high",
          "id_layer",
          "unigram_entropy",
          "bigram_entropy",
          "best_loss",
          "data_points",
          "data_sizes",
          "data_decades",
          "data_alpha",
          "data_alpha_low",
          "data_alpha_high",
          "data_r2",
          "data_regime",
          "data_predicted",
          "data_predicted_low",
          "data_predicted_high",
          "data_systematic_low",
          "data_systematic_high",
          "data_verdict",
          "model_points",
          "model_sizes",
          "model_decades",
          "model_alpha",
          "model_alpha_low",
          "model_alpha_high",
          "model_r2",
          "model_regime",
          "model_predicted",
          "model_predicted_low",
          "model_predicted_high",
          "model_systematic_low",
          "model_systematic_high",
          "model_verdict");

  private final List<Row> rows;

  ReproduceTable(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /**
   * One axis of one corpus: the primary power-law fit and its comparison with the theory.
   *
   * @param points runs in the fit (seeds counted)
   * @param sizes distinct sizes
   */
  record AxisRow(
      int points,
      int sizes,
      double decades,
      Estimate alpha,
      double r2,
      String regime,
      Optional<Comparison> comparison) {}

  /** One corpus. */
  record Row(
      String corpus,
      int runs,
      double minutes,
      Optional<Interval> id,
      Optional<Interval> spread,
      String idLayer,
      double unigram,
      double bigram,
      double bestLoss,
      Optional<AxisRow> data,
      Optional<AxisRow> model) {

    static Row of(String corpus, AnalyzeJob.Result r, double minutes) {
      List<DatasetResult> datasets = r.analysis().datasets();
      if (datasets.isEmpty()) {
        return new Row(
            corpus,
            0,
            minutes,
            Optional.empty(),
            Optional.empty(),
            "",
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Optional.empty(),
            Optional.empty());
      }
      DatasetResult d = datasets.get(0);
      double best = d.runs().stream().mapToDouble(x -> x.loss()).min().orElse(Double.NaN);
      return new Row(
          corpus,
          d.runs().size(),
          minutes,
          d.id().map(i -> i.d()),
          d.spread().map(s -> s.d()),
          d.id().map(i -> i.row().layer() + " " + i.row().protocol()).orElse(""),
          d.entropy().map(e -> e.unigram()).orElse(Double.NaN),
          d.entropy().map(e -> e.bigram()).orElse(Double.NaN),
          best,
          axis(d, Axis.DATA),
          axis(d, Axis.MODEL));
    }

    private static Optional<AxisRow> axis(DatasetResult d, Axis axis) {
      for (FitRecord f : d.fits()) {
        if (f.primary()
            && f.form() == FitForm.POWER
            && f.axis().equals(Optional.of(axis))
            && f.fit() instanceof Fit.Fitted fit) {
          int sizes = (int) Arrays.stream(f.x()[0]).distinct().count();
          Optional<Comparison> c =
              d.comparisons().stream().filter(x -> x.axis() == axis).findFirst();
          return Optional.of(
              new AxisRow(
                  fit.n(),
                  sizes,
                  fit.decades()[0],
                  fit.estimate("alpha"),
                  fit.r2(),
                  f.regime().key(),
                  c));
        }
      }
      return Optional.empty();
    }

    List<String> cells() {
      List<String> out = new ArrayList<>();
      out.add(corpus);
      out.add(Integer.toString(runs));
      out.add(num(minutes));
      out.add(num(id.map(Interval::value)));
      out.add(num(id.map(Interval::low)));
      out.add(num(id.map(Interval::high)));
      out.add(num(spread.map(Interval::low)));
      out.add(num(spread.map(Interval::high)));
      out.add(idLayer);
      out.add(num(unigram));
      out.add(num(bigram));
      out.add(num(bestLoss));
      axisCells(out, data);
      axisCells(out, model);
      return out;
    }

    private static void axisCells(List<String> out, Optional<AxisRow> a) {
      out.add(a.map(x -> Integer.toString(x.points())).orElse(""));
      out.add(a.map(x -> Integer.toString(x.sizes())).orElse(""));
      out.add(num(a.map(AxisRow::decades)));
      out.add(num(a.map(x -> x.alpha().value())));
      out.add(num(a.map(x -> x.alpha().low())));
      out.add(num(a.map(x -> x.alpha().high())));
      out.add(num(a.map(AxisRow::r2)));
      out.add(a.map(AxisRow::regime).orElse(""));
      Optional<Comparison> c = a.flatMap(AxisRow::comparison);
      out.add(num(c.map(x -> x.predicted().value())));
      out.add(num(c.map(x -> x.predicted().low())));
      out.add(num(c.map(x -> x.predicted().high())));
      out.add(num(c.filter(x -> x.systematic().bounded()).map(x -> x.systematic().low())));
      out.add(num(c.filter(x -> x.systematic().bounded()).map(x -> x.systematic().high())));
      out.add(c.map(Comparison::verdictKey).orElse(""));
    }
  }

  /** The table as CSV: a header of {@link #COLUMNS}, then one line per corpus. */
  String csv() {
    StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (Row r : rows) {
      List<String> cells = new ArrayList<>();
      for (String cell : r.cells()) {
        cells.add(cell.contains(",") || cell.contains("\"") ? quote(cell) : cell);
      }
      b.append(String.join(",", cells)).append('\n');
    }
    return b.toString();
  }

  /**
   * The table for a reader: per corpus and axis the fitted α with its 95% interval, points (sizes)
   * over decades, R², and the predicted α with its sampling interval and systematic band.
   */
  String markdown() {
    StringBuilder b = new StringBuilder();
    b.append(
        "| corpus | axis | fitted α [95%] | points (sizes), decades | R² | predicted α [sampling]"
            + " {systematic} | verdict | ID [sampling] {spread} | minutes |\n");
    b.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      for (int i = 0; i < 2; i++) {
        Optional<AxisRow> a = i == 0 ? r.data() : r.model();
        String idCell =
            r.id().map(x -> fmt("%.2f [%.2f, %.2f]", x.value(), x.low(), x.high())).orElse("–")
                + r.spread()
                    .filter(Interval::bounded)
                    .map(x -> fmt(" {%.2f–%.2f}", x.low(), x.high()))
                    .orElse("");
        b.append("| ")
            .append(r.corpus())
            .append(" | ")
            .append(i == 0 ? "data" : "model")
            .append(" | ")
            .append(
                a.map(
                        x ->
                            fmt(
                                "%.3f [%.3f, %.3f]",
                                x.alpha().value(), x.alpha().low(), x.alpha().high()))
                    .orElse("no fit"))
            .append(" | ")
            .append(
                a.map(x -> fmt("%d (%d), %.2f", x.points(), x.sizes(), x.decades())).orElse("–"))
            .append(" | ")
            .append(a.map(x -> fmt("%.3f", x.r2())).orElse("–"))
            .append(" | ")
            .append(a.flatMap(AxisRow::comparison).map(ReproduceTable::predicted).orElse("–"))
            .append(" | ")
            .append(a.flatMap(AxisRow::comparison).map(Comparison::verdictKey).orElse("–"))
            .append(" | ")
            .append(idCell)
            .append(" | ")
            .append(fmt("%.1f", r.minutes()))
            .append(" |\n");
      }
    }
    return b.toString();
  }

  private static String predicted(Comparison c) {
    Interval p = c.predicted();
    String s = fmt("%.3f [%.3f, %.3f]", p.value(), p.low(), p.high());
    Interval sys = c.systematic();
    return sys.bounded() ? s + fmt(" {%.3f, %.3f}", sys.low(), sys.high()) : s;
  }

  /** Prints the table, one block per corpus. */
  void print() {
    Console.plain("reproduction (demo --reproduce): fitted against predicted exponents");
    for (String line : markdown().split("\n")) {
      Console.plain(line);
    }
  }

  /** Writes the CSV and the Markdown table, each through a temporary file renamed into place. */
  void write(Path csvPath, Path markdownPath) {
    writeAtomically(csvPath, csv());
    writeAtomically(markdownPath, markdown());
  }

  private static void writeAtomically(Path target, String text) {
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  private static String quote(String cell) {
    return "\"" + cell.replace("\"", "\"\"") + "\"";
  }

  private static String num(Optional<Double> v) {
    return v.map(ReproduceTable::num).orElse("");
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }

  private static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }
}
