package io.scalinglab.id.estimate;

import static java.util.Objects.requireNonNull;

import io.scalinglab.id.knn.Blas;

/**
 * The participation ratio, a linear measure of dimension: {@code (Σλ)² / Σλ²} over the eigenvalues
 * {@code λ} of the covariance matrix (Gao, Trautmann, Yu, Santhanam, Ryu, Shenoy and Ganguli, "A
 * theory of multineuronal dimensionality, dynamics and measurement", 2017). It counts how many
 * directions carry the variance, so a curved low-dimensional manifold that spans many directions
 * gets a large ratio: it is here for contrast with the nonlinear estimators.
 *
 * <p>No eigendecomposition is needed: {@code Σλ = tr C} and {@code Σλ² = ‖C‖²_F} for a symmetric
 * {@code C}. {@code C = XᵀX} of the centred points is accumulated in float64 on OpenBLAS, in chunks
 * of rows so no second copy of the data is made; its scale cancels in the ratio.
 */
public final class ParticipationRatio {
  private static final int CHUNK_ROWS = 2048;

  private ParticipationRatio() {}

  /**
   * The participation ratio of {@code n} points of dimension {@code d}, row-major.
   *
   * @throws IllegalArgumentException if the points have no spread (all equal), or fewer than 2
   */
  public static double estimate(double[] values, int n, int d) {
    requireNonNull(values, "values");
    if (n < 2) {
      throw new IllegalArgumentException(
          "the participation ratio needs 2 or more points, got " + n);
    }
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < d; c++) {
        mean[c] += values[i * d + c];
      }
    }
    for (int c = 0; c < d; c++) {
      mean[c] /= n;
    }
    double[] cov = new double[d * d];
    double[] chunk = new double[Math.min(n, CHUNK_ROWS) * d];
    for (int first = 0; first < n; first += CHUNK_ROWS) {
      int rows = Math.min(CHUNK_ROWS, n - first);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < d; c++) {
          chunk[r * d + c] = values[(first + r) * d + c] - mean[c];
        }
      }
      if (rows < CHUNK_ROWS) {
        java.util.Arrays.fill(chunk, rows * d, chunk.length, 0.0);
      }
      Blas.dgramColumns(chunk.length / d, d, chunk, cov, first > 0);
    }
    double trace = 0;
    double frobenius = 0;
    for (int a = 0; a < d; a++) {
      trace += cov[a * d + a];
      for (int b = 0; b < d; b++) {
        frobenius += cov[a * d + b] * cov[a * d + b];
      }
    }
    if (!(trace > 0)) {
      throw new IllegalArgumentException(
          "the points have no spread (every coordinate is constant): the participation ratio is"
              + " undefined");
    }
    return trace * trace / frobenius;
  }
}
