package io.scalinglab.id.protocol;

import io.scalinglab.core.config.IdConfig;
import io.scalinglab.id.knn.InvalidPointsException;
import io.scalinglab.id.knn.Points;
import io.scalinglab.id.protocol.IdEstimate.Convergence;
import io.scalinglab.id.protocol.IdEstimate.NPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The estimate against the number of points: the same estimator on nested subsamples of n/16, n/8,
 * n/4 and n/2 points, each a prefix of one seeded shuffle, so every smaller subsample lies inside
 * every larger one and a change between two sizes is the effect of adding points, not of drawing
 * others.
 *
 * <ul>
 *   <li>{@code global}: prefixes of a shuffle of the points the estimate used, the estimator at
 *       {@code id.k} on each.
 *   <li>{@code paper}: the batch size stays the unit. The paper's number is a mean over batches of
 *       3,600 points, and what moves an MLE is how many points each search sees (its neighbourhoods
 *       shrink as (k/n)^(1/d)); the number of batches only averages noise away, which the batches'
 *       std already shows. So the n sweep takes the first n/16 … n/2 points of a batch (the batches
 *       are blocks of the protocol's one shuffle) and n is points per batch. Searches of a few
 *       hundred points cost more than m² predicts (fixed costs per search), so the sweep averages
 *       over the first half of the batches (at least one), and its last point is those batches' own
 *       mean: every point compares the same batches.
 * </ul>
 *
 * <p>Cost: an exact search over m points costs about m², so the four subsamples add 1/256 + 1/64 +
 * 1/16 + 1/4 ≈ 1/3 of the full search (global); in batches of 3,600 the four cost about 0.64 of the
 * batch's own search (measured), over half the batches: about 1/3 again. id-job/README.md has the
 * measurements.
 */
final class NSweep {
  /** How many times n is halved: n/2, n/4, n/8, n/16. */
  static final int HALVINGS = 4;

  private NSweep() {}

  /** The subsample sizes n/16 … n/2 (rounded down) that hold more than {@code min} points. */
  static int[] sizes(int n, int min) {
    List<Integer> out = new ArrayList<>();
    for (int h = HALVINGS; h >= 1; h--) {
      int m = n >> h;
      if (m > min) {
        out.add(m);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The global protocol's sweep: the estimate on each prefix of {@code order} (a shuffle of {@code
   * p}'s rows), then {@code full}, the estimate on all of {@code p}. A size the estimator cannot
   * handle (e.g. every neighbour tied) is left out.
   */
  static List<NPoint> global(
      Points p, int[] order, double full, IdConfig config, KnnEngine engine) {
    List<NPoint> out = new ArrayList<>();
    for (int m : sizes(p.n(), Estimation.minPoints(config))) {
      try {
        out.add(
            new NPoint(
                m, Estimation.single(p.subset(Arrays.copyOf(order, m)), config, engine).value()));
      } catch (InvalidPointsException e) {
        // too few distinct directions or all ties at this size: no point, the sweep says so
      }
    }
    out.add(new NPoint(p.n(), full));
    return out;
  }

  /** How many batches the paper protocol's sweep averages over: the first half, at least one. */
  static int paperBatches(int count) {
    return (count + 1) / 2;
  }

  /**
   * The paper protocol's sweep: for each of the first {@link #paperBatches} batches of {@code size}
   * rows of {@code order}, the estimate on the batch's first m rows; the mean over those batches at
   * each m, then the mean of the same batches' own estimates ({@code values}) at {@code size}, so
   * every point of the sweep averages the same batches.
   */
  static List<NPoint> paper(
      Points all, int[] order, int size, double[] values, IdConfig config, KnnEngine engine) {
    int used = paperBatches(values.length);
    List<NPoint> out = new ArrayList<>();
    for (int m : sizes(size, Estimation.minPoints(config))) {
      double sum = 0;
      try {
        for (int b = 0; b < used; b++) {
          int[] rows = Arrays.copyOfRange(order, b * size, b * size + m);
          sum += Estimation.single(all.subset(rows), config, engine).value();
        }
      } catch (InvalidPointsException e) {
        continue; // one batch cannot be estimated at this size: no mean either
      }
      out.add(new NPoint(m, sum / used));
    }
    out.add(new NPoint(size, Arrays.stream(values, 0, used).average().orElseThrow()));
    return out;
  }

  /**
   * Whether the last doubling of {@code sweep} (sorted by n, the full estimate last) moved the
   * estimate by less than {@code tolerance} of it; empty without an n/2 point.
   */
  static Optional<Convergence> convergence(List<NPoint> sweep, double tolerance) {
    if (sweep.size() < 2) {
      return Optional.empty();
    }
    NPoint last = sweep.get(sweep.size() - 1);
    NPoint half = sweep.get(sweep.size() - 2);
    if (half.n() != last.n() / 2 || !(last.id() != 0)) {
      return Optional.empty(); // n/2 itself was left out: a smaller size says less
    }
    double change = (last.id() - half.id()) / last.id();
    return Optional.of(new Convergence(change, tolerance, Math.abs(change) < tolerance));
  }
}
