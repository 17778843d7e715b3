package io.scalinglab.analysis.table;

import io.scalinglab.core.cli.UsageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which rows of a table a fit uses: conditions {@code COLUMN OP NUMBER} that every kept row meets
 * ({@code loss < 3.5}; OP one of {@code < <= > >= == !=}), then the {@code dropTop} rows with the
 * highest values of one column left out. Epoch AI's Chinchilla refit is the model for the second:
 * it left out the five runs with the highest loss, i.e. every row whose loss is not below the
 * fifth-highest value, so ties at that value go too.
 *
 * @param conditions the {@code --where} conditions, all of which a row must meet
 * @param dropTop how many of the highest rows of {@code by} to leave out (0: none)
 * @param by the column {@code dropTop} ranks by ("" when dropTop is 0)
 */
public record RowSelection(List<String> conditions, int dropTop, String by) {
  private static final Pattern CONDITION =
      Pattern.compile("\\s*([^<>=!\\s]+)\\s*(<=|>=|==|!=|<|>)\\s*(\\S+)\\s*");

  public RowSelection {
    conditions = List.copyOf(conditions);
    Objects.requireNonNull(by, "by");
    if (dropTop < 0) {
      throw new UsageException("'" + dropTop + "' in --drop-top is invalid: must be >= 0");
    }
    if (dropTop > 0 && by.isBlank()) {
      throw new UsageException("--drop-top needs --by COLUMN: the column whose highest rows go");
    }
    for (String c : conditions) {
      parse(c);
    }
  }

  /** Every row. */
  public static RowSelection all() {
    return new RowSelection(List.of(), 0, "");
  }

  /** The rows of {@code table} this selection keeps, in their order, with what it did. */
  public Selected apply(Table table) {
    List<String> steps = new ArrayList<>();
    Table t = table;
    for (String c : conditions) {
      Condition cond = parse(c);
      t.require(cond.column());
      Table before = t;
      t = before.filter(r -> cond.holds(before.number(r, cond.column())));
      steps.add(
          String.format(Locale.ROOT, "--where '%s' kept %d of %d", c, t.size(), before.size()));
    }
    if (dropTop > 0) {
      t.require(by);
      Table before = t;
      double[] v = new double[before.size()];
      for (int r = 0; r < v.length; r++) {
        v[r] = before.number(r, by);
      }
      double[] sorted = v.clone();
      Arrays.sort(sorted);
      double cut =
          sorted.length >= dropTop ? sorted[sorted.length - dropTop] : Double.NEGATIVE_INFINITY;
      t = before.filter(r -> v[r] < cut);
      steps.add(
          String.format(
              Locale.ROOT,
              "--drop-top %d --by %s left out %d rows with %s >= %.6g",
              dropTop,
              by,
              before.size() - t.size(),
              by,
              cut));
    }
    return new Selected(t, table.size(), steps);
  }

  /**
   * The rows kept.
   *
   * @param table the kept rows
   * @param of how many rows the input had
   * @param steps what each condition and the drop did, in words
   */
  public record Selected(Table table, int of, List<String> steps) {
    public Selected {
      steps = List.copyOf(steps);
    }

    /** One line: {@code 240 of 245 rows (…)}. */
    public String describe() {
      return table.size()
          + " of "
          + of
          + " rows"
          + (steps.isEmpty() ? "" : " (" + String.join("; ", steps) + ")");
    }
  }

  private record Condition(String column, String op, double value) {
    boolean holds(double x) {
      return switch (op) {
        case "<" -> x < value;
        case "<=" -> x <= value;
        case ">" -> x > value;
        case ">=" -> x >= value;
        case "==" -> x == value;
        default -> x != value;
      };
    }
  }

  private static Condition parse(String text) {
    Matcher m = CONDITION.matcher(text);
    if (!m.matches()) {
      throw new UsageException(
          "'"
              + text
              + "' in --where is invalid: expected COLUMN OP NUMBER, OP one of"
              + " < <= > >= == != (e.g. --where 'loss < 3.5')");
    }
    try {
      return new Condition(m.group(1), m.group(2), Double.parseDouble(m.group(3)));
    } catch (NumberFormatException e) {
      throw new UsageException(
          "'" + text + "' in --where is invalid: '" + m.group(3) + "' is not a number");
    }
  }
}
