package io.scalinglab.analysis.table;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.scalinglab.core.error.InputException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A CSV table held as text: a header row of column names, then rows. Values are parsed when a
 * column is asked for, so the message for a bad value can say where it is: {@code results.csv:
 * column 'loss', row 7 (line 8): 'n/a' is not a number. …}.
 */
public final class Table {
  private static final CsvMapper CSV = new CsvMapper();

  private final String source;
  private final List<String> columns;
  private final List<String[]> rows;

  private Table(String source, List<String> columns, List<String[]> rows) {
    this.source = source;
    this.columns = List.copyOf(columns);
    this.rows = rows;
  }

  /**
   * A table from values already split into columns (a Parquet file read by Spark, say); {@code
   * source} names it in messages.
   */
  public static Table of(String source, List<String> columns, List<String[]> rows) {
    requireNonNull(source, "source");
    return new Table(source, columns, new ArrayList<>(rows));
  }

  /** Reads a local CSV file with a header row. */
  public static Table read(Path file) {
    requireNonNull(file, "file");
    try {
      return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw InputException.of(file.toString(), "file not found", "Check the path given to --csv");
    } catch (IOException e) {
      throw InputException.of(
          file.toString(), "cannot read: " + e, "Check that the file is readable", e);
    }
  }

  /** Parses CSV text with a header row; {@code source} names it in messages. */
  public static Table parse(String source, String text) {
    requireNonNull(source, "source");
    requireNonNull(text, "text");
    List<String[]> all = new ArrayList<>();
    try (Reader reader = new StringReader(text);
        MappingIterator<String[]> it =
            CSV.readerFor(String[].class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY)
                .readValues(reader)) {
      while (it.hasNext()) {
        String[] row = it.next();
        if (row.length == 1 && row[0].isBlank()) {
          continue; // blank line
        }
        all.add(row);
      }
    } catch (IOException | RuntimeException e) {
      throw InputException.of(
          source, "not valid CSV: " + e.getMessage(), "Check quoting and separators (commas)", e);
    }
    if (all.isEmpty()) {
      throw InputException.of(
          source, "the file is empty", "Give a CSV file with a header row and data rows");
    }
    List<String> header = new ArrayList<>();
    for (String h : all.get(0)) {
      header.add(h.strip());
    }
    List<String[]> body = all.subList(1, all.size());
    for (int r = 0; r < body.size(); r++) {
      if (body.get(r).length > header.size()) {
        throw InputException.of(
            source,
            "row "
                + (r + 1)
                + " (line "
                + (r + 2)
                + ") has "
                + body.get(r).length
                + " fields but the header names "
                + header.size()
                + " columns",
            "Quote values that contain commas, or fix the header");
      }
    }
    return new Table(source, header, new ArrayList<>(body));
  }

  /** Where the table came from, as messages name it. */
  public String source() {
    return source;
  }

  public List<String> columns() {
    return columns;
  }

  public int size() {
    return rows.size();
  }

  public boolean has(String column) {
    return columns.contains(column);
  }

  /** The text in {@code column} of data row {@code row} (0-based); empty when the row is short. */
  public String text(int row, String column) {
    String[] r = rows.get(row);
    int c = index(column);
    return c < r.length ? r[c].strip() : "";
  }

  /** The text of {@code column} in row {@code row}, or empty for a blank cell or missing column. */
  public Optional<String> optionalText(int row, String column) {
    if (!has(column)) {
      return Optional.empty();
    }
    String t = text(row, column);
    return t.isEmpty() ? Optional.empty() : Optional.of(t);
  }

  /**
   * The number in {@code column} of row {@code row}, NaN for a blank cell.
   *
   * @throws InputException naming the file, column and row if the cell is not a number
   */
  public double number(int row, String column) {
    String t = text(row, column);
    if (t.isEmpty() || t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("null")) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw bad(row, column, "'" + t + "' is not a number", "Fix or remove that row");
    }
  }

  /**
   * Every value of {@code column} as a number that is finite and, when {@code positive}, > 0, as a
   * power law in log space needs.
   *
   * @throws InputException naming the file, the column and the first bad row
   */
  public double[] numbers(String column, boolean positive) {
    require(column);
    double[] out = new double[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      double v = number(r, column);
      if (!Double.isFinite(v)) {
        throw bad(r, column, "the value is missing or not finite", "Fill it in or remove that row");
      }
      if (positive && !(v > 0)) {
        throw bad(
            r,
            column,
            String.format(Locale.ROOT, "%s is not > 0, and a power law is fitted to logarithms", v),
            "Remove rows with non-positive values, or fit another column");
      }
      out[r] = v;
    }
    return out;
  }

  /**
   * Fails unless the table has {@code column}, listing the columns it has.
   *
   * @throws InputException naming the file, the missing column and the columns present
   */
  public void require(String column) {
    if (!has(column)) {
      throw InputException.of(
          source,
          "no column '" + column + "'; the columns are: " + String.join(", ", columns),
          "Name one of those columns");
    }
  }

  /** The rows for which {@code keep} is true, as a new table. */
  public Table filter(java.util.function.IntPredicate keep) {
    List<String[]> kept = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      if (keep.test(r)) {
        kept.add(rows.get(r));
      }
    }
    return new Table(source, columns, kept);
  }

  private int index(String column) {
    require(column);
    return columns.indexOf(column);
  }

  private InputException bad(int row, String column, String problem, String fix) {
    return InputException.of(
        source,
        "column '" + column + "', row " + (row + 1) + " (line " + (row + 2) + "): " + problem,
        fix);
  }
}
