package io.scalinglab.id.knn;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * The k nearest neighbours of one block of points, as a distributed search leaves them in place:
 * distances ascending and indices, row-major ({@code rows × k}), as in {@link Neighbours}, and the
 * local rows whose float32 candidates could not be proven (their entries are not yet written).
 */
public record NeighbourBlock(
    int index, int firstRow, int rows, int k, double[] distances, int[] indices, int[] failed)
    implements Serializable {
  /** Checks the shapes. */
  public NeighbourBlock {
    requireNonNull(distances, "distances");
    requireNonNull(indices, "indices");
    requireNonNull(failed, "failed");
    if ((long) rows * k != distances.length || distances.length != indices.length) {
      throw new IllegalArgumentException("block " + index + " does not match its shape");
    }
  }

  /**
   * The proven neighbours of {@code block} from its merged candidates, as {@link ExactKnn} proves
   * its own: each row's keys are within {@code (γ_d + 10u)(|a|² + max|b|²)} of the true squared
   * distances.
   *
   * @param mean the mean the float32 pass centred on
   * @param maxNorm the largest squared centred norm of any point
   * @param n how many points the whole set has
   */
  public static NeighbourBlock refine(
      Candidates merged, PointBlock block, double[] mean, double maxNorm, int k, int n) {
    int d = block.dim();
    double coefficient = Refine.float32Coefficient(d);
    double[] dist = new double[block.rows() * k];
    int[] idx = new int[block.rows() * k];
    float[] row = new float[d];
    int[] failed = new int[block.rows()];
    int failures = 0;
    for (int r = 0; r < block.rows(); r++) {
      double s = ExactKnn.centredRow(block.values(), r * d, mean, row);
      if (!merged.prove(r, k, coefficient * (s + maxNorm), n, dist, idx, r * k)) {
        failed[failures++] = r;
      }
    }
    return new NeighbourBlock(
        block.index(),
        block.firstRow(),
        block.rows(),
        k,
        dist,
        idx,
        java.util.Arrays.copyOf(failed, failures));
  }

  /**
   * This block with the rows of {@code exact} (single-row lists of exact neighbours from the
   * brute-force pass) written in and no longer counted as failed.
   */
  public NeighbourBlock patch(Iterable<Candidates> exact) {
    double[] dist = distances.clone();
    int[] idx = indices.clone();
    java.util.Set<Integer> fixed = new java.util.HashSet<>();
    for (Candidates c : exact) {
      int r = c.firstRow() - firstRow;
      if (c.size(0) < k) {
        throw new IllegalStateException("row " + c.firstRow() + " has only " + c.size(0));
      }
      for (int j = 0; j < k; j++) {
        dist[r * k + j] = Math.sqrt(c.exact(0, j));
        idx[r * k + j] = c.id(0, j);
      }
      fixed.add(r);
    }
    int[] still = java.util.Arrays.stream(failed).filter(r -> !fixed.contains(r)).toArray();
    return new NeighbourBlock(index, firstRow, rows, k, dist, idx, still);
  }

  /** The order-independent digest of these rows' neighbours ({@link Neighbours#digest}). */
  public long digest() {
    long h = 0;
    for (int r = 0; r < rows; r++) {
      h += Neighbours.rowDigest(firstRow + r, distances, indices, r * k, k);
    }
    return h;
  }
}
