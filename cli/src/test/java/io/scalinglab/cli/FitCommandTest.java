package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.error.InputException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scalinglab fit} on small tables, and its messages for bad ones. */
class FitCommandTest {
  /** nanoGPT's GPT-2 losses on OpenWebText, as in shared/scaling-data/scaling_gpt2_owt_losses. */
  private static final String GPT2 =
      "model,non_embedding_params_derived,owt_val_loss\n"
          + "gpt2,85056000,3.12\n"
          + "gpt2-medium,302311424,2.84\n"
          + "gpt2-large,708390400,2.67\n"
          + "gpt2-xl,1475561600,2.54\n";

  private static String run(String... argv) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FitCommand.run(argv, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Path csv(Path dir, String text) throws Exception {
    Path p = dir.resolve("t.csv");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void powerLawOnGpt2PrintsTheExponent(@TempDir Path dir) throws Exception {
    String out =
        run(
            "--csv",
            csv(dir, GPT2).toString(),
            "--x",
            "non_embedding_params_derived",
            "--y",
            "owt_val_loss",
            "--form",
            "power",
            "--resamples",
            "200",
            "--holdout",
            "1");
    // α_N = 0.072276 by hand (see PowerLawFitTest in analysis-job)
    assertTrue(out.contains("alpha       0.0722755"), out);
    assertTrue(out.contains("holdout: fitted without the 1 largest"), out);
  }

  @Test
  void jsonHasParametersWithIntervals(@TempDir Path dir) throws Exception {
    String out =
        run(
            "--csv",
            csv(dir, GPT2).toString(),
            "--x",
            "non_embedding_params_derived",
            "--y",
            "owt_val_loss",
            "--form",
            "power",
            "--resamples",
            "200",
            "--json");
    JsonNode json = new ObjectMapper().readTree(out);
    JsonNode alpha = json.path("parameters").path("alpha");
    assertEquals(0.072276, alpha.path("value").asDouble(), 5e-6);
    assertTrue(alpha.path("low").asDouble() <= alpha.path("value").asDouble());
    assertTrue(alpha.path("high").asDouble() >= alpha.path("value").asDouble());
    assertEquals("fitted", json.path("status").asText());
    assertEquals(200, json.path("resamples").asInt() + json.path("resamples_failed").asInt());
  }

  @Test
  void missingColumnListsTheColumns(@TempDir Path dir) throws Exception {
    Path f = csv(dir, GPT2);
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                run(
                    "--csv",
                    f.toString(),
                    "--x",
                    "params",
                    "--y",
                    "owt_val_loss",
                    "--form",
                    "power"));
    assertEquals(
        f
            + ": no column 'params'; the columns are: model, non_embedding_params_derived,"
            + " owt_val_loss. Name one of those columns",
        e.getMessage());
  }

  @Test
  void nonNumericAndNonPositiveValuesNameFileColumnRowAndFix(@TempDir Path dir) throws Exception {
    Path bad = csv(dir, "n,loss\n100,3.1\n200,abc\n");
    InputException text =
        assertThrows(
            InputException.class,
            () -> run("--csv", bad.toString(), "--x", "n", "--y", "loss", "--form", "power"));
    assertEquals(
        bad + ": column 'loss', row 2 (line 3): 'abc' is not a number. Fix or remove that row",
        text.getMessage());
    Path zero = csv(dir, "n,loss\n100,3.1\n0,2.9\n300,2.8\n");
    InputException nonPositive =
        assertThrows(
            InputException.class,
            () -> run("--csv", zero.toString(), "--x", "n", "--y", "loss", "--form", "power"));
    assertTrue(
        nonPositive.getMessage().contains("column 'n', row 2 (line 3): 0.0 is not > 0"),
        nonPositive.getMessage());
  }

  @Test
  void commandLineMistakesAreUsageErrors(@TempDir Path dir) throws Exception {
    Path f = csv(dir, GPT2);
    UsageException twoColumns =
        assertThrows(
            UsageException.class,
            () ->
                run(
                    "--csv",
                    f.toString(),
                    "--x",
                    "model",
                    "--y",
                    "owt_val_loss",
                    "--form",
                    "chinchilla"));
    assertTrue(twoColumns.getMessage().contains("takes 2 --x column(s)"), twoColumns.getMessage());
    UsageException form =
        assertThrows(
            UsageException.class,
            () -> run("--csv", f.toString(), "--x", "model", "--y", "l", "--form", "cubic"));
    assertTrue(form.getMessage().contains("use power, offset or chinchilla"), form.getMessage());
    assertEquals(2, Main.run(new String[] {"fit", "--csv", f.toString()}));
    assertEquals(
        1,
        Main.run(
            new String[] {
              "fit", "--csv", f.toString(), "--x", "nope", "--y", "owt_val_loss", "--form", "power"
            }));
  }

  @Test
  void aFailedFitPrintsItsReasonAndExitsWithOne(@TempDir Path dir) throws Exception {
    Path same = csv(dir, "n,loss\n100,3.1\n100,2.9\n100,2.8\n");
    InputException e =
        assertThrows(
            InputException.class,
            () -> run("--csv", same.toString(), "--x", "n", "--y", "loss", "--form", "power"));
    assertTrue(e.getMessage().contains("could not be fitted: every point has the same x"));
  }
}
