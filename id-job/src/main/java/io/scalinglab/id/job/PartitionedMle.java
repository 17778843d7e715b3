package io.scalinglab.id.job;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.IdConfig.Combine;
import io.scalinglab.id.estimate.ExactSum;
import io.scalinglab.id.estimate.Mle;
import io.scalinglab.id.knn.InvalidPointsException;
import io.scalinglab.id.knn.NeighbourBlock;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;

/**
 * The Levina–Bickel MLE ({@link Mle}) over neighbours that stay on the executors: each partition
 * computes its points' {@code m̂} and sums them exactly ({@link ExactSum}); the driver adds one
 * small record per partition. Since the sums are exact and rounded once, the estimate equals {@link
 * Mle#estimate} on the same neighbours bit for bit.
 */
public final class PartitionedMle {
  private PartitionedMle() {}

  /**
   * An estimate.
   *
   * @param id the combined MLE
   * @param n points
   * @param degenerate points whose k neighbours all tie ({@code m̂ = +∞})
   * @param digest the neighbours' order-independent digest ({@code Neighbours.digest})
   */
  public record Estimate(double id, long n, int k, long degenerate, long digest)
      implements Serializable {}

  /** The MLE with the first {@code k} neighbours of every point of {@code neighbours}. */
  public static Estimate estimate(
      JavaPairRDD<Integer, NeighbourBlock> neighbours, int k, boolean unbiased, Combine combine) {
    requireNonNull(neighbours, "neighbours");
    requireNonNull(combine, "combine");
    List<Part> parts =
        neighbours
            .values()
            .mapPartitions(
                it -> {
                  Part p = new Part();
                  while (it.hasNext()) {
                    p.add(it.next(), k, unbiased);
                  }
                  return List.of(p).iterator();
                })
            .collect();
    Part all = new Part();
    for (Part p : parts) {
      all.merge(p);
    }
    long finite = all.n - all.degenerate;
    if (finite == 0) {
      throw new InvalidPointsException(
          all.n == 0
              ? "no points to estimate from"
              : "every point's k neighbours are all at the same distance: the MLE is undefined",
          "Use more neighbours (a larger k)");
    }
    double id =
        combine == Combine.HARMONIC
            ? 1 / (all.inverse.value() / all.n)
            : all.finiteSum.value() / finite;
    return new Estimate(id, all.n, k, all.degenerate, all.digest);
  }

  /** One partition's exact sums. */
  static final class Part implements Serializable {
    private static final long serialVersionUID = 1L;
    long n;
    long degenerate;
    long digest;
    final ExactSum finiteSum = new ExactSum();
    final ExactSum inverse = new ExactSum();

    void add(NeighbourBlock b, int k, boolean unbiased) {
      if (!(k <= b.k())) {
        throw new IllegalArgumentException("k " + k + " > the search's " + b.k());
      }
      double[] row = new double[k];
      for (int r = 0; r < b.rows(); r++) {
        System.arraycopy(b.distances(), r * b.k(), row, 0, k);
        double m = Mle.pointwise(row, 0, k, unbiased);
        n++;
        if (Double.isFinite(m)) {
          finiteSum.add(m);
        } else {
          degenerate++;
        }
        inverse.add(1 / m);
      }
      digest += b.digest();
    }

    void merge(Part o) {
      n += o.n;
      degenerate += o.degenerate;
      digest += o.digest;
      finiteSum.add(o.finiteSum);
      inverse.add(o.inverse);
    }
  }
}
