package io.scalinglab.id.protocol;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.IdConfig;
import io.scalinglab.core.config.IdConfig.Estimator;
import io.scalinglab.core.config.IdConfig.Metric;
import io.scalinglab.id.estimate.Bootstrap;
import io.scalinglab.id.estimate.Bootstrap.Interval;
import io.scalinglab.id.estimate.Mle;
import io.scalinglab.id.estimate.ParticipationRatio;
import io.scalinglab.id.estimate.TwoNn;
import io.scalinglab.id.knn.InvalidPointsException;
import io.scalinglab.id.knn.Neighbours;
import io.scalinglab.id.knn.Points;
import io.scalinglab.id.knn.Preprocess;
import io.scalinglab.id.knn.Preprocess.Prepared;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.protocol.IdEstimate.Batches;
import io.scalinglab.id.protocol.IdEstimate.InputCounts;
import io.scalinglab.id.protocol.IdEstimate.KPoint;
import io.scalinglab.id.protocol.IdEstimate.NPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * One estimate of one set of vectors under a protocol: the rows are prepared ({@link Preprocess}),
 * then
 *
 * <ul>
 *   <li>{@code global}: one estimate over all points (at most {@code id.global.max-points}, drawn
 *       at random), the MLE for every k of the sweep from one neighbour search, and a percentile
 *       bootstrap interval of the main estimate;
 *   <li>{@code paper}: the authors' procedure ({@code embeddings.py}, see ../shared/PAPER.md): the
 *       points shuffled, at most {@code id.paper.max-points} kept, cut into batches of {@code
 *       id.paper.batch-size} (a remainder smaller than a batch is left out; with fewer points than
 *       one batch, all form one), one estimate per batch, and their mean, std, min and max.
 * </ul>
 *
 * <p>Both also estimate on nested subsamples of n/16 … n/2 points ({@link NSweep}) and say whether
 * the last doubling still moved the estimate.
 *
 * <p>Random choices come from {@code id.seed}, split per use (sampling, shuffle, bootstrap), so the
 * same settings give the same numbers. Points no estimate can be made from fail with an {@link
 * InvalidPointsException} that says what to do.
 */
public final class Estimation {
  private Estimation() {}

  /** The estimate of {@code rows × cols} row-major {@code values} under {@code config}. */
  public static IdEstimate estimate(
      double[] values, int rows, int cols, IdConfig config, KnnEngine engine, Progress progress) {
    requireNonNull(config, "config");
    requireNonNull(engine, "engine");
    requireNonNull(progress, "progress");
    long t0 = System.nanoTime();
    Prepared prep =
        Preprocess.prepare(
            values,
            rows,
            cols,
            config.metric(),
            config.nonFinite(),
            config.estimator() != Estimator.PR);
    InputCounts counts =
        new InputCounts(prep.rowsIn(), prep.nonFinite(), prep.zeroRows(), prep.duplicates());
    SplittableRandom root = new SplittableRandom(config.seed());
    SplittableRandom sampling = root.split();
    long bootstrapSeed = root.split().nextLong();
    SplittableRandom nested = root.split(); // split last: the earlier draws stay as they were
    Result r =
        switch (config.protocol()) {
          case GLOBAL ->
              global(prep.points(), config, engine, sampling, bootstrapSeed, nested, progress);
          case PAPER -> paper(prep.points(), config, engine, sampling, progress);
        };
    return new IdEstimate(
        config.estimator(),
        kOf(config),
        config.combine(),
        config.unbiased(),
        config.metric(),
        config.protocol(),
        r.id,
        r.n,
        cols,
        counts,
        r.interval,
        r.sweep,
        r.nSweep,
        NSweep.convergence(r.nSweep, config.levelledOffTolerance()),
        r.batches,
        r.degenerate,
        Optional.ofNullable(r.knn),
        config.estimator() == Estimator.PR ? "none" : engine.name(),
        (System.nanoTime() - t0) / 1e9);
  }

  private static int kOf(IdConfig config) {
    return switch (config.estimator()) {
      case MLE -> config.k();
      case TWONN -> 2;
      case PR -> 0;
    };
  }

  private record Result(
      double id,
      int n,
      Optional<Interval> interval,
      List<KPoint> sweep,
      List<NPoint> nSweep,
      Optional<Batches> batches,
      int degenerate,
      Neighbours.KnnStats knn) {}

  /** One estimate over a set of points: its value and its degenerate points (MLE). */
  record Single(double value, int degenerate) {}

  /** The fewest points an estimate needs is one more than this: k (MLE), 2 (TwoNN), 1 (PR). */
  static int minPoints(IdConfig config) {
    return switch (config.estimator()) {
      case MLE -> config.k();
      case TWONN -> 2;
      case PR -> 1;
    };
  }

  /** The configured estimator once over all of {@code p} (the MLE at {@code id.k}). */
  static Single single(Points p, IdConfig config, KnnEngine engine) {
    return switch (config.estimator()) {
      case MLE -> {
        requireMore(p.n(), config.k());
        Neighbours nb = metric(engine.search(p, config.k(), Progress.NONE), config.metric());
        Mle.MleEstimate e =
            Mle.estimate(
                nb.distances(), p.n(), config.k(), config.k(), config.unbiased(), config.combine());
        yield new Single(e.id(), e.degenerate());
      }
      case TWONN -> {
        requireMore(p.n(), 2);
        Neighbours nb = metric(engine.search(p, 2, Progress.NONE), config.metric());
        yield new Single(twoNn(ratios(nb), config.twonnDiscard()), 0);
      }
      case PR -> new Single(participationRatio(p), 0);
    };
  }

  private static Result global(
      Points all,
      IdConfig config,
      KnnEngine engine,
      SplittableRandom sampling,
      long bootstrapSeed,
      SplittableRandom nested,
      Progress progress) {
    int cap = config.global().maxPoints();
    Points p = cap > 0 && all.n() > cap ? all.subset(sample(all.n(), cap, sampling)) : all;
    int[] order = sample(p.n(), p.n(), nested);
    int resamples = config.global().bootstrapResamples();
    double confidence = config.global().confidence();
    switch (config.estimator()) {
      case MLE -> {
        requireMore(p.n(), config.k());
        TreeSet<Integer> ks = new TreeSet<>(config.global().kSweep());
        ks.add(config.k());
        ks.removeIf(k -> k >= p.n());
        int kmax = ks.last();
        Neighbours nb = metric(engine.search(p, kmax, progress), config.metric());
        Mle.MleEstimate main =
            Mle.estimate(
                nb.distances(), p.n(), kmax, config.k(), config.unbiased(), config.combine());
        Optional<Interval> interval =
            resamples > 0
                ? Optional.of(
                    Bootstrap.percentile(
                        p.n(),
                        resamples,
                        confidence,
                        bootstrapSeed,
                        Bootstrap.mle(main.pointwise(), config.combine())))
                : Optional.empty();
        List<KPoint> sweep = new ArrayList<>();
        for (int k : ks) {
          if (k >= (config.unbiased() ? 3 : 2)) {
            sweep.add(
                new KPoint(
                    k,
                    k == config.k()
                        ? main.id()
                        : Mle.estimate(
                                nb.distances(), p.n(), kmax, k, config.unbiased(), config.combine())
                            .id()));
          }
        }
        List<NPoint> nSweep = NSweep.global(p, order, main.id(), config, engine);
        return new Result(
            main.id(),
            p.n(),
            interval,
            sweep,
            nSweep,
            Optional.empty(),
            main.degenerate(),
            nb.stats());
      }
      case TWONN -> {
        requireMore(p.n(), 2);
        Neighbours nb = metric(engine.search(p, 2, progress), config.metric());
        double[] mu = ratios(nb);
        double id = twoNn(mu.clone(), config.twonnDiscard());
        Optional<Interval> interval =
            resamples > 0
                ? Optional.of(
                    Bootstrap.percentile(
                        p.n(),
                        resamples,
                        confidence,
                        bootstrapSeed,
                        Bootstrap.twoNn(mu, config.twonnDiscard())))
                : Optional.empty();
        List<NPoint> nSweep = NSweep.global(p, order, id, config, engine);
        return new Result(id, p.n(), interval, List.of(), nSweep, Optional.empty(), 0, nb.stats());
      }
      case PR -> {
        double id = participationRatio(p);
        List<NPoint> nSweep = NSweep.global(p, order, id, config, engine);
        return new Result(
            id, p.n(), Optional.empty(), List.of(), nSweep, Optional.empty(), 0, null);
      }
      default -> throw new IllegalStateException(config.estimator().toString());
    }
  }

  private static Result paper(
      Points all, IdConfig config, KnnEngine engine, SplittableRandom shuffle, Progress progress) {
    int n = all.n();
    int[] order = sample(n, n, shuffle);
    int cap = config.paper().maxPoints() > 0 ? Math.min(n, config.paper().maxPoints()) : n;
    int size = config.paper().batchSize();
    int count = cap / size;
    if (count == 0) {
      count = 1;
      size = cap;
    }
    double[] values = new double[count];
    int degenerate = 0;
    for (int b = 0; b < count; b++) {
      int[] rows = java.util.Arrays.copyOfRange(order, b * size, (b + 1) * size);
      Single e = single(all.subset(rows), config, engine);
      values[b] = e.value();
      degenerate += e.degenerate();
      progress.report("batches", b + 1, count);
    }
    double mean = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      mean += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    mean /= count;
    double var = 0;
    for (double v : values) {
      var += (v - mean) * (v - mean);
    }
    Batches batches =
        new Batches(
            size,
            count,
            mean,
            Math.sqrt(var / count),
            min,
            max,
            values,
            NSweep.paperBatches(count));
    List<NPoint> nSweep = NSweep.paper(all, order, size, values, config, engine);
    return new Result(
        mean,
        size * count,
        Optional.empty(),
        List.of(),
        nSweep,
        Optional.of(batches),
        degenerate,
        null);
  }

  /** {@code m} distinct indices of {@code 0 .. n}, in random order (a partial Fisher–Yates). */
  static int[] sample(int n, int m, SplittableRandom rnd) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return java.util.Arrays.copyOf(all, m);
  }

  private static Neighbours metric(Neighbours nb, Metric metric) {
    return metric == Metric.EUCLIDEAN ? nb : nb.mapDistances(x -> Preprocess.distance(metric, x));
  }

  private static double[] ratios(Neighbours nb) {
    double[] mu = new double[nb.n()];
    for (int i = 0; i < mu.length; i++) {
      mu[i] = nb.distance(i, 1) / nb.distance(i, 0);
    }
    return mu;
  }

  private static double twoNn(double[] mu, double discard) {
    try {
      return TwoNn.fromRatios(mu, discard);
    } catch (IllegalArgumentException e) {
      throw new InvalidPointsException(
          e.getMessage(), "Use the MLE (--estimator mle), which looks at more neighbours");
    }
  }

  private static double participationRatio(Points p) {
    try {
      return ParticipationRatio.estimate(p.values(), p.n(), p.d());
    } catch (IllegalArgumentException e) {
      throw new InvalidPointsException(
          e.getMessage(), "Check that the vectors differ; constant data has no dimension");
    }
  }

  private static void requireMore(int n, int k) {
    if (n <= k) {
      throw new InvalidPointsException(
          "only " + n + " distinct points, but k = " + k + " neighbours per point need more",
          "Lower k (--k, or id.k) below " + n + ", or give more vectors");
    }
  }
}
