package io.scalinglab.analysis.report;

import io.scalinglab.analysis.fit.Estimate;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.sweep.IdChoice;
import io.scalinglab.analysis.sweep.TestbedRow;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.analysis.theory.TheoryPrediction;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.TheoryError;
import java.util.Optional;

/**
 * The report's section on the theory testbed: for each dataset of known intrinsic dimension, the
 * fitted exponents beside the theory at the true d (squared and root error) and the ID estimated on
 * the inputs and on the last layer. Written only when the sweep has such datasets.
 */
final class TestbedSection {
  private TestbedSection() {}

  static void write(StringBuilder h, AnalysisResult result) {
    if (result.testbed().isEmpty()) {
      return;
    }
    AnalysisConfig s = result.settings();
    double beta = s.beta();
    h.append("<h2 id=\"testbed\">Theory testbed: data of known intrinsic dimension</h2>\n");
    h.append(
            "<p>These datasets were generated on a manifold of known dimension <i>d</i> with a"
                + " β-Hölder regression target (trainer-job's <code>testbed</code>), so the theory"
                + " can be checked where its input is known rather than estimated. The loss is the"
                + " mean squared error against the noiseless target (the excess risk the theory"
                + " bounds); along the data axis <code>train_tokens</code> holds the number of"
                + " training samples <i>n</i>. Predictions use the true <i>d</i> and β = ")
        .append(ReportHtml.fmt(beta))
        .append("; a fitted exponent outside the theory is reported as it is, with its ")
        .append(ReportHtml.fmt(100 * s.level()))
        .append(" % interval. See the figure <a href=\"#fig-")
        .append(TestbedFigure.NAME)
        .append("\">testbed</a>.</p>\n");
    h.append("<table><tr><th class=\"l\">dataset</th><th>true d</th>")
        .append("<th>fitted α<sub>D</sub></th><th>2β/(2β+d)</th><th>root</th>")
        .append("<th>fitted α<sub>N</sub></th><th>2β/d</th><th>root</th>")
        .append("<th>ID of inputs</th><th>ID of last layer</th></tr>\n");
    for (TestbedRow r : result.testbed()) {
      TheoryPrediction sq = r.theory(beta, TheoryError.SQUARED);
      TheoryPrediction root = r.theory(beta, TheoryError.ROOT);
      h.append("<tr><td class=\"l\">")
          .append(ReportHtml.esc(r.dataset()))
          .append("</td><td>")
          .append(ReportHtml.fmt(r.trueDim()))
          .append("</td><td>")
          .append(fitted(r.fitted(Axis.DATA), sq.alphaData().value(), root.alphaData().value()))
          .append("</td><td>")
          .append(ReportHtml.fmt(sq.alphaData().value()))
          .append("</td><td>")
          .append(ReportHtml.fmt(root.alphaData().value()))
          .append("</td><td>")
          .append(fitted(r.fitted(Axis.MODEL), sq.alphaModel().value(), root.alphaModel().value()))
          .append("</td><td>")
          .append(ReportHtml.fmt(sq.alphaModel().value()))
          .append("</td><td>")
          .append(ReportHtml.fmt(root.alphaModel().value()))
          .append("</td><td>")
          .append(id(r.inputId()))
          .append("</td><td>")
          .append(id(r.modelId()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<p class=\"meta\">A fitted exponent is marked <span class=\"yes\">")
        .append("squared</span> or <span class=\"yes\">root</span> when that prediction lies in")
        .append(" its interval. The ID columns use the estimator selected by")
        .append(" <code>analysis.id</code>; the inputs are the validation points themselves, the")
        .append(" last layer the pooled final state of the largest model.</p>\n");
  }

  private static String fitted(Optional<Estimate> e, double squared, double root) {
    if (e.isEmpty()) {
      return "not fitted";
    }
    Estimate a = e.get();
    String s = ReportHtml.est(a);
    if (a.contains(squared)) {
      s += " <span class=\"yes\">squared</span>";
    }
    if (a.contains(root)) {
      s += " <span class=\"yes\">root</span>";
    }
    return s;
  }

  private static String id(Optional<IdChoice> c) {
    return c.map(v -> ReportHtml.iv(v.d())).orElse("—");
  }
}
