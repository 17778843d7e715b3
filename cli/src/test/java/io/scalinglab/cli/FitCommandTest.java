package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.testing.SharedData;
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
    // the default t interval, as SciPy gives it (analysis-job's linefit_scipy.py): 1e-9 relative
    assertEquals(0.068291787600, alpha.path("low").asDouble(), 1e-9 * 0.07);
    assertEquals(0.076259311091, alpha.path("high").asDouble(), 1e-9 * 0.07);
    assertEquals("fitted", json.path("status").asText());
    assertEquals("t", json.path("interval").path("method").asText());
    assertEquals(2, json.path("interval").path("degrees_of_freedom").asInt());
    assertEquals(4, json.path("n").asInt());
    assertEquals(
        Math.log10(1475561600.0 / 85056000), json.path("decades").get(0).asDouble(), 1e-12);

    String boot =
        run(
            "--csv",
            csv(dir, GPT2).toString(),
            "--x",
            "non_embedding_params_derived",
            "--y",
            "owt_val_loss",
            "--form",
            "power",
            "--interval",
            "bootstrap",
            "--resamples",
            "200",
            "--json");
    JsonNode b = new ObjectMapper().readTree(boot);
    assertEquals("bootstrap", b.path("interval").path("method").asText());
    assertEquals(200, b.path("resamples").asInt() + b.path("resamples_failed").asInt());
    JsonNode ba = b.path("parameters").path("alpha");
    assertTrue(ba.path("low").asDouble() <= ba.path("value").asDouble());
    assertTrue(ba.path("high").asDouble() >= ba.path("value").asDouble());
  }

  @Test
  void twoRowsGiveTheLineAndSayWhyThereIsNoInterval(@TempDir Path dir) throws Exception {
    String out =
        run(
            "--csv",
            csv(dir, "n,loss\n10,2\n1000,1\n").toString(),
            "--x",
            "n",
            "--y",
            "loss",
            "--form",
            "power");
    assertTrue(out.contains("intervals: none: 2 points determine the 2 parameters exactly"), out);
    assertTrue(out.contains("2 points spanning 2.00 decades"), out);
  }

  /** Each message is checked in analysis-job's table of bad CSV inputs (TableTest). */
  @Test
  void badCsvPrintsNothingAndNamesTheFile(@TempDir Path dir) throws Exception {
    for (String[] bad :
        new String[][] {
          {GPT2, "params"}, {"n,loss\n100,3.1\n200,abc\n", "n"}, {"n,loss\n0,2.9\n", "n"}
        }) {
      Path f = csv(dir, bad[0]);
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      String[] argv = {"--csv", f.toString(), "--x", bad[1], "--y", "loss", "--form", "power"};
      InputException e =
          assertThrows(
              InputException.class,
              () -> FitCommand.run(argv, new PrintStream(printed, true, StandardCharsets.UTF_8)));
      assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
      assertEquals(0, printed.size(), "no partial output for " + e.getMessage());
    }
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
    UsageException interval =
        assertThrows(
            UsageException.class,
            () ->
                run(
                    "--csv",
                    f.toString(),
                    "--x",
                    "non_embedding_params_derived",
                    "--y",
                    "owt_val_loss",
                    "--form",
                    "power",
                    "--interval",
                    "wald"));
    assertTrue(interval.getMessage().contains("use t or bootstrap"), interval.getMessage());
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

  /**
   * Epoch AI's refit is one command: their 245 extracted points less the five highest losses, and
   * the frontier of the fit (FrontierTest checks its exponents against their published refit).
   */
  @Test
  void dropTopAndFrontierReproduceEpochAisSelection() throws Exception {
    String out =
        run(
            "--csv",
            SharedData.path("scaling-data/scaling_chinchilla_points.csv").toString(),
            "--x",
            "model_size_params,training_tokens_derived",
            "--y",
            "loss",
            "--form",
            "chinchilla",
            "--drop-top",
            "5",
            "--by",
            "loss",
            "--resamples",
            "20",
            "--frontier",
            "--budgets",
            "1e18:1e24:3",
            "--json");
    JsonNode j = new ObjectMapper().readTree(out);
    assertEquals(240, j.path("rows").asInt(), out);
    assertEquals(245, j.path("rows_in_file").asInt());
    assertTrue(j.path("row_selection").asText().contains("left out 5 rows"), out);
    assertEquals(3, j.path("frontier").path("points").size());
    double a = j.path("frontier").path("exponents").path("a").path("value").asDouble();
    double b = j.path("frontier").path("exponents").path("b").path("value").asDouble();
    assertEquals(1.0, a + b, 1e-12);
  }

  @Test
  void whereKeepsTheRowsThatMeetEveryCondition(@TempDir Path dir) throws Exception {
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
            "0",
            "--where",
            "owt_val_loss < 3",
            "--where",
            "non_embedding_params_derived>=3e8");
    assertTrue(out.contains("fitted to 3 rows"), out);
    assertTrue(
        out.contains("rows used: 3 of 4 rows (--where 'owt_val_loss < 3' kept 3 of 4;"), out);
    Path f = csv(dir, GPT2);
    for (String[] bad :
        new String[][] {
          {"--where", "loss ~ 3"},
          {"--where", "owt_val_loss < x"},
          {"--drop-top", "2"},
          {"--frontier"}
        }) {
      String[] argv = {
        "--csv",
        f.toString(),
        "--x",
        "non_embedding_params_derived",
        "--y",
        "owt_val_loss",
        "--form",
        "power",
        bad[0],
        bad.length > 1 ? bad[1] : "--json"
      };
      assertThrows(UsageException.class, () -> run(argv), String.join(" ", bad));
    }
    assertThrows(
        InputException.class,
        () ->
            run(
                "--csv",
                f.toString(),
                "--x",
                "non_embedding_params_derived",
                "--y",
                "owt_val_loss",
                "--form",
                "power",
                "--where",
                "nosuch < 3"));
  }
}
