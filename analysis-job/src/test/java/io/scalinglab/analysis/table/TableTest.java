package io.scalinglab.analysis.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scalinglab.core.error.InputException;
import org.junit.jupiter.api.Test;

/** Reading CSV tables, and the messages for the mistakes people make with them. */
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
  void missingColumnListsTheColumns() {
    InputException e =
        assertThrows(InputException.class, () -> Table.parse("t.csv", CSV).numbers("loss", true));
    assertEquals(
        "t.csv: no column 'loss'; the columns are: model, params, loss, val. Name one of those"
            + " columns",
        e.getMessage());
  }

  @Test
  void nonNumericValueNamesFileColumnRowAndFix() {
    InputException e =
        assertThrows(
            InputException.class, () -> Table.parse("t.csv", CSV).numbers("loss, val", true));
    assertEquals(
        "t.csv: column 'loss, val', row 3 (line 4): 'n/a' is not a number. Fix or remove that row",
        e.getMessage());
  }

  @Test
  void nonPositiveValueForALogFitIsRefused() {
    InputException e =
        assertThrows(InputException.class, () -> Table.parse("t.csv", CSV).numbers("params", true));
    assertEquals(
        "t.csv: column 'params', row 3 (line 4): -5.0 is not > 0, and a power law is fitted to"
            + " logarithms. Remove rows with non-positive values, or fit another column",
        e.getMessage());
    Table firstTwo = Table.parse("t.csv", CSV).filter(r -> r < 2);
    assertArrayEquals(new double[] {100, 200}, firstTwo.numbers("params", true));
  }

  @Test
  void emptyAndRaggedFilesFailClearly() {
    assertThrows(InputException.class, () -> Table.parse("e.csv", ""));
    InputException e =
        assertThrows(InputException.class, () -> Table.parse("r.csv", "a,b\n1,2,3\n"));
    assertEquals(
        "r.csv: row 1 (line 2) has 3 fields but the header names 2 columns. Quote values that"
            + " contain commas, or fix the header",
        e.getMessage());
  }
}
