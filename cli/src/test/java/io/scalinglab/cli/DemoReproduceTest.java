package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --reproduce} end to end on the shared OpenWebText sample, shrunk by {@code --set} to
 * two narrow models and short runs: prepare, the sweep with its repeated seeds, the ID of every
 * layer, the report, and the table over corpora as CSV and Markdown.
 */
class DemoReproduceTest {
  @TempDir Path tmp;

  @Test
  void aShrunkReproductionWritesItsReportAndTable() throws IOException {
    Path owt = SharedData.path("corpora/openwebtext/sample.jsonl");
    DemoReproduce.run(
        tmp,
        "local[2]",
        List.of("owt=" + owt),
        List.of(
            "sweep.models=[{n-embd=32}, {n-embd=16, n-head=2}]",
            "sweep.repeat.smallest=1",
            "train.max-steps=200",
            "train.decay-steps=150",
            "train.activations.max-vectors=600",
            "id.paper.batch-size=300"));
    Path report = tmp.resolve("store/reproduce-owt/analysis/report.html");
    assertTrue(Files.isRegularFile(report), "report.html");
    List<String> csv = Files.readAllLines(tmp.resolve(ReproduceTable.CSV));
    assertEquals(2, csv.size(), "a header and one corpus");
    assertEquals(ReproduceTable.COLUMNS, Arrays.asList(csv.get(0).split(",")));
    List<String> row = Arrays.asList(csv.get(1).split(",", -1));
    assertEquals(ReproduceTable.COLUMNS.size(), row.size());
    assertEquals("owt", row.get(0));
    // 2 model-axis runs + 5 more subsets, then 2 seeds more for the narrowest model and the
    // smallest subset
    assertEquals("11", row.get(ReproduceTable.COLUMNS.indexOf("runs")));
    assertEquals("ln_f global", row.get(ReproduceTable.COLUMNS.indexOf("id_layer")));
    assertEquals("6", row.get(ReproduceTable.COLUMNS.indexOf("data_sizes")));
    assertEquals("8", row.get(ReproduceTable.COLUMNS.indexOf("data_points")));
    String md = Files.readString(tmp.resolve(ReproduceTable.MARKDOWN));
    assertTrue(md.contains("| owt | data |") && md.contains("| owt | model |"), md);
    // every layer of every run estimated
    String estimates = Files.readString(tmp.resolve("store/reproduce-owt/id/estimates.csv"));
    for (String layer : List.of(",emb,", ",h_0,", ",h_1,", ",ln_f,")) {
      assertTrue(estimates.contains(layer), layer);
    }
  }
}
