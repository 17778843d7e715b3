package io.scalinglab.analysis.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scalinglab.core.error.InputException;
import io.scalinglab.core.testing.BadInput;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reading CSV tables, and one table of the mistakes people make with the CSV inputs to {@code fit}:
 * each refused with a message that names the file, the problem and the fix.
 */
class TableTest {
  private static final String CSV =
      "model,params,\"loss, val\"\n" + "a,100,3.1\n" + "b,200,2.9\n" + "c,-5,n/a\n";

  @Test
  void quotedHeadersAndNumbers() {
    Table t = Table.parse("t.csv", CSV);
    assertEquals(3, t.size());
    assertEquals(java.util.List.of("model", "params", "loss, val"), t.columns());
    assertEquals(2.9, t.number(1, "loss, val"));
    assertEquals("c", t.text(2, "model"));
  }

  @Test
  void filteredRowsAreWhatAFitReads() {
    Table firstTwo = Table.parse("t.csv", CSV).filter(r -> r < 2);
    assertArrayEquals(new double[] {100, 200}, firstTwo.numbers("params", true));
  }

  static Stream<BadInput> badCsv() {
    return Stream.of(
        new BadInput(
            "file not found",
            () -> Table.read(Path.of("no-such-folder", "losses.csv")),
            "losses.csv",
            "file not found",
            "Check the path given to --csv"),
        new BadInput(
            "empty file", fit("", "n", "loss"), "losses.csv", "the file is empty", "header row"),
        new BadInput(
            "unclosed quote",
            fit("n,loss\n100,\"3.1\n", "n", "loss"),
            "losses.csv",
            "not valid CSV",
            "Check quoting"),
        new BadInput(
            "row with more fields than the header",
            fit("n,loss\n1,2,3\n", "n", "loss"),
            "losses.csv",
            "row 1 (line 2) has 3 fields but the header names 2 columns",
            "Quote values that contain commas"),
        new BadInput(
            "missing column",
            fit("n,\"loss, val\"\n100,3.1\n", "n", "loss"),
            "losses.csv",
            "no column 'loss'; the columns are: n, loss, val",
            "Name one of those columns"),
        new BadInput(
            "non-numeric value",
            fit("n,loss\n100,3.1\n200,abc\n", "n", "loss"),
            "losses.csv",
            "column 'loss', row 2 (line 3): 'abc' is not a number",
            "Fix or remove that row"),
        new BadInput(
            "blank value",
            fit("n,loss\n100,3.1\n200,\n", "n", "loss"),
            "losses.csv",
            "column 'loss', row 2 (line 3): the value is missing or not finite",
            "Fill it in or remove that row"),
        new BadInput(
            "infinite value",
            fit("n,loss\n100,Infinity\n", "n", "loss"),
            "losses.csv",
            "row 1 (line 2): the value is missing or not finite",
            "Fill it in or remove that row"),
        new BadInput(
            "zero for a log fit",
            fit("n,loss\n100,3.1\n0,2.9\n300,2.8\n", "n", "loss"),
            "losses.csv",
            "column 'n', row 2 (line 3): 0.0 is not > 0, and a power law is fitted to logarithms",
            "Remove rows with non-positive values"),
        new BadInput(
            "negative value for a log fit",
            fit(CSV, "params", "loss, val"),
            "losses.csv",
            "column 'params', row 3 (line 4): -5.0 is not > 0",
            "or fit another column"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCsv")
  void badCsvForAFitNamesTheFileTheProblemAndTheFix(BadInput c) {
    c.refusedWith(InputException.class);
  }

  /** What {@code scalinglab fit} reads: the table, its x column, then its y column, all > 0. */
  static Executable fit(String csv, String x, String y) {
    return () -> {
      Table t = Table.parse("losses.csv", csv);
      t.numbers(x, true);
      t.numbers(y, true);
    };
  }
}
