package io.scalinglab.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.format.Npy;
import io.scalinglab.core.metrics.IdMetrics;
import io.scalinglab.manifold.Manifolds;
import io.scalinglab.manifold.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code id} command with {@code --input}: flags, JSON output and the messages of bad input;
 * and the estimates a sweep's run pushes as metrics.
 */
class IdCommandTest {
  @TempDir Path tmp;

  static Path writeNpy(Path dir, String name, Sample s) throws IOException {
    Path p = dir.resolve(name);
    float[] f = new float[s.values().length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) s.values()[i];
    }
    try (OutputStream out = Files.newOutputStream(p)) {
      Npy.writeFloat32(out, f, s.n(), s.ambient());
    }
    return p;
  }

  /** Runs the command and returns what it printed on standard output. */
  static String stdout(String... argv) {
    PrintStream before = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      IdCommand.run("scalinglab id", argv);
    } finally {
      System.setOut(before);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonHasTheDocumentedFieldsAndFlagsReachTheEstimate() throws IOException {
    Path npy = writeNpy(tmp, "ball.npy", Manifolds.ball(1200, 4, 12, 1));
    JsonNode j =
        new ObjectMapper()
            .readTree(
                stdout(
                    "--input",
                    npy.toString(),
                    "--json",
                    "--k",
                    "10",
                    "--metric",
                    "angular",
                    "--combine",
                    "harmonic"));
    for (String field : List.of("id", "estimator", "k", "metric", "protocol", "n", "dim")) {
      assertTrue(j.has(field), field + " in " + j);
    }
    assertEquals("mle", j.get("estimator").asText());
    assertEquals(10, j.get("k").asInt());
    assertEquals("angular", j.get("metric").asText());
    assertEquals("harmonic", j.get("combine").asText());
    assertEquals("global", j.get("protocol").asText());
    assertEquals(1200, j.get("n").asInt());
    assertEquals(12, j.get("dim").asInt());
    assertTrue(j.get("interval").get("low").asDouble() < j.get("id").asDouble());
    assertTrue(j.get("interval").get("high").asDouble() > j.get("id").asDouble());
    assertEquals(npy.toString(), j.get("file").asText());
    JsonNode nSweep = j.get("n_sweep");
    assertEquals(5, nSweep.size(), j.toString()); // 75, 150, 300, 600, 1200
    assertEquals(75, nSweep.get(0).get("n").asInt());
    assertEquals(j.get("id").asDouble(), nSweep.get(4).get("id").asDouble());
    assertTrue(j.get("k_sweep").isArray() && j.get("k_sweep").size() > 0, j.toString());
    assertTrue(j.get("levelled_off").isBoolean(), j.toString());
    double change = j.get("last_doubling_change").asDouble();
    double half = nSweep.get(3).get("id").asDouble();
    assertEquals((j.get("id").asDouble() - half) / j.get("id").asDouble(), change, 1e-12);
    assertEquals(0.02, j.get("levelled_off_tolerance").asDouble());
    assertEquals(Math.abs(change) < 0.02, j.get("levelled_off").asBoolean());
  }

  @Test
  void paperProtocolAndOtherEstimatorsPrintOneJsonObjectEach() throws IOException {
    Path npy = writeNpy(tmp, "sphere.npy", Manifolds.sphere(1000, 3, 8, 2));
    JsonNode paper =
        new ObjectMapper()
            .readTree(stdout("--input", npy.toString(), "--json", "--protocol", "paper"));
    assertEquals(1, paper.get("batches").get("count").asInt());
    assertEquals(5, paper.get("n_sweep").size(), paper.toString()); // per batch: 62 … 1000
    assertEquals(500, paper.get("n_sweep").get(3).get("n").asInt());
    assertTrue(paper.get("interval").isNull());
    for (String estimator : List.of("twonn", "pr")) {
      JsonNode e =
          new ObjectMapper()
              .readTree(stdout("--input", npy.toString(), "--json", "--estimator", estimator));
      assertEquals(estimator, e.get("estimator").asText());
      assertTrue(
          Math.abs(e.get("id").asDouble() - (estimator.equals("pr") ? 4 : 3)) < 0.6, e.toString());
    }
  }

  @Test
  void badInputNamesTheFileAndTheFix() throws IOException {
    InputException missing =
        assertThrows(
            InputException.class,
            () ->
                IdCommand.run(
                    "scalinglab id", new String[] {"--input", tmp.resolve("none.npy").toString()}));
    assertTrue(missing.getMessage().contains("none.npy: file not found"), missing.getMessage());

    Path nan = tmp.resolve("nan.npy");
    try (OutputStream out = Files.newOutputStream(nan)) {
      Npy.writeFloat32(out, new float[] {1, 2, Float.NaN, 4, 5, 6, 7, 8}, 4, 2);
    }
    InputException e =
        assertThrows(
            InputException.class,
            () -> IdCommand.run("scalinglab id", new String[] {"--input", nan.toString()}));
    assertTrue(e.getMessage().startsWith(nan + ": 1 of 4 rows hold NaN"), e.getMessage());
    assertTrue(e.getMessage().contains("id.non-finite = drop"), e.getMessage());

    Path constant = tmp.resolve("constant.npy");
    try (OutputStream out = Files.newOutputStream(constant)) {
      Npy.writeFloat32(out, new float[60], 30, 2);
    }
    InputException c =
        assertThrows(
            InputException.class,
            () -> IdCommand.run("scalinglab id", new String[] {"--input", constant.toString()}));
    assertTrue(c.getMessage().contains("identical (constant data)"), c.getMessage());
  }

  @Test
  void usageErrorsSayWhatToType() {
    UsageException none =
        assertThrows(UsageException.class, () -> IdCommand.run("scalinglab id", new String[0]));
    assertTrue(none.getMessage().contains("exactly one of --sweep"), none.getMessage());
    UsageException both =
        assertThrows(
            UsageException.class,
            () ->
                IdCommand.run("scalinglab id", new String[] {"--input", "a.npy", "--sweep", "s"}));
    assertTrue(both.getMessage().contains("exactly one"), both.getMessage());
    UsageException typo =
        assertThrows(
            UsageException.class,
            () -> IdCommand.run("scalinglab id", new String[] {"--input", "a", "--metrc", "x"}));
    assertTrue(typo.getMessage().contains("did you mean --metric?"), typo.getMessage());
    assertEquals(2, IdMain.run(new String[] {"--estimator"}));
  }

  @Test
  void badEstimatorValueIsAConfigError() {
    io.scalinglab.core.error.ConfigException e =
        assertThrows(
            io.scalinglab.core.error.ConfigException.class,
            () ->
                IdCommand.run(
                    "scalinglab id", new String[] {"--input", "a.npy", "--metric", "manhattan"}));
    assertTrue(e.getMessage().contains("'manhattan' in id.metric is invalid"), e.getMessage());
  }

  @Test
  void progressLinesAreThrottledAndReportLongStages() {
    List<String> lines = new ArrayList<>();
    IdCommand.ProgressLines p = new IdCommand.ProgressLines(lines::add);
    for (int i = 1; i <= 1000; i++) {
      p.report("knn", i, 1000);
    }
    assertTrue(lines.isEmpty(), "a stage of a few milliseconds prints nothing: " + lines);
  }

  @Test
  void everyEstimateOfEveryRunBecomesOneGaugeToPush() throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode a =
        (ObjectNode)
            json.readTree(
                """
                {"run_id": "r1", "model": "4l128w", "estimates": [
                  {"activation": "h_final", "estimator": "mle", "protocol": "global", "id": 11.5},
                  {"activation": "h_final", "estimator": "mle", "protocol": "paper", "id": 12.0}]}
                """);
    ObjectNode b =
        (ObjectNode)
            json.readTree(
                """
                {"run_id": "r2", "model": null, "estimates": [
                  {"activation": "h_final", "estimator": "twonn", "protocol": "global", "id": 8}]}
                """);
    assertEquals(
        List.of(
            new IdMetrics.Estimate("r1", "4l128w", "h_final", "mle", "global", 11.5),
            new IdMetrics.Estimate("r1", "4l128w", "h_final", "mle", "paper", 12.0),
            new IdMetrics.Estimate("r2", "", "h_final", "twonn", "global", 8.0)),
        IdCommand.metrics(List.of(a, b)));
  }
}
