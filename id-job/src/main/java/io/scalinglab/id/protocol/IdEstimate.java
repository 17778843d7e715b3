package io.scalinglab.id.protocol;

import io.scalinglab.core.config.IdConfig;
import io.scalinglab.id.estimate.Bootstrap.Interval;
import io.scalinglab.id.knn.Neighbours.KnnStats;
import java.util.List;
import java.util.Optional;

/**
 * One intrinsic-dimension estimate of one set of vectors, with everything needed to read it: the
 * settings it was made with, what the input held and what was left out, and the protocol's extra
 * results.
 *
 * @param estimator mle, twonn or pr
 * @param k neighbours per point (MLE); 2 for TwoNN, 0 for PR
 * @param combine how pointwise MLEs were combined
 * @param unbiased whether the MLE used k − 2
 * @param metric the distance used
 * @param protocol global or paper
 * @param id the estimate (the mean over batches for the paper protocol)
 * @param n points the estimate used (after duplicates and any cap)
 * @param dim the vectors' dimension
 * @param input what the input held and what was left out
 * @param interval the bootstrap interval (global protocol, MLE and TwoNN)
 * @param kSweep the MLE for each k of the sweep, side by side (global protocol)
 * @param nSweep the estimate on nested subsamples of n/16, n/8, n/4, n/2 and n points (for the
 *     paper protocol, of a batch's points, n per batch, averaged over the first {@code
 *     batches.sweepBatches} batches), smallest first; sizes too small for the estimator are left
 *     out
 * @param convergence whether the last doubling of n still moved the estimate (empty when the sweep
 *     has no n/2 point)
 * @param batches the per-batch estimates (paper protocol)
 * @param degenerate points whose k neighbours all tie (left out of a mean; see Mle)
 * @param knn how the neighbour search went (empty for PR)
 * @param engine where the search ran
 * @param seconds wall-clock time of the whole estimate
 */
public record IdEstimate(
    IdConfig.Estimator estimator,
    int k,
    IdConfig.Combine combine,
    boolean unbiased,
    IdConfig.Metric metric,
    IdConfig.Protocol protocol,
    double id,
    int n,
    int dim,
    InputCounts input,
    Optional<Interval> interval,
    List<KPoint> kSweep,
    List<NPoint> nSweep,
    Optional<Convergence> convergence,
    Optional<Batches> batches,
    int degenerate,
    Optional<KnnStats> knn,
    String engine,
    double seconds) {

  /**
   * What the input held: {@code rows} in all, {@code nonFinite} and {@code zeroRows} left out (with
   * {@code id.non-finite = drop}), {@code duplicates} kept once.
   */
  public record InputCounts(int rows, int nonFinite, int zeroRows, int duplicates) {}

  /** The estimate with {@code k} neighbours. */
  public record KPoint(int k, double id) {}

  /** The estimate on a nested subsample of {@code n} points (per batch, paper protocol). */
  public record NPoint(int n, double id) {}

  /**
   * Whether an estimate has levelled off in n: {@code change = (id(n) − id(n/2)) / id(n)}, the
   * relative move over the last doubling of the n sweep, and {@code levelledOff} when {@code
   * |change| < tolerance} ({@code id.levelled-off-tolerance}).
   */
  public record Convergence(double change, double tolerance, boolean levelledOff) {}

  /**
   * The paper protocol's batches: {@code count} batches of {@code size} vectors, their estimates
   * and summary ({@code std} is the population standard deviation, numpy's default), and how many
   * of them (the first) the n sweep averages over.
   */
  public record Batches(
      int size,
      int count,
      double mean,
      double std,
      double min,
      double max,
      double[] values,
      int sweepBatches) {}
}
