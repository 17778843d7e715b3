package io.scalinglab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.analysis.sweep.AnalysisResult;
import io.scalinglab.analysis.table.Table;
import io.scalinglab.core.store.Provenance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The analysis folder's files: tables readable back, JSON with provenance, one HTML file. */
class AnalysisOutputTest {

  static AnalysisOutput output() {
    AnalysisResult result = FiguresTest.result();
    return AnalysisOutput.build(
        result,
        "synthetic",
        List.of("results.csv", "id/estimates.csv"),
        "{\"analysis\": {\"seed\": 7}}",
        Provenance.capture("{\"analysis\": {\"seed\": 7}}", Map.of("analysis.seed", 7L)));
  }

  /** Writes the output under {@code dir} and returns the report's path. */
  static Path write(AnalysisOutput out, Path dir) throws java.io.IOException {
    for (Map.Entry<String, byte[]> e : out.files().entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, e.getValue());
    }
    return dir.resolve(AnalysisOutput.REPORT);
  }

  @Test
  void filesInWriteOrderWithTheReportLast() throws Exception {
    AnalysisOutput out = output();
    List<String> names = List.copyOf(out.files().keySet());
    // six figures (id-layers and the joint fit's frontier among them), PNG and SVG
    assertEquals(12, out.figureFiles().size());
    assertEquals(AnalysisOutput.REPORT, names.get(names.size() - 1));
    assertEquals(AnalysisOutput.FITS_JSON, names.get(names.size() - 2));

    JsonNode json = new ObjectMapper().readTree(out.files().get(AnalysisOutput.FITS_JSON));
    assertEquals("analysis", json.path("kind").asText());
    assertEquals(7, json.path("provenance").path("seeds").path("analysis.seed").asInt());
    assertEquals("tiny-n1-d2", json.path("excluded").get(0).path("run_id").asText());
    JsonNode tiny = json.path("datasets").get(1);
    assertEquals("mle", tiny.path("id").path("estimator").asText());
    assertEquals(12.0, tiny.path("id").path("d").path("value").asDouble());
    assertTrue(tiny.path("fits").get(0).path("parameters").path("alpha").has("low"));

    Table fits = Table.parse("fits.csv", text(out, AnalysisOutput.FITS_CSV));
    assertEquals(List.of(AnalysisTables.FITS_HEADER), List.of(fits.columns().toArray()));
    Table predictions = Table.parse("predictions.csv", text(out, AnalysisOutput.PREDICTIONS_CSV));
    assertEquals(4, predictions.size()); // 2 datasets × 2 axes
    assertEquals("squared", predictions.text(0, "error"));
    assertEquals(2.0 / 14, predictions.number(2, "predicted"), 1e-12); // tiny, data axis

    // both datasets have a joint fit (3 x 4 grid): their frontiers, a = β/(α+β) of each fit
    Table frontier = Table.parse("frontier.csv", text(out, AnalysisOutput.FRONTIER_CSV));
    assertEquals(List.of(Frontiers.HEADER), List.of(frontier.columns().toArray()));
    assertEquals(2 * Frontiers.BUDGETS, frontier.size());
    JsonNode fr = json.path("frontiers");
    assertEquals(2, fr.size());
    for (JsonNode f : fr) {
      double a = f.path("exponents").path("a").path("value").asDouble();
      double b = f.path("exponents").path("b").path("value").asDouble();
      assertEquals(1.0, a + b, 1e-12);
    }
    // the synthetic laws: α 0.3 in N; β 0.3 for tiny and 0.5 for sql, so a = β/(α+β) is 0.5 and
    // 0.625; 12 points with 0.5 % noise recover α and β to a few hundredths, a to within 0.1
    assertEquals("sql", fr.get(0).path("dataset").asText());
    assertEquals(0.625, fr.get(0).path("exponents").path("a").path("value").asDouble(), 0.1);
    assertEquals(0.5, fr.get(1).path("exponents").path("a").path("value").asDouble(), 0.1);
  }

  @Test
  void reportIsSelfContainedAndStatesTheTheorySettings() {
    String html = text(output(), AnalysisOutput.REPORT);
    assertEquals(6, html.split("data:image/png;base64,", -1).length - 1);
    assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http"), "external link");
    assertTrue(html.contains("<b>β = 1</b>"), "beta stated");
    assertTrue(html.contains("<b>squared error</b>"), "error convention stated");
    assertTrue(html.contains("estimator <b>mle</b>"), "ID estimator stated");
    assertTrue(html.contains("status is 'diverged'"), "excluded run listed with its reason");
    assertTrue(html.contains("git_commit"), "provenance");
  }

  private static String text(AnalysisOutput out, String name) {
    return new String(out.files().get(name), StandardCharsets.UTF_8);
  }
}
