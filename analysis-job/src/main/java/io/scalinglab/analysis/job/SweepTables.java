package io.scalinglab.analysis.job;

import io.scalinglab.analysis.table.Table;
import io.scalinglab.core.store.ResultsStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a table of a sweep from the store: {@code <name>.csv} when present (no Spark needed), else
 * {@code <name>.parquet} through Spark.
 */
final class SweepTables {
  private SweepTables() {}

  /** The table {@code dir/name.csv} or {@code dir/name.parquet}, or empty if neither exists. */
  static Optional<Table> read(
      ResultsStore store, Supplier<SparkSession> spark, Path dir, String name) {
    Path csv = new Path(dir, name + ".csv");
    if (store.exists(csv)) {
      return Optional.of(Table.parse(csv.toString(), store.readString(csv)));
    }
    Path parquet = new Path(dir, name + ".parquet");
    if (store.exists(parquet)) {
      return Optional.of(parquet(spark.get(), parquet));
    }
    return Optional.empty();
  }

  /** The paths a table is looked for at, for messages. */
  static String candidates(Path dir, String name) {
    return new Path(dir, name + ".csv") + " or " + new Path(dir, name + ".parquet");
  }

  private static Table parquet(SparkSession spark, Path path) {
    var df = spark.read().parquet(path.toString());
    List<String> columns = Arrays.asList(df.columns());
    List<String[]> rows = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      String[] values = new String[columns.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.isNullAt(i) ? "" : String.valueOf(r.get(i));
      }
      rows.add(values);
    }
    return Table.of(path.toString(), columns, rows);
  }
}
