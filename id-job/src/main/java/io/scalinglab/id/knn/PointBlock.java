package io.scalinglab.id.knn;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * A block of consecutive points as a distributed search holds them: global rows {@code firstRow ..
 * firstRow+rows} of a point set, row-major float64 values as the points are (not centred, not
 * rounded), so exact distances can be computed wherever the block is. Serializable, to live in a
 * Spark partition.
 *
 * @param index the block's number: rows {@code index·blockRows ..} of the whole set
 */
public record PointBlock(int index, int firstRow, int rows, int dim, double[] values)
    implements Serializable {
  /** Checks the shape. */
  public PointBlock {
    requireNonNull(values, "values");
    if (rows < 0 || dim < 1 || (long) rows * dim != values.length) {
      throw new IllegalArgumentException(
          "block " + index + ": shape (" + rows + ", " + dim + ") does not match " + values.length);
    }
  }

  /** The blocks of {@code blockRows} points of {@code points}, as {@link ExactKnn} cuts them. */
  public static java.util.List<PointBlock> of(Points points, int blockRows) {
    java.util.List<PointBlock> out = new java.util.ArrayList<>();
    int d = points.d();
    for (int first = 0, j = 0; first < points.n(); first += blockRows, j++) {
      int rows = Math.min(blockRows, points.n() - first);
      double[] v = new double[rows * d];
      System.arraycopy(points.values(), first * d, v, 0, rows * d);
      out.add(new PointBlock(j, first, rows, d, v));
    }
    return out;
  }

  /** Whether every value is finite. */
  public boolean finite() {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
