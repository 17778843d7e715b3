package io.scalinglab.id.validate;

import io.scalinglab.core.config.IdConfig.Combine;
import io.scalinglab.core.config.IdConfig.Metric;
import io.scalinglab.core.config.IdConfig.NonFinite;
import io.scalinglab.id.estimate.Mle;
import io.scalinglab.id.estimate.ParticipationRatio;
import io.scalinglab.id.estimate.TwoNn;
import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.Neighbours;
import io.scalinglab.id.knn.Preprocess;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.manifold.BenchmarkManifolds;
import io.scalinglab.manifold.Manifolds;
import io.scalinglab.manifold.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The estimators on data of known dimension: spheres and balls of several dimensions and the swiss
 * roll under random rotations, and the benchmark manifolds M1…M13, each with the MLE (mean and
 * harmonic), TwoNN and the participation ratio, averaged over seeds. This is the table in
 * id-job/README.md; {@code scalinglab id --validate} prints it again.
 */
public final class Validation {
  /** Ambient dimension of the rotated spheres, balls and swiss roll. */
  public static final int AMBIENT = 64;

  private Validation() {}

  /** A data set of known dimension, made from a seed. */
  public record Dataset(String name, int d, int ambient, LongFunction<Sample> make) {}

  /** One row: the estimators' means over seeds and their ranges (max − min over seeds). */
  public record Row(
      String name,
      int d,
      int ambient,
      double mleMean,
      double mleMeanRange,
      double mleHarmonic,
      double twoNn,
      double twoNnRange,
      double pr) {}

  /** Every data set of the table, {@code n} points each. */
  public static List<Dataset> datasets(int n) {
    List<Dataset> out = new ArrayList<>();
    for (int d : new int[] {2, 5, 10, 20}) {
      out.add(
          new Dataset("sphere S^" + d, d, AMBIENT, seed -> Manifolds.sphere(n, d, AMBIENT, seed)));
    }
    for (int d : new int[] {2, 5, 10, 20}) {
      out.add(new Dataset("ball B^" + d, d, AMBIENT, seed -> Manifolds.ball(n, d, AMBIENT, seed)));
    }
    out.add(new Dataset("swiss roll", 2, AMBIENT, seed -> Manifolds.swissRoll(n, AMBIENT, seed)));
    for (BenchmarkManifolds.Spec spec : BenchmarkManifolds.ALL) {
      out.add(
          new Dataset(
              spec.name(),
              spec.d(),
              spec.ambient(),
              seed -> BenchmarkManifolds.generate(spec, n, seed)));
    }
    return out;
  }

  /** The row of {@code dataset}: MLE with {@code k} neighbours, over {@code seeds} seeds. */
  public static Row row(Dataset dataset, int k, int seeds, ExactKnn.Options options) {
    double[] mle = new double[seeds];
    double[] harmonic = new double[seeds];
    double[] two = new double[seeds];
    double[] pr = new double[seeds];
    for (int s = 0; s < seeds; s++) {
      Sample sample = dataset.make().apply(1000L + s);
      Preprocess.Prepared prep =
          Preprocess.prepare(
              sample.values(),
              sample.n(),
              sample.ambient(),
              Metric.EUCLIDEAN,
              NonFinite.FAIL,
              true);
      Neighbours nb = ExactKnn.search(prep.points(), k, options, Progress.NONE);
      int n = nb.n();
      mle[s] = Mle.estimate(nb.distances(), n, k, k, false, Combine.MEAN).id();
      harmonic[s] = Mle.estimate(nb.distances(), n, k, k, false, Combine.HARMONIC).id();
      double[] r1 = new double[n];
      double[] r2 = new double[n];
      for (int i = 0; i < n; i++) {
        r1[i] = nb.distance(i, 0);
        r2[i] = nb.distance(i, 1);
      }
      two[s] = TwoNn.estimate(r1, r2, 0.1);
      pr[s] = ParticipationRatio.estimate(sample.values(), sample.n(), sample.ambient());
    }
    return new Row(
        dataset.name(),
        dataset.d(),
        dataset.ambient(),
        mean(mle),
        range(mle),
        mean(harmonic),
        mean(two),
        range(two),
        mean(pr));
  }

  /** The whole table as Markdown, with a header saying how it was made. */
  public static String markdown(List<Row> rows, int n, int k, int seeds) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "N = %d points, K = %d, euclidean, means over %d seeds (range = max - min over"
                + " seeds)%n%n",
            n,
            k,
            seeds));
    s.append(
        "| data | d | ambient | MLE mean | range | MLE harmonic | TwoNN | range | PR |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
              r.name(),
              r.d(),
              r.ambient(),
              r.mleMean(),
              r.mleMeanRange(),
              r.mleHarmonic(),
              r.twoNn(),
              r.twoNnRange(),
              r.pr()));
    }
    return s.toString();
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double range(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return hi - lo;
  }
}
