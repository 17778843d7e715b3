package io.scalinglab.cli;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.id.knn.Blas;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.protocol.Estimation;
import io.scalinglab.id.protocol.IdEstimate;
import io.scalinglab.id.protocol.KnnEngine;
import io.scalinglab.manifold.Manifolds;
import io.scalinglab.manifold.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.bytedeco.javacpp.FloatPointer;

/**
 * {@code scalinglab bench id}: the time of the MLE (K = 20, global protocol, Euclidean) on N
 * float32 points from a 20-dimensional manifold in R^768, beside its floor: the float32 FLOPs of
 * the distance products the search computes, over the matrix-product rate measured on this machine
 * just before, with the same product shape and thread count.
 */
final class IdBench {
  static final String HELP =
      """
      usage: scalinglab bench id [--n 50000] [--dim 768] [--threads T] [--repeats 1]
             scalinglab bench id --points N [--dim 768] --master URL [--jar PATH] [--k 20]

      Times the MLE with K = 20 (global protocol, Euclidean, 200 bootstrap resamples, no k sweep)
      on N float32 points drawn uniformly from the 20-sphere, rotated at random into R^dim, and
      prints the floor: the FLOPs of the distance products over the measured matrix-product rate
      (float32 OpenBLAS products of 1024 x 1024 x dim blocks, one per thread, T threads at once,
      measured before and after the runs; the higher is used). The median of --repeats is shown,
      and the share of the cores the JVM got, since other work on the machine slows both.
      Default: all cores. scikit-dimension took 99 s for 50,000 x 768 on 2 cores (PAPER.md).

      With --master (spark://..., or local[N]) the N points are made, searched and estimated on
      the executors and never gathered on this driver: it prints the time, the floor (N^2 x dim
      FLOPs at one core's measured float32 matrix-product rate, divided by the cluster's cores),
      their ratio, this driver's peak heap and the ID. --jar is the jar the executors load the
      search from (default: the jar this command runs from).
      """;

  private static final double SKDIM_SECONDS_50K = 99;

  private IdBench() {}

  /** The flags of {@code bench} plus those {@code bench id} adds. */
  static Set<String> extend(Set<String> flags) {
    Set<String> all = new HashSet<>(flags);
    all.addAll(
        Set.of(
            "--n", "--dim", "--threads", "--points", "--master", "--jar", "--k", "--block-rows"));
    return Set.copyOf(all);
  }

  static void run(Args args) {
    if (args.has("--master")) {
      ClusterIdBench.run(args);
      return;
    }
    int n = args.getInt("--points", args.getInt("--n", 50_000, 100), 100);
    int dim = args.getInt("--dim", 768, 21);
    int threads = args.getInt("--threads", Runtime.getRuntime().availableProcessors(), 1);
    int repeats = args.getInt("--repeats", 1, 1);
    int blockRows = 1024;
    IdConfig config =
        IdConfig.fromConfig(
            ConfigFactory.parseString(
                "id { k = 20, protocol = global, metric = euclidean, estimator = mle,"
                    + " global.k-sweep = [20] }"));
    Console.line(
        String.format(
            Locale.ROOT,
            "bench id: %,d points on the 20-sphere in R^%d (float32), MLE K = 20, global, %d"
                + " threads of %d cores",
            n,
            dim,
            threads,
            Runtime.getRuntime().availableProcessors()));
    Sample sample = Manifolds.sphere(n, 20, dim, 20L);
    double[] values = sample.asFloat32();

    double rateBefore = matrixProductRate(dim, blockRows, threads);
    double flops = distanceFlops(n, dim, blockRows);
    Console.line(
        String.format(
            Locale.ROOT,
            "matrix-product rate: %.1f GFLOP/s (float32, %d threads); distance products: %.3g FLOP",
            rateBefore / 1e9,
            threads,
            flops));

    KnnEngine engine = KnnEngine.local(threads, blockRows);
    double[] seconds = new double[repeats];
    double[] knnSeconds = new double[repeats];
    double[] coreShare = new double[repeats];
    IdEstimate last = null;
    for (int r = 0; r < repeats; r++) {
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      last = Estimation.estimate(values, n, dim, config, engine, Progress.NONE);
      seconds[r] = (System.nanoTime() - t0) / 1e9;
      knnSeconds[r] = last.knn().orElseThrow().seconds();
      coreShare[r] = (cpuNanos() - cpu0) / 1e9 / (seconds[r] * threads);
      Console.line(
          String.format(
              Locale.ROOT,
              "run %d: %.2f s (kNN %.2f s), ID %.3f; this JVM used %.0f%% of %d cores",
              r + 1,
              seconds[r],
              knnSeconds[r],
              last.id(),
              100 * coreShare[r],
              threads));
    }
    double rateAfter = matrixProductRate(dim, blockRows, threads);
    // Other work on the machine only lowers a measured rate, so the higher one is the machine's.
    double rate = Math.max(rateBefore, rateAfter);
    double floor = flops / rate;
    Console.line(
        String.format(
            Locale.ROOT,
            "matrix-product rate again: %.1f GFLOP/s; floor %.2f s at %.1f GFLOP/s",
            rateAfter / 1e9,
            floor,
            rate / 1e9));
    int middle = (repeats - 1) / 2;
    double median = sortedCopy(seconds)[middle];
    double knnMedian = sortedCopy(knnSeconds)[middle];
    int best = 0;
    for (int r = 1; r < repeats; r++) {
      best = seconds[r] < seconds[best] ? r : best;
    }
    var stats = last.knn().orElseThrow();
    Console.plain("");
    Console.plain(
        String.format(
            Locale.ROOT,
            "%-36s %8s %8s%n%-36s %8.2f %8.2f%n%-36s %8.2f %8.2f%n%-36s %8.0f%% %7.0f%%%n"
                + "%-36s %8.2f%n%-36s %7.2fx %7.2fx",
            "",
            "median",
            "fastest",
            "MLE K=20, global, seconds",
            median,
            seconds[best],
            "  of which the kNN search",
            knnMedian,
            knnSeconds[best],
            "  share of the cores this JVM got",
            100 * sortedCopy(coreShare)[middle],
            100 * coreShare[best],
            "floor (distance FLOPs / rate), s",
            floor,
            "time / floor",
            median / floor,
            seconds[best] / floor));
    if (n == 50_000 && dim == 768) {
      Console.plain(
          String.format(
              Locale.ROOT,
              "%-36s %7.1fx %7.1fx",
              "faster than scikit-dimension (99 s)",
              SKDIM_SECONDS_50K / median,
              SKDIM_SECONDS_50K / seconds[best]));
    }
    Console.plain(
        String.format(
            Locale.ROOT,
            "ID %.3f, interval [%.3f, %.3f]; %d block pairs, %d candidates per point, %d of %d"
                + " points proven in float32, %d in float64, %d by brute force",
            last.id(),
            last.interval().orElseThrow().low(),
            last.interval().orElseThrow().high(),
            stats.pairs(),
            stats.candidates(),
            stats.floatCertified(),
            n,
            stats.doubleCertified(),
            stats.bruteForce()));
  }

  private static double[] sortedCopy(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c;
  }

  /** CPU time of this JVM so far (all threads), or 0 where the platform does not say. */
  private static long cpuNanos() {
    return ProcessHandle.current()
        .info()
        .totalCpuDuration()
        .map(java.time.Duration::toNanos)
        .orElse(0L);
  }

  /**
   * The FLOPs of the distance products of the blocked search: {@code 2·m·n·dim} for every pair of
   * blocks {@code I ≤ J}, the pairs within a block computed whole.
   */
  static double distanceFlops(int n, int dim, int blockRows) {
    int blocks = (n + blockRows - 1) / blockRows;
    double flops = 0;
    for (int j = 0; j < blocks; j++) {
      int nj = Math.min(blockRows, n - j * blockRows);
      for (int i = 0; i <= j; i++) {
        int ni = Math.min(blockRows, n - i * blockRows);
        flops += 2.0 * ni * nj * dim;
      }
    }
    return flops;
  }

  /**
   * The float32 matrix-product rate of this machine in FLOP/s: {@code threads} threads at once,
   * each multiplying {@code rows × dim} by {@code dim × rows} on single-threaded OpenBLAS, as the
   * search does, for about two seconds after a warm-up.
   */
  static double matrixProductRate(int dim, int rows, int threads) {
    long perCall = 2L * rows * rows * dim;
    List<Thread> workers = new ArrayList<>();
    long[] calls = new long[threads];
    long[] nanos = new long[threads];
    CountDownLatch start = new CountDownLatch(1);
    Blas.SingleThreaded single = Blas.singleThreaded();
    try {
      for (int t = 0; t < threads; t++) {
        int me = t;
        Thread w =
            new Thread(
                () -> {
                  try (FloatPointer a = new FloatPointer((long) rows * dim);
                      FloatPointer b = new FloatPointer((long) rows * dim);
                      FloatPointer c = new FloatPointer((long) rows * rows)) {
                    float[] fill = new float[rows * dim];
                    for (int i = 0; i < fill.length; i++) {
                      fill[i] = (float) Math.sin(i + me);
                    }
                    a.put(fill, 0, fill.length).position(0);
                    b.put(fill, 0, fill.length).position(0);
                    for (int warm = 0; warm < 3; warm++) {
                      Blas.sgemmNt(rows, rows, dim, a, 0, b, 0, c);
                    }
                    start.await();
                    long t0 = System.nanoTime();
                    long done = 0;
                    while (System.nanoTime() - t0 < 2_000_000_000L) {
                      Blas.sgemmNt(rows, rows, dim, a, 0, b, 0, c);
                      done++;
                    }
                    calls[me] = done;
                    nanos[me] = System.nanoTime() - t0;
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "scalinglab-bench-gemm-" + t);
        workers.add(w);
        w.start();
      }
      start.countDown();
      for (Thread w : workers) {
        w.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring the matrix-product rate", e);
    } finally {
      single.close();
    }
    double rate = 0;
    for (int t = 0; t < threads; t++) {
      rate += calls[t] * (double) perCall / (nanos[t] / 1e9);
    }
    return rate;
  }
}
