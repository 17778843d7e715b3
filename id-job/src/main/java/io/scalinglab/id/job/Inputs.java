package io.scalinglab.id.job;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.error.InputException;
import io.scalinglab.core.format.Npy;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Vectors read from files: a 2-D float32/float64 {@code .npy}, or a Parquet table with one array
 * column (one vector per row), on any Hadoop file system. Every failure names the file and says
 * what to do.
 */
public final class Inputs {
  private Inputs() {}

  /** Vectors read from {@code name}: {@code rows × cols}, row-major. */
  public record Matrix(String name, double[] values, int rows, int cols) {
    /** Checks the shape. */
    public Matrix {
      requireNonNull(name, "name");
      requireNonNull(values, "values");
      if ((long) rows * cols != values.length) {
        throw new IllegalArgumentException("shape does not match the values of " + name);
      }
    }
  }

  /** Whether {@code path} names a Parquet file or folder (by its extension). */
  public static boolean isParquet(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.endsWith(".parquet") || p.endsWith(".parq");
  }

  /** A {@code .npy} file on the file system of {@code path}. */
  public static Matrix npy(String path, Configuration conf) {
    requireNonNull(path, "path");
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      try (InputStream in = fs.open(p)) {
        Npy.NpyArray a = Npy.read(in, path);
        return new Matrix(path, a.data(), a.rows(), a.cols());
      }
    } catch (FileNotFoundException e) {
      throw InputException.of(
          path, "file not found", "Check the path; give a .npy or a .parquet file", e);
    } catch (IOException e) {
      throw InputException.of(path, "cannot be read: " + e, "Check that it is readable", e);
    }
  }

  /**
   * A Parquet table's array column, one vector per row.
   *
   * @param column the column to read; null picks the table's only array column
   */
  public static Matrix parquet(SparkSession spark, String path, String column) {
    Dataset<Row> df;
    try {
      df = spark.read().parquet(path);
    } catch (RuntimeException e) {
      throw InputException.of(
          path,
          "cannot be read as Parquet: " + e.getMessage(),
          "Give a Parquet file or folder with an array<float> or array<double> column",
          e);
    }
    List<String> arrays = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      if (f.dataType() instanceof ArrayType a
          && (a.elementType().equals(DataTypes.FloatType)
              || a.elementType().equals(DataTypes.DoubleType))) {
        arrays.add(f.name());
      }
    }
    String chosen = column;
    if (chosen == null) {
      if (arrays.size() != 1) {
        throw InputException.of(
            path,
            arrays.isEmpty()
                ? "has no array<float> or array<double> column (columns: "
                    + String.join(", ", df.columns())
                    + ")"
                : "has several array columns: " + String.join(", ", arrays),
            arrays.isEmpty()
                ? "Store one vector per row in an array column"
                : "Choose one with --column NAME");
      }
      chosen = arrays.get(0);
    } else if (!arrays.contains(chosen)) {
      throw InputException.of(
          path,
          "has no array<float> or array<double> column '" + chosen + "'",
          "Array columns: " + (arrays.isEmpty() ? "none" : String.join(", ", arrays)));
    }
    List<Row> rows = df.select(chosen).collectAsList();
    int cols = -1;
    double[] values = null;
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      if (row.isNullAt(0)) {
        throw InputException.of(
            path, "row " + r + " of column " + chosen + " is null", "Drop or fill null vectors");
      }
      List<Object> v = row.getList(0);
      if (cols < 0) {
        cols = v.size();
        values = new double[rows.size() * cols];
      }
      if (v.size() != cols || cols == 0) {
        throw InputException.of(
            path,
            "row " + r + " has " + v.size() + " values where row 0 has " + cols,
            "Every vector must have the same, non-zero length");
      }
      for (int c = 0; c < cols; c++) {
        Object x = v.get(c);
        values[r * cols + c] = x == null ? Double.NaN : ((Number) x).doubleValue();
      }
    }
    if (values == null) {
      throw InputException.of(path, "has no rows", "Give a table with at least two vectors");
    }
    return new Matrix(path, values, rows.size(), cols);
  }
}
