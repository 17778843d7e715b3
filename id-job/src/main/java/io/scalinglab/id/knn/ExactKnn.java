package io.scalinglab.id.knn;

import static java.util.Objects.requireNonNull;

import io.scalinglab.id.knn.PairKernel.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Exact k-nearest neighbours by blocked distance computation, on every core of this JVM.
 *
 * <p>The points are centred (distances do not change, the rounding of the Gram trick shrinks with
 * the norms), rounded to float32 and cut into blocks of {@link Options#blockRows} rows. Each pair
 * of blocks (I ≤ J) is one matrix product on OpenBLAS ({@link PairKernel}); its squared distances,
 * {@code |a|² + |b|² − 2a·b} with norms computed once, go to bounded per-point heaps ({@link TopK})
 * that keep a few more candidates than {@code k}. Worker threads take pairs from a shared counter,
 * each into its own heaps, which are merged at the end: the partial top-k lists of a distributed
 * search are merged the same way ({@code io.scalinglab.id.job.PartitionedKnn}).
 *
 * <p>float32 products are not exact, so the candidates are then checked: their distances are
 * recomputed in float64 by differences, and the k-th of them must lie below the smallest distance
 * any other point could have, given the largest candidate kept and a rigorous bound on the float32
 * error (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, 2002, §3.1: a dot product
 * of length {@code d} is off by at most {@code γ_d·|a|·|b|}, {@code γ_d = d·u/(1 − d·u)}). Points
 * that fail the check (rare: their k-th neighbour nearly ties many others) are searched again in
 * float64 with the same proof, and by plain differences if even that cannot decide. The result is
 * the exact neighbours' distances, whatever the block size, thread count or task split.
 */
public final class ExactKnn {
  private ExactKnn() {}

  /**
   * How the search runs.
   *
   * @param threads worker threads (and OpenBLAS calls at once)
   * @param blockRows points per block; a pair's product is {@code blockRows²} floats
   */
  public record Options(int threads, int blockRows) {
    /** Checks the values. */
    public Options {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      if (blockRows < 1 || blockRows > 8192) {
        throw new IllegalArgumentException("blockRows must be in [1, 8192], got " + blockRows);
      }
    }

    /** Every core, blocks of 1024 points (measured best for d = 768 on 2 cores, see README). */
    public static Options defaults() {
      return new Options(Runtime.getRuntime().availableProcessors(), 1024);
    }
  }

  /**
   * The {@code k} nearest neighbours of every point of {@code points}.
   *
   * @throws IllegalArgumentException if {@code k < 1} or there are not more than {@code k} points
   */
  public static Neighbours search(Points points, int k, Options options, Progress progress) {
    requireNonNull(points, "points");
    requireNonNull(options, "options");
    requireNonNull(progress, "progress");
    checkK(points.n(), k);
    long t0 = System.nanoTime();
    int n = points.n();
    int d = points.d();
    int cap = candidates(k, n);
    int b = options.blockRows();
    int blocks = (n + b - 1) / b;
    double[] mean = points.mean();
    List<int[]> pairs = pairs(blocks);
    TopK[] merged;
    Blas.SingleThreaded single = Blas.singleThreaded();
    try (FloatPointer data = new FloatPointer((long) n * d)) {
      Block[] all = new Block[blocks];
      for (int j = 0; j < blocks; j++) {
        int first = j * b;
        all[j] =
            new Block(
                j, first, Math.min(b, n - first), data, first, new float[Math.min(b, n - first)]);
      }
      ThreadLocal<float[]> row = ThreadLocal.withInitial(() -> new float[d]);
      Refine.parallelRows(
          n,
          options.threads(),
          "prepare",
          Progress.NONE,
          i -> {
            float[] r = row.get();
            all[i / b].norms()[i % b] = (float) centredRow(points, mean, i, r);
            new FloatPointer(data).position((long) i * d).put(r, 0, d);
          });
      merged = runPairs(all, pairs, cap, d, b, options.threads(), progress);
    } finally {
      single.close();
    }
    return Refine.finish(
        points, mean, merged, b, k, cap, options.threads(), pairs.size(), t0, progress);
  }

  /** The pairs of blocks (I ≤ J) in the order they are handed out. */
  public static List<int[]> pairs(int blocks) {
    List<int[]> pairs = new ArrayList<>();
    for (int j = 0; j < blocks; j++) {
      for (int i = 0; i <= j; i++) {
        pairs.add(new int[] {i, j});
      }
    }
    return pairs;
  }

  /** How many candidates per point the float32 pass keeps for {@code k} neighbours. */
  public static int candidates(int k, int n) {
    return Math.min(n - 1, k + Math.max(8, (k + 1) / 2));
  }

  /**
   * Fills {@code out} with point {@code i} minus {@code mean}, rounded to float32, and returns its
   * squared norm computed in float64 from the rounded values.
   */
  public static double centredRow(Points points, double[] mean, int i, float[] out) {
    return centredRow(points.values(), i * points.d(), mean, out);
  }

  /**
   * Fills {@code out} with {@code values[at .. at+d)} minus {@code mean} ({@code d} = its length),
   * rounded to float32, and returns its squared norm computed in float64 from the rounded values.
   */
  public static double centredRow(double[] values, int at, double[] mean, float[] out) {
    int d = mean.length;
    double s = 0;
    for (int c = 0; c < d; c++) {
      float f = (float) (values[at + c] - mean[c]);
      out[c] = f;
      s += (double) f * f;
    }
    return s;
  }

  static void checkK(int n, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (n <= k) {
      throw new IllegalArgumentException(
          n + " points are too few for k = " + k + ": a point needs k others");
    }
  }

  private static TopK[] runPairs(
      Block[] blocks, List<int[]> pairs, int cap, int d, int b, int threads, Progress progress) {
    AtomicInteger next = new AtomicInteger();
    AtomicLong done = new AtomicLong();
    int workers = Math.min(threads, pairs.size());
    ExecutorService pool = Executors.newFixedThreadPool(workers, Refine.daemonThreads("knn"));
    List<Future<TopK[]>> futures = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        futures.add(
            pool.submit(
                () -> {
                  TopK[] local = new TopK[blocks.length];
                  try (PairKernel kernel = new PairKernel(d, b)) {
                    for (int p = next.getAndIncrement();
                        p < pairs.size();
                        p = next.getAndIncrement()) {
                      Block bi = blocks[pairs.get(p)[0]];
                      Block bj = blocks[pairs.get(p)[1]];
                      kernel.pair(bi, bj, heaps(local, bi, cap), heaps(local, bj, cap));
                      progress.report("knn", done.incrementAndGet(), pairs.size());
                    }
                  }
                  return local;
                }));
      }
      TopK[] merged = new TopK[blocks.length];
      for (Future<TopK[]> f : futures) {
        TopK[] local = Refine.get(f);
        for (int j = 0; j < blocks.length; j++) {
          if (local[j] == null) {
            continue;
          }
          if (merged[j] == null) {
            merged[j] = local[j];
          } else {
            merged[j].merge(local[j]);
          }
        }
      }
      return merged;
    } finally {
      pool.shutdownNow();
    }
  }

  private static TopK heaps(TopK[] local, Block block, int cap) {
    TopK t = local[block.index()];
    if (t == null) {
      t = new TopK(block.firstRow(), block.rows(), cap);
      local[block.index()] = t;
    }
    return t;
  }
}
