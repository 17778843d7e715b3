package io.scalinglab.analysis.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.DatasetResult;
import io.scalinglab.analysis.sweep.FitRecord;
import io.scalinglab.analysis.theory.Comparison;
import io.scalinglab.analysis.theory.Interval;
import io.scalinglab.analysis.theory.TheoryPrediction;
import java.util.ArrayList;
import java.util.List;

/**
 * The analysis as CSV tables, one row per observation so pandas and spreadsheets read them as they
 * are: {@code fits.csv} (one row per fitted parameter, with the interval's method, the decades
 * spanned and the regime check of its runs) and {@code predictions.csv} (one row per dataset and
 * sweep axis: predicted exponent with its sampling interval and systematic band against the
 * observed one, the regime check and the verdict).
 */
final class AnalysisTables {
  static final String[] FITS_HEADER = {
    "dataset",
    "axis",
    "group",
    "primary",
    "form",
    "x",
    "n",
    "status",
    "parameter",
    "value",
    "ci_low",
    "ci_high",
    "se",
    "r2",
    "resamples",
    "holdout_k",
    "in_sample_error",
    "held_out_error",
    "reason",
    "interval_method",
    "decades",
    "regime",
    "regime_reason"
  };
  static final String[] PREDICTIONS_HEADER = {
    "dataset",
    "axis",
    "id_run",
    "id_estimator",
    "id_metric",
    "id_k",
    "id_protocol",
    "id_layer",
    "d",
    "d_low",
    "d_high",
    "beta",
    "error",
    "predicted",
    "predicted_low",
    "predicted_high",
    "sharma_kaplan",
    "sharma_kaplan_low",
    "sharma_kaplan_high",
    "observed",
    "observed_low",
    "observed_high",
    "difference",
    "predicted_inside_observed",
    "observed_inside_predicted",
    "intervals_overlap",
    "fit",
    "systematic_low",
    "systematic_high",
    "systematic_source",
    "regime",
    "regime_reason",
    "verdict"
  };
  private static final CsvMapper CSV = new CsvMapper();

  private AnalysisTables() {}

  static String fits(AnalysisResult result) {
    List<String[]> rows = new ArrayList<>();
    rows.add(FITS_HEADER);
    for (DatasetResult d : result.datasets()) {
      for (FitRecord f : d.fits()) {
        String[] base = {
          d.dataset(),
          f.kind(),
          f.group(),
          Boolean.toString(f.primary()),
          f.form().key(),
          String.join(" ", f.xNames()),
          Integer.toString(f.fit().n())
        };
        if (f.fit() instanceof Fit.Fitted fitted) {
          String k = fitted.holdout().map(h -> Integer.toString(h.k())).orElse("");
          String in = fitted.holdout().map(h -> num(h.inSampleError())).orElse("");
          String out = fitted.holdout().map(h -> num(h.heldOutError())).orElse("");
          for (Estimate e : fitted.estimates()) {
            rows.add(
                row(
                    base,
                    "fitted",
                    e.name(),
                    num(e.value()),
                    num(e.low()),
                    num(e.high()),
                    num(e.standardError()),
                    num(fitted.r2()),
                    Integer.toString(fitted.resamples()),
                    k,
                    in,
                    out,
                    fitted.intervals().present()
                        ? ""
                        : "no interval: " + fitted.intervals().absent(),
                    fitted.intervals().method(),
                    decades(fitted.decades()),
                    f.regime().key(),
                    f.regime().reason()));
          }
        } else {
          rows.add(
              row(
                  base,
                  "failed",
                  "",
                  "",
                  "",
                  "",
                  "",
                  "",
                  "",
                  "",
                  "",
                  "",
                  "",
                  ((Fit.Failed) f.fit()).reason(),
                  "",
                  "",
                  f.regime().key(),
                  f.regime().reason()));
        }
      }
    }
    return write(rows);
  }

  static String predictions(AnalysisResult result) {
    List<String[]> rows = new ArrayList<>();
    rows.add(PREDICTIONS_HEADER);
    for (DatasetResult d : result.datasets()) {
      if (d.id().isEmpty() || d.theory().isEmpty()) {
        continue;
      }
      var id = d.id().get().row();
      TheoryPrediction t = d.theory().get();
      for (Comparison c : d.comparisons()) {
        Interval p = c.predicted();
        Interval sk = c.sharmaKaplan();
        Estimate o = c.observed();
        rows.add(
            new String[] {
              d.dataset(),
              c.axis().key(),
              id.runId(),
              id.estimator(),
              id.metric(),
              Integer.toString(id.k()),
              id.protocol(),
              id.layer(),
              num(t.d().value()),
              num(t.d().low()),
              num(t.d().high()),
              num(t.beta()),
              t.error().key(),
              num(p.value()),
              num(p.low()),
              num(p.high()),
              num(sk.value()),
              num(sk.low()),
              num(sk.high()),
              num(o.value()),
              num(o.low()),
              num(o.high()),
              num(c.difference()),
              Boolean.toString(c.predictedInsideObserved()),
              Boolean.toString(c.observedInsidePredicted()),
              Boolean.toString(c.intervalsOverlap()),
              c.fit(),
              num(c.systematic().low()),
              num(c.systematic().high()),
              c.systematicSource(),
              c.regime(),
              c.regimeReason(),
              c.verdictKey()
            });
      }
    }
    return write(rows);
  }

  private static String decades(double[] d) {
    List<String> parts = new ArrayList<>();
    for (double v : d) {
      parts.add(String.format(java.util.Locale.ROOT, "%.3f", v));
    }
    return String.join(" ", parts);
  }

  private static String[] row(String[] base, String... rest) {
    String[] r = new String[base.length + rest.length];
    System.arraycopy(base, 0, r, 0, base.length);
    System.arraycopy(rest, 0, r, base.length, rest.length);
    return r;
  }

  /** A number as Java prints doubles (full precision, round-trips); empty when not finite. */
  static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  static String write(List<String[]> rows) {
    try {
      return CSV.writeValueAsString(rows.toArray(new String[0][]));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write CSV: " + e.getOriginalMessage(), e);
    }
  }
}
