package io.scalinglab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.analysis.sweep.TestbedRowTest;
import io.scalinglab.core.store.Provenance;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A testbed sweep's report has its section, its figure and a testbed block in fits.json. */
class TestbedReportTest {
  @Test
  void testbedSweepsGetTheirSectionFigureAndJson() throws Exception {
    AnalysisOutput out =
        AnalysisOutput.build(
            TestbedRowTest.analyze(),
            "testbed",
            List.of("results.csv", "id/estimates.csv"),
            "{}",
            Provenance.capture("{}", Map.of()));
    assertTrue(out.files().containsKey("figures/testbed.png"));
    assertTrue(out.files().containsKey("figures/testbed.svg"));
    String html = new String(out.files().get(AnalysisOutput.REPORT), StandardCharsets.UTF_8);
    assertTrue(html.contains("Theory testbed: data of known intrinsic dimension"));
    assertTrue(html.contains("id=\"fig-testbed\""));
    assertTrue(html.contains("<td class=\"l\">sphere-d4</td><td>4</td>"), "a row per d");
    JsonNode json = new ObjectMapper().readTree(out.files().get(AnalysisOutput.FITS_JSON));
    JsonNode d2 = json.path("testbed").get(0);
    assertEquals("sphere-d2", d2.path("dataset").asText());
    assertEquals(0.5, d2.path("alpha_data").path("squared").asDouble(), 1e-12);
    assertEquals(0.5, d2.path("alpha_model").path("root").asDouble(), 1e-12);
    assertEquals(2.1, d2.path("id_inputs").path("value").asDouble(), 1e-9);
  }

  @Test
  void corpusSweepsHaveNone() {
    AnalysisOutput out = AnalysisOutputTest.output();
    assertTrue(!out.files().containsKey("figures/testbed.png"));
    String html = new String(out.files().get(AnalysisOutput.REPORT), StandardCharsets.UTF_8);
    assertTrue(!html.contains("Theory testbed"));
  }
}
