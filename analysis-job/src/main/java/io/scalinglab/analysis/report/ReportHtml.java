package io.scalinglab.analysis.report;

import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.HoldoutCheck;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.DatasetResult;
import io.scalinglab.analysis.sweep.Excluded;
import io.scalinglab.analysis.sweep.FitRecord;
import io.scalinglab.analysis.sweep.IdChoice;
import io.scalinglab.analysis.sweep.Run;
import io.scalinglab.analysis.theory.Comparison;
import io.scalinglab.analysis.theory.Interval;
import io.scalinglab.analysis.theory.TheoryPrediction;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.IntervalMethod;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report: one HTML file with everything inside it (styles, figures as data URIs, tables, the
 * resolved config and the provenance), so it can be mailed or archived and opens offline in any
 * browser. A small script marks on {@code <body>} how many figures loaded ({@code
 * data-figures-loaded} of {@code data-figures-total}), which the rendering test reads.
 */
final class ReportHtml {
  private static final String STYLE =
      """
      body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;\
      max-width:1180px;padding:24px 32px;color:#222}
      h1{font-size:26px;margin:0 0 4px} h2{font-size:20px;margin:32px 0 8px;\
      border-bottom:1px solid #ddd;padding-bottom:4px} h3{font-size:16px;margin:20px 0 6px}
      .meta{color:#666;font-size:13px} table{border-collapse:collapse;margin:8px 0 16px;\
      font-size:13px} th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;\
      vertical-align:top} th{background:#f5f5f5} td.l,th.l{text-align:left}
      .yes{color:#1a7f37;font-weight:600} .no{color:#b42318;font-weight:600}\
      span.note{font-weight:600}
      figure{margin:16px 0} figure img{width:100%;height:auto;border:1px solid #eee}
      figcaption{color:#555;font-size:13px;margin-top:4px} pre{background:#f7f7f7;padding:12px;\
      overflow:auto;font-size:12px;max-height:420px} .note{color:#8a5a00}
      """;
  private static final String SCRIPT =
      """
      window.addEventListener('load', function () {
        var imgs = document.querySelectorAll('img.figure'), ok = 0;
        imgs.forEach(function (i) { if (i.complete && i.naturalWidth > 0) { ok++; } });
        document.body.setAttribute('data-figures-total', String(imgs.length));
        document.body.setAttribute('data-figures-loaded', String(ok));
      });
      """;

  private final StringBuilder h = new StringBuilder(1 << 16);

  private ReportHtml() {}

  /**
   * The report of {@code result} for {@code sweep}.
   *
   * @param inputs what was read, in words (paths)
   * @param figures the figures with their PNG bytes, in order
   * @param configJson the resolved config
   * @param provenanceJson the provenance block of the analysis
   */
  static String render(
      AnalysisResult result,
      String sweep,
      List<String> inputs,
      Map<Figure, byte[]> figures,
      String configJson,
      String provenanceJson,
      String createdAt) {
    ReportHtml r = new ReportHtml();
    r.write(result, sweep, inputs, figures, configJson, provenanceJson, createdAt);
    return r.h.toString();
  }

  private void write(
      AnalysisResult result,
      String sweep,
      List<String> inputs,
      Map<Figure, byte[]> figures,
      String configJson,
      String provenanceJson,
      String createdAt) {
    AnalysisConfig s = result.settings();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>scalinglab analysis: ")
        .append(esc(sweep))
        .append("</title>\n<style>")
        .append(STYLE)
        .append("</style>\n</head><body>\n");
    h.append("<h1>Scaling laws of sweep ").append(esc(sweep)).append("</h1>\n");
    h.append("<p class=\"meta\">scalinglab analysis, ")
        .append(esc(createdAt))
        .append(". Inputs: ")
        .append(esc(String.join("; ", inputs)))
        .append(".</p>\n");

    section("Predicted and fitted exponents");
    h.append(
            "<p>Havrilla &amp; Liao (NeurIPS 2024) predict, for data of intrinsic dimension <i>d</i>"
                + " and a β-Hölder target, a data exponent α<sub>D</sub> = 2β/(2β+d) and a model"
                + " exponent α<sub>N</sub> = 2β/d for the squared error (half of each for the root"
                + " error). Sharma &amp; Kaplan (2020) predict 4/d. This report uses <b>β = ")
        .append(fmt(s.beta()))
        .append("</b> and the <b>")
        .append(s.error().key())
        .append(" error</b> convention. Intervals are ")
        .append(fmt(100 * s.level()))
        .append(" %: ")
        .append(
            s.interval() == IntervalMethod.T
                ? "for power laws the Student-t interval of the least-squares slope on log-log"
                    + " axes (n − 2 degrees of freedom; exact under Gaussian noise in log space)"
                : "for power laws the percentile bootstrap over points (too narrow with few"
                    + " points; analysis.interval = t is calibrated)")
        .append(", for the offset and Chinchilla forms a parametric bootstrap (")
        .append(s.resamples())
        .append(" refits, seed ")
        .append(s.seed())
        .append("). The prediction carries the ID's sampling interval and, where the ID was")
        .append(" estimated more than one way, its systematic band over layer, run, protocol, K")
        .append(" and n; the verdict uses both. A fit whose runs were not in the regime its axis")
        .append(" needs (data axis: the largest subset's run still improving; model axis: a run")
        .append(" not converged) is <b>not comparable</b>.</p>\n");
    comparisons(result);

    section("Intrinsic dimension used");
    idTable(result);

    TestbedSection.write(h, result);

    section("Figures");
    for (Map.Entry<Figure, byte[]> e : figures.entrySet()) {
      Figure f = e.getKey();
      h.append("<figure id=\"fig-")
          .append(esc(f.name()))
          .append("\"><img class=\"figure\" alt=\"")
          .append(esc(f.name()))
          .append("\" width=\"")
          .append(f.width())
          .append("\" height=\"")
          .append(f.height())
          .append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(e.getValue()))
          .append("\"><figcaption>")
          .append(esc(f.caption()))
          .append(" Also in <code>figures/")
          .append(esc(f.name()))
          .append(".png</code> and <code>.svg</code>.</figcaption></figure>\n");
    }
    if (figures.isEmpty()) {
      h.append("<p class=\"note\">No figures: no fit could be made.</p>\n");
    }

    section("Fits");
    fits(result);

    section("Runs");
    runs(result);

    section("Runs left out");
    excluded(result);

    section("Notes");
    boolean any = false;
    h.append("<ul>\n");
    for (DatasetResult d : result.datasets()) {
      for (String n : d.notes()) {
        h.append("<li><b>")
            .append(esc(d.dataset()))
            .append("</b>: ")
            .append(esc(n))
            .append("</li>\n");
        any = true;
      }
    }
    if (!any) {
      h.append("<li>none</li>\n");
    }
    h.append("</ul>\n");

    section("Configuration");
    h.append("<pre>").append(esc(configJson)).append("</pre>\n");
    section("Provenance");
    h.append("<pre>").append(esc(provenanceJson)).append("</pre>\n");
    h.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
  }

  private void comparisons(AnalysisResult result) {
    boolean any = result.datasets().stream().anyMatch(d -> !d.comparisons().isEmpty());
    if (!any) {
      h.append(
          "<p class=\"note\">No comparison: it needs an ID estimate and a primary power-law fit"
              + " for a dataset (see Notes).</p>\n");
      return;
    }
    h.append("<table><tr><th class=\"l\">dataset</th><th class=\"l\">axis</th>")
        .append("<th>fitted α</th><th>predicted (ID sampling)</th>")
        .append("<th>predicted (ID systematic)</th><th>difference</th>")
        .append("<th class=\"l\">verdict</th><th>Sharma &amp; Kaplan 4/d</th>")
        .append("<th class=\"l\">fit</th></tr>\n");
    for (DatasetResult d : result.datasets()) {
      for (Comparison c : d.comparisons()) {
        String key = c.verdictKey();
        String cls =
            key.startsWith("agrees") ? "yes" : key.equals("outside the interval") ? "no" : "note";
        h.append("<tr><td class=\"l\">")
            .append(esc(d.dataset()))
            .append("</td><td class=\"l\">")
            .append(
                c.axis() == io.scalinglab.analysis.theory.Axis.DATA
                    ? "data (α<sub>D</sub>)"
                    : "model (α<sub>N</sub>)")
            .append("</td><td>")
            .append(est(c.observed()))
            .append("</td><td>")
            .append(iv(c.predicted()))
            .append("</td><td>")
            .append(
                c.systematic().bounded()
                    ? iv(c.systematic()) + " (" + esc(c.systematicSource()) + ")"
                    : "—")
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%+.4f", c.difference()))
            .append("</td><td class=\"l\"><span class=\"")
            .append(cls)
            .append("\">")
            .append(esc(key))
            .append("</span><br>")
            .append(esc(c.verdict().substring(key.length() + 2)))
            .append("</td><td>")
            .append(iv(c.sharmaKaplan()))
            .append("</td><td class=\"l\">")
            .append(esc(c.fit()))
            .append("</td></tr>\n");
      }
    }
    h.append("</table>\n<ul>\n");
    for (DatasetResult d : result.datasets()) {
      d.spread()
          .ifPresent(
              sp ->
                  h.append("<li><b>")
                      .append(esc(d.dataset()))
                      .append("</b>: ID systematic spread ")
                      .append(esc(sp.describe()))
                      .append("; band on d ")
                      .append(iv(sp.d()))
                      .append("</li>\n"));
    }
    h.append("</ul>\n");
  }

  private void idTable(AnalysisResult result) {
    AnalysisConfig s = result.settings();
    h.append("<p>Selection (<code>analysis.id</code>): estimator <b>")
        .append(esc(any(s.idEstimator())))
        .append("</b>, metric <b>")
        .append(esc(any(s.idMetric())))
        .append("</b>, K <b>")
        .append(s.idK() == 0 ? "any" : Integer.toString(s.idK()))
        .append("</b>, protocol <b>")
        .append(esc(any(s.idProtocol())))
        .append("</b>; per dataset the run with the most parameters, its last layer.</p>\n");
    h.append("<table><tr><th class=\"l\">dataset</th><th class=\"l\">run</th>")
        .append("<th class=\"l\">estimator</th><th class=\"l\">metric</th><th>K</th>")
        .append("<th class=\"l\">protocol</th><th class=\"l\">layer</th><th>d</th>")
        .append("<th class=\"l\">interval</th><th>α<sub>D</sub></th><th>α<sub>N</sub></th>")
        .append("<th>4/d</th></tr>\n");
    for (DatasetResult d : result.datasets()) {
      h.append("<tr><td class=\"l\">").append(esc(d.dataset())).append("</td>");
      if (d.id().isEmpty()) {
        h.append("<td class=\"l\" colspan=\"11\">no matching estimate</td></tr>\n");
        continue;
      }
      IdChoice c = d.id().get();
      TheoryPrediction t = d.theory().orElseThrow();
      h.append("<td class=\"l\">")
          .append(esc(c.row().runId()))
          .append("</td><td class=\"l\">")
          .append(esc(c.row().estimator()))
          .append("</td><td class=\"l\">")
          .append(esc(c.row().metric()))
          .append("</td><td>")
          .append(c.row().k())
          .append("</td><td class=\"l\">")
          .append(esc(c.row().protocol()))
          .append("</td><td class=\"l\">")
          .append(esc(c.row().layer()))
          .append("</td><td>")
          .append(iv(c.d()))
          .append("</td><td class=\"l\">")
          .append(esc(c.intervalSource()))
          .append("</td><td>")
          .append(iv(t.alphaData()))
          .append("</td><td>")
          .append(iv(t.alphaModel()))
          .append("</td><td>")
          .append(iv(t.sharmaKaplan()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private void fits(AnalysisResult result) {
    h.append("<table><tr><th class=\"l\">dataset</th><th class=\"l\">axis</th>")
        .append("<th class=\"l\">group</th><th class=\"l\">form</th><th>n</th>")
        .append("<th class=\"l\">parameters</th><th class=\"l\">interval</th>")
        .append("<th>R² (log)</th><th>decades</th>")
        .append("<th>held-out error</th><th>in-sample error</th>")
        .append("<th class=\"l\">regime</th></tr>\n");
    for (DatasetResult d : result.datasets()) {
      for (FitRecord f : d.fits()) {
        h.append("<tr><td class=\"l\">")
            .append(esc(d.dataset()))
            .append("</td><td class=\"l\">")
            .append(f.kind())
            .append(f.primary() ? " (primary)" : "")
            .append("</td><td class=\"l\">")
            .append(esc(f.group()))
            .append("</td><td class=\"l\">")
            .append(esc(f.form().formula()))
            .append("</td><td>")
            .append(f.fit().n())
            .append("</td>");
        if (f.fit() instanceof Fit.Fitted fitted) {
          h.append("<td class=\"l\">");
          for (Estimate e : fitted.estimates()) {
            h.append(esc(e.name())).append(" = ").append(est(e)).append("<br>");
          }
          h.append("</td><td class=\"l\">")
              .append(
                  esc(
                      fitted.intervals().present()
                          ? fitted.intervals().method()
                          : "none: " + fitted.intervals().absent()))
              .append("</td><td>")
              .append(fmt(fitted.r2()))
              .append("</td><td>")
              .append(decades(fitted.decades()))
              .append("</td>");
          if (fitted.holdout().isPresent() && fitted.holdout().get().fit() instanceof Fit.Fitted) {
            HoldoutCheck c = fitted.holdout().get();
            h.append("<td>")
                .append(pct(c.heldOutError()))
                .append(" (largest ")
                .append(c.k())
                .append(")</td><td>")
                .append(pct(c.inSampleError()))
                .append("</td>");
          } else {
            h.append("<td>—</td><td>—</td>");
          }
        } else {
          h.append("<td class=\"l no\" colspan=\"6\">not fitted: ")
              .append(esc(((Fit.Failed) f.fit()).reason()))
              .append("</td>");
        }
        h.append("<td class=\"l")
            .append(f.regime().comparable() ? "" : " no")
            .append("\">")
            .append(f.regime().key())
            .append(f.regime().reason().isEmpty() ? "" : ": " + esc(f.regime().reason()))
            .append("</td></tr>\n");
      }
    }
    h.append("</table>\n<p class=\"meta\">Power laws are fitted by least squares on log L;")
        .append(" the offset and Chinchilla forms by the Huber loss (δ = ")
        .append(fmt(result.settings().huberDelta()))
        .append(") of log residuals, summed, with L-BFGS from the Hoffmann et al. grid, as")
        .append(" Epoch AI's replication does. Interval methods: t = Student t with n − 2")
        .append(" degrees of freedom (power laws); bootstrap = percentile over resamples of the")
        .append(" points; parametric-bootstrap = percentile over refits to the fitted law plus")
        .append(" Gaussian log noise of the residuals' size, σ redrawn per refit (offset and")
        .append(" Chinchilla; calibrated under Gaussian noise, narrower than the points' bootstrap")
        .append(" where the residuals have heavy tails). Decades: log<sub>10</sub>(max/min) of")
        .append(" each x. Errors are mean |L̂ − L| / L.</p>\n");
  }

  private void runs(AnalysisResult result) {
    boolean known =
        result.datasets().stream().flatMap(d -> d.runs().stream()).anyMatch(Run::regimeKnown);
    if (!known) {
      h.append(
          "<p class=\"note\">The results table has no regime columns (regime, epochs,"
              + " tokens_per_param): whether the runs converged is unknown.</p>\n");
    }
    h.append("<table><tr><th class=\"l\">run</th><th class=\"l\">dataset</th>")
        .append("<th class=\"l\">model</th><th>parameters</th><th>train tokens</th>")
        .append("<th>loss</th><th class=\"l\">regime</th><th>epochs</th>")
        .append("<th>tokens/param</th></tr>\n");
    for (DatasetResult d : result.datasets()) {
      for (Run r : d.runs()) {
        h.append("<tr><td class=\"l\">")
            .append(esc(r.runId()))
            .append("</td><td class=\"l\">")
            .append(esc(r.dataset()))
            .append("</td><td class=\"l\">")
            .append(esc(r.model()))
            .append("</td><td>")
            .append(fmt(r.size(result.settings().modelSize())))
            .append("</td><td>")
            .append(fmt(r.trainTokens()))
            .append("</td><td>")
            .append(fmt(r.loss()))
            .append("</td><td class=\"l\">")
            .append(r.regimeKnown() ? esc(r.regime()) : "unknown")
            .append("</td><td>")
            .append(fmt(r.epochs()))
            .append("</td><td>")
            .append(fmt(r.tokensPerParam()))
            .append("</td></tr>\n");
      }
    }
    h.append("</table>\n");
  }

  private static String decades(double[] d) {
    StringBuilder b = new StringBuilder();
    for (double v : d) {
      b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v));
    }
    return b.toString();
  }

  private void excluded(AnalysisResult result) {
    if (result.excluded().isEmpty()) {
      h.append("<p>None: every run finished (status <code>done</code>) with a usable loss.</p>\n");
      return;
    }
    h.append("<p>")
        .append(result.excluded().size())
        .append(" run(s) were left out of every fit:</p>\n<table><tr><th class=\"l\">run</th>")
        .append("<th class=\"l\">dataset</th><th class=\"l\">status</th>")
        .append("<th class=\"l\">reason</th></tr>\n");
    for (Excluded e : result.excluded()) {
      h.append("<tr><td class=\"l\">")
          .append(esc(e.runId()))
          .append("</td><td class=\"l\">")
          .append(esc(e.dataset()))
          .append("</td><td class=\"l\">")
          .append(esc(e.status()))
          .append("</td><td class=\"l\">")
          .append(esc(e.reason()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private void section(String title) {
    h.append("<h2>").append(esc(title)).append("</h2>\n");
  }

  private static String any(String s) {
    return s.isEmpty() ? "any" : s;
  }

  private static String yes(boolean b) {
    return b ? "<span class=\"yes\">yes</span>" : "<span class=\"no\">no</span>";
  }

  static String est(Estimate e) {
    return e.hasInterval()
        ? fmt(e.value()) + " [" + fmt(e.low()) + ", " + fmt(e.high()) + "]"
        : fmt(e.value());
  }

  static String iv(Interval i) {
    return i.bounded()
        ? fmt(i.value()) + " [" + fmt(i.low()) + ", " + fmt(i.high()) + "]"
        : fmt(i.value());
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "—";
    }
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e5 || a < 1e-3)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(4))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f %%", 100 * v) : "—";
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
