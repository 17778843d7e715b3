package io.scalinglab.id.knn;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.IdConfig.Metric;
import io.scalinglab.core.config.IdConfig.NonFinite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Raw rows made into {@link Points} a neighbour search can use, with a defined answer for every
 * awkward input.
 *
 * <ul>
 *   <li>Rows with NaN or infinite values fail (naming how many and the first) or, with {@link
 *       NonFinite#DROP}, are left out and counted.
 *   <li>For {@code angular} and {@code cosine} rows are scaled to unit length, and the search runs
 *       on the chord {@code |u − v|}, from which both follow exactly: the angle is {@code
 *       2·asin(chord/2)} and {@code 1 − cos} is {@code chord²/2} (which is why {@code cosine}
 *       halves the MLE: every log-ratio of distances doubles). A zero row has no direction and is
 *       treated like a non-finite one.
 *   <li>Duplicate rows (equal after that scaling) are kept once and counted: a zero neighbour
 *       distance makes the MLE's logarithm and TwoNN's ratio undefined, and a repeated vector adds
 *       no information about the manifold's dimension.
 *   <li>Data whose rows are all equal fails: a single point has no dimension to estimate.
 * </ul>
 */
public final class Preprocess {
  private Preprocess() {}

  /**
   * Points ready for a search, and what was done to get them.
   *
   * @param points the points kept, in the metric's working form
   * @param rows the original row of each kept point
   * @param rowsIn how many rows there were
   * @param nonFinite rows left out for NaN or infinite values
   * @param zeroRows rows left out for having no direction (angular, cosine)
   * @param duplicates rows left out as copies of an earlier row
   * @param metric the metric the points were prepared for
   */
  public record Prepared(
      Points points,
      int[] rows,
      int rowsIn,
      int nonFinite,
      int zeroRows,
      int duplicates,
      Metric metric) {}

  /**
   * Prepares {@code rows × cols} row-major values for {@code metric}.
   *
   * @param dedupe whether to keep duplicate rows once (the neighbour-based estimators need it)
   * @throws InvalidPointsException if a row is not finite and {@code policy} is FAIL, or no two
   *     distinct rows are left
   */
  public static Prepared prepare(
      double[] values, int rows, int cols, Metric metric, NonFinite policy, boolean dedupe) {
    requireNonNull(values, "values");
    requireNonNull(metric, "metric");
    requireNonNull(policy, "policy");
    if (rows < 0 || cols < 1 || (long) rows * cols != values.length) {
      throw new IllegalArgumentException(
          "shape (" + rows + ", " + cols + ") does not match " + values.length + " values");
    }
    boolean unit = metric != Metric.EUCLIDEAN;
    List<Integer> kept = new ArrayList<>(rows);
    int nonFinite = 0;
    int zero = 0;
    int firstBad = -1;
    for (int i = 0; i < rows; i++) {
      double norm = 0;
      boolean finite = true;
      for (int c = 0; c < cols; c++) {
        double v = values[i * cols + c];
        finite &= Double.isFinite(v);
        norm += v * v;
      }
      if (!finite) {
        nonFinite++;
        firstBad = firstBad < 0 ? i : firstBad;
      } else if (unit && !(norm > 0)) {
        zero++;
        firstBad = firstBad < 0 ? i : firstBad;
      } else {
        kept.add(i);
      }
    }
    if ((nonFinite > 0 || zero > 0) && policy == NonFinite.FAIL) {
      throw new InvalidPointsException(
          nonFinite > 0
              ? String.format(
                  Locale.ROOT,
                  "%d of %d rows hold NaN or infinite values (the first is row %d)",
                  nonFinite,
                  rows,
                  firstBad)
              : String.format(
                  Locale.ROOT,
                  "%d of %d rows are all zeros, which have no direction for the %s metric (the"
                      + " first is row %d)",
                  zero,
                  rows,
                  metric.key(),
                  firstBad),
          "Such activations usually come from a run that diverged or a padding position: fix the"
              + " run, or set id.non-finite = drop (--set id.non-finite=drop) to leave those rows"
              + " out");
    }
    double[] out;
    if (!unit && kept.size() == rows) {
      out = values; // nothing to drop or scale: share the caller's array, as Points documents
    } else {
      out = new double[kept.size() * cols];
      for (int r = 0; r < kept.size(); r++) {
        int i = kept.get(r);
        double scale = 1;
        if (unit) {
          double norm = 0;
          for (int c = 0; c < cols; c++) {
            norm += values[i * cols + c] * values[i * cols + c];
          }
          scale = 1 / Math.sqrt(norm);
        }
        for (int c = 0; c < cols; c++) {
          out[r * cols + c] = values[i * cols + c] * scale;
        }
      }
    }
    int[] keptRows = kept.stream().mapToInt(Integer::intValue).toArray();
    int duplicates = 0;
    if (dedupe) {
      int[] unique = unique(out, keptRows.length, cols);
      duplicates = keptRows.length - unique.length;
      if (duplicates > 0) {
        double[] compact = new double[unique.length * cols];
        int[] compactRows = new int[unique.length];
        for (int r = 0; r < unique.length; r++) {
          System.arraycopy(out, unique[r] * cols, compact, r * cols, cols);
          compactRows[r] = keptRows[unique[r]];
        }
        out = compact;
        keptRows = compactRows;
      }
    }
    if (keptRows.length == 1 && rows > 1 && duplicates > 0) {
      throw new InvalidPointsException(
          "all " + (duplicates + 1) + " usable rows are identical (constant data)",
          "A single repeated vector has no dimension to estimate: check that the activations come"
              + " from different tokens and documents");
    }
    if (keptRows.length == 0) {
      throw new InvalidPointsException(
          "no usable rows" + (rows == 0 ? "" : " (all " + rows + " were left out)"),
          "Give a file with at least two distinct, finite rows");
    }
    return new Prepared(
        new Points(out, keptRows.length, cols),
        keptRows,
        rows,
        nonFinite,
        zero,
        duplicates,
        metric);
  }

  /** The metric's distance between two prepared points {@code euclidean} apart. */
  public static double distance(Metric metric, double euclidean) {
    return switch (metric) {
      case EUCLIDEAN -> euclidean;
      case ANGULAR -> 2 * Math.asin(Math.min(1, euclidean / 2));
      case COSINE -> euclidean * euclidean / 2;
    };
  }

  /** The first row of each group of equal rows, in row order ({@code -0.0} equals {@code 0.0}). */
  private static int[] unique(double[] v, int rows, int cols) {
    Map<Long, List<Integer>> byHash = new HashMap<>();
    List<Integer> firsts = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      long h = 1;
      for (int c = 0; c < cols; c++) {
        double x = v[i * cols + c];
        h = 31 * h + (x == 0 ? 0 : Double.doubleToLongBits(x));
      }
      List<Integer> same = byHash.computeIfAbsent(h, x -> new ArrayList<>(1));
      boolean seen = false;
      for (int j : same) {
        if (equalRows(v, i, j, cols)) {
          seen = true;
          break;
        }
      }
      if (!seen) {
        same.add(i);
        firsts.add(i);
      }
    }
    return firsts.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean equalRows(double[] v, int i, int j, int cols) {
    for (int c = 0; c < cols; c++) {
      if (v[i * cols + c] != v[j * cols + c]) {
        return false;
      }
    }
    return true;
  }
}
