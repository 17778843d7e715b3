package io.scalinglab.core.spark;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.store.ResultsStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A results table written to the store twice, as {@code <name>.csv} and as one {@code
 * <name>.parquet} file, each atomically: pandas, Spark and a spreadsheet can all read it.
 */
public final class Tables {
  private Tables() {}

  /** A column: its name and type (string, int, long, double or boolean); values may be null. */
  public record Column(String name, DataType type) {}

  public static Column text(String name) {
    return new Column(name, DataTypes.StringType);
  }

  public static Column integer(String name) {
    return new Column(name, DataTypes.IntegerType);
  }

  public static Column big(String name) {
    return new Column(name, DataTypes.LongType);
  }

  public static Column real(String name) {
    return new Column(name, DataTypes.DoubleType);
  }

  /** A boolean column, written {@code true}/{@code false} in CSV (pandas reads both as bool). */
  public static Column bool(String name) {
    return new Column(name, DataTypes.BooleanType);
  }

  /** Writes {@code rows} as {@code dir/name.csv} and {@code dir/name.parquet}. */
  public static void write(
      ResultsStore store,
      SparkSession spark,
      Path dir,
      String name,
      List<Column> columns,
      List<Object[]> rows) {
    requireNonNull(spark, "spark");
    store.writeString(new Path(dir, name + ".csv"), csv(columns, rows));
    List<StructField> fields = new ArrayList<>();
    for (Column c : columns) {
      fields.add(DataTypes.createStructField(c.name(), c.type(), true));
    }
    List<Row> data = new ArrayList<>();
    for (Object[] r : rows) {
      data.add(RowFactory.create(r));
    }
    Path target = new Path(dir, name + ".parquet");
    Path tmp = store.newTempDir(target);
    try {
      spark
          .createDataFrame(data, new StructType(fields.toArray(new StructField[0])))
          .coalesce(1)
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(tmp.toString());
      Path part = null;
      for (FileStatus s : store.fs().listStatus(tmp)) {
        if (s.getPath().getName().startsWith("part-")) {
          part = s.getPath();
        }
      }
      if (part == null) {
        throw new IOException("Spark wrote no part file into " + tmp);
      }
      Path from = part;
      store.writeAtomically(
          target,
          out -> {
            try (InputStream in = store.fs().open(from)) {
              in.transferTo(out);
            }
          });
    } catch (IOException e) {
      throw new StoreException("cannot write " + target + ": " + e, e);
    } finally {
      store.deleteQuietly(tmp);
    }
  }

  /** The rows as CSV (RFC 4180): a header, then one line per row; nulls are empty. */
  public static String csv(List<Column> columns, List<Object[]> rows) {
    StringBuilder s = new StringBuilder();
    for (int c = 0; c < columns.size(); c++) {
      s.append(c == 0 ? "" : ",").append(quote(columns.get(c).name()));
    }
    s.append('\n');
    for (Object[] r : rows) {
      for (int c = 0; c < r.length; c++) {
        s.append(c == 0 ? "" : ",").append(r[c] == null ? "" : quote(r[c].toString()));
      }
      s.append('\n');
    }
    return s.toString();
  }

  private static String quote(String v) {
    if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
