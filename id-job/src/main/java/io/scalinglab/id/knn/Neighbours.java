package io.scalinglab.id.knn;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The {@code k} nearest neighbours of every point: their distances, ascending, and their indices,
 * row-major ({@code n × k}). Distances are computed in float64 from the coordinates (differences,
 * not the Gram trick), so they are as exact as float64 allows; a point is never its own neighbour.
 *
 * @param stats how the search got there
 */
public record Neighbours(int n, int k, double[] distances, int[] indices, KnnStats stats) {
  /** Checks the shapes. */
  public Neighbours {
    requireNonNull(distances, "distances");
    requireNonNull(indices, "indices");
    requireNonNull(stats, "stats");
    if ((long) n * k != distances.length || distances.length != indices.length) {
      throw new IllegalArgumentException("shape (" + n + ", " + k + ") does not match the arrays");
    }
  }

  /** The distance from point {@code i} to its {@code j}-th nearest neighbour, {@code j} from 0. */
  public double distance(int i, int j) {
    return distances[i * k + j];
  }

  /** The index of the {@code j}-th nearest neighbour of point {@code i}, {@code j} from 0. */
  public int index(int i, int j) {
    return indices[i * k + j];
  }

  /** The sorted distances of point {@code i} (a copy). */
  public double[] row(int i) {
    return Arrays.copyOfRange(distances, i * k, i * k + k);
  }

  /** The first {@code k2 <= k} neighbours of every point (for a sweep over K from one search). */
  public Neighbours prefix(int k2) {
    if (k2 < 1 || k2 > k) {
      throw new IllegalArgumentException("k " + k2 + " is not in [1, " + k + "]");
    }
    double[] d = new double[n * k2];
    int[] ix = new int[n * k2];
    for (int i = 0; i < n; i++) {
      System.arraycopy(distances, i * k, d, i * k2, k2);
      System.arraycopy(indices, i * k, ix, i * k2, k2);
    }
    return new Neighbours(n, k2, d, ix, stats);
  }

  /** Distances transformed per point (for a metric defined through the Euclidean one). */
  public Neighbours mapDistances(java.util.function.DoubleUnaryOperator f) {
    double[] d = new double[distances.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = f.applyAsDouble(distances[i]);
    }
    return new Neighbours(n, k, d, indices, stats);
  }

  /**
   * A digest of every point's neighbours (indices and distances' bits), independent of the order
   * the points are visited in: the sum of {@link #rowDigest} over the points. Two searches with
   * equal digests found, with overwhelming probability, the same neighbours at the same distances.
   */
  public long digest() {
    long h = 0;
    for (int i = 0; i < n; i++) {
      h += rowDigest(i, distances, indices, i * k, k);
    }
    return h;
  }

  /** The digest of point {@code row}'s {@code k} neighbours at {@code at} of the arrays. */
  public static long rowDigest(int row, double[] distances, int[] indices, int at, int k) {
    long h = mix(0x9E3779B97F4A7C15L * (row + 1));
    for (int j = 0; j < k; j++) {
      h = mix(h ^ indices[at + j]);
      h = mix(h ^ Double.doubleToLongBits(distances[at + j]));
    }
    return h;
  }

  /** SplitMix64's finaliser: every input bit moves every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Neighbours b
        && n == b.n
        && k == b.k
        && Arrays.equals(distances, b.distances)
        && Arrays.equals(indices, b.indices);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(distances) + Arrays.hashCode(indices);
  }

  @Override
  public String toString() {
    return "Neighbours[" + n + " x " + k + ", " + stats + "]";
  }

  /**
   * How the exact search went.
   *
   * @param candidates how many candidates per point the float32 pass kept
   * @param floatCertified points whose float32 candidates were proven to hold the exact neighbours
   * @param doubleCertified points that needed the float64 pass and were proven by it
   * @param bruteForce points that needed distances to every point by differences
   * @param pairs block pairs computed in the float32 pass
   * @param seconds wall-clock time of the whole search
   */
  public record KnnStats(
      int candidates,
      int floatCertified,
      int doubleCertified,
      int bruteForce,
      long pairs,
      double seconds) {}
}
