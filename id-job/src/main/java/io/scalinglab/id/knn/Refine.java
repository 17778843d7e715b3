package io.scalinglab.id.knn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.DoublePointer;

/**
 * The second half of the exact search: float64 distances of the candidates, the proof that they
 * hold the true neighbours, and the float64 and brute-force passes for the few points where the
 * float32 candidates cannot be proven (see {@link ExactKnn}).
 */
final class Refine {
  /** Unit roundoff of float32 and float64. */
  private static final double U32 = 0x1p-24;

  private static final double U64 = 0x1p-53;

  private static final int ROWS_PER_TASK = 256;

  private Refine() {}

  /**
   * The exact neighbours from merged candidate lists: {@code merged[j]} holds the candidates of
   * block {@code j} (rows {@code j·blockRows ..}).
   */
  static Neighbours finish(
      Points points,
      double[] mean,
      TopK[] merged,
      int blockRows,
      int k,
      int cap,
      int threads,
      long pairs,
      long t0,
      Progress progress) {
    int n = points.n();
    int d = points.d();
    double[] s = new double[n];
    ThreadLocal<float[]> row = ThreadLocal.withInitial(() -> new float[d]);
    parallelRows(
        n,
        threads,
        "norms",
        Progress.NONE,
        i -> s[i] = ExactKnn.centredRow(points, mean, i, row.get()));
    double sMax = 0;
    for (double v : s) {
      sMax = Math.max(sMax, v);
    }
    double coefficient = float32Coefficient(d);
    double[] dist = new double[n * k];
    int[] idx = new int[n * k];
    boolean[] proven = new boolean[n];
    double max = sMax;
    parallelRows(
        n,
        threads,
        "refine",
        progress,
        i -> {
          TopK t = merged[i / blockRows];
          int r = i - t.firstRow();
          double err = coefficient * (s[i] + max);
          proven[i] = refineRow(points, i, t, r, k, err, dist, idx);
        });
    int[] failed = failed(proven);
    int doubleProven = 0;
    int brute = 0;
    if (failed.length > 0) {
      boolean[] again = doublePass(points, mean, failed, k, cap, blockRows, threads, dist, idx);
      List<Integer> rest = new ArrayList<>();
      for (int f = 0; f < failed.length; f++) {
        if (again[f]) {
          doubleProven++;
        } else {
          rest.add(failed[f]);
        }
      }
      brute = rest.size();
      int[] restRows = rest.stream().mapToInt(Integer::intValue).toArray();
      parallelRows(
          restRows.length,
          threads,
          "brute force",
          progress,
          f -> bruteForce(points, restRows[f], k, dist, idx));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Neighbours(
        n,
        k,
        dist,
        idx,
        new Neighbours.KnnStats(cap, n - failed.length, doubleProven, brute, pairs, seconds));
  }

  /**
   * Searches {@code rows} again with float64 products against every point, and proves the result as
   * the float32 pass does, with float64's smaller error; writes the proven rows.
   *
   * @return which of {@code rows} were proven
   */
  private static boolean[] doublePass(
      Points points,
      double[] mean,
      int[] rows,
      int k,
      int cap,
      int blockRows,
      int threads,
      double[] dist,
      int[] idx) {
    int n = points.n();
    int d = points.d();
    double[] s = new double[n];
    double sMax = 0;
    for (int i = 0; i < n; i++) {
      s[i] = centredSquaredNorm(points, mean, i);
      sMax = Math.max(sMax, s[i]);
    }
    int blocks = (n + blockRows - 1) / blockRows;
    int chunks = (rows.length + blockRows - 1) / blockRows;
    TopK[][] perThread = new TopK[threads][chunks];
    AtomicInteger next = new AtomicInteger();
    int tasks = chunks * blocks;
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads("knn-f64"));
    Blas.SingleThreaded single = Blas.singleThreaded();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        TopK[] mine = perThread[w];
        futures.add(
            pool.submit(
                () -> {
                  try (DoublePointer q = new DoublePointer((long) blockRows * d);
                      DoublePointer blk = new DoublePointer((long) blockRows * d);
                      DoublePointer c = new DoublePointer((long) blockRows * blockRows)) {
                    double[] buf = new double[blockRows * d];
                    double[] prod = new double[blockRows * blockRows];
                    for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                      int chunk = t / blocks;
                      int j = t % blocks;
                      int q0 = chunk * blockRows;
                      int qn = Math.min(blockRows, rows.length - q0);
                      for (int r = 0; r < qn; r++) {
                        centred(points, mean, rows[q0 + r], buf, r * d);
                      }
                      q.position(0).put(buf, 0, qn * d);
                      int j0 = j * blockRows;
                      int jn = Math.min(blockRows, n - j0);
                      for (int r = 0; r < jn; r++) {
                        centred(points, mean, j0 + r, buf, r * d);
                      }
                      blk.position(0).put(buf, 0, jn * d);
                      Blas.dgemmNt(qn, jn, d, q, 0, blk, 0, c);
                      c.position(0).get(prod, 0, qn * jn);
                      if (mine[chunk] == null) {
                        mine[chunk] = new TopK(q0, qn, cap);
                      }
                      TopK top = mine[chunk];
                      for (int r = 0; r < qn; r++) {
                        int self = rows[q0 + r];
                        double bound = top.bound(r);
                        for (int col = 0; col < jn; col++) {
                          int id = j0 + col;
                          double e = s[self] + s[id] - 2 * prod[r * jn + col];
                          if (e <= bound && id != self) {
                            bound = top.offer(r, e, id);
                          }
                        }
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        get(f);
      }
    } finally {
      single.close();
      pool.shutdownNow();
    }
    double coefficient = gamma(d, U64) + 10 * U64;
    boolean[] proven = new boolean[rows.length];
    for (int chunk = 0; chunk < chunks; chunk++) {
      TopK top = null;
      for (TopK[] mine : perThread) {
        if (mine[chunk] != null) {
          if (top == null) {
            top = mine[chunk];
          } else {
            top.merge(mine[chunk]);
          }
        }
      }
      for (int r = 0; r < top.rows(); r++) {
        int f = top.firstRow() + r;
        int i = rows[f];
        proven[f] = refineRow(points, i, top, r, k, coefficient * (s[i] + sMax), dist, idx);
      }
    }
    return proven;
  }

  /**
   * Proves and writes the neighbours of point {@code i} from its candidates (local row {@code r} of
   * {@code t}), whose keys are within {@code err} of the true squared distances ({@link #prove}).
   *
   * @return whether the row was proven (and written)
   */
  private static boolean refineRow(
      Points points, int i, TopK t, int r, int k, double err, double[] dist, int[] idx) {
    int size = t.size(r);
    double[] key = new double[size];
    int[] id = new int[size];
    for (int e = 0; e < size; e++) {
      key[e] = t.key(r, e);
      id[e] = t.id(r, e);
    }
    sortByKey(key, id, size);
    int[] ids = id;
    return prove(
        key,
        id,
        size,
        e -> points.squaredDistance(i, ids[e]),
        k,
        err,
        t.bound(r),
        size == points.n() - 1,
        dist,
        idx,
        i * k);
  }

  /**
   * The proof of one row from its candidates sorted by key then index ({@code key}, {@code id}, the
   * first {@code size}), whose keys are within {@code err} of the true squared distances; every
   * point left out has a key of at least {@code bound}. Writes the k nearest (distances ascending,
   * ties by index) at {@code dist[at ..]}, {@code idx[at ..]} and returns true when proven.
   *
   * <p>Only candidates with a key up to the k-th key plus {@code 2·err} can be among the k nearest,
   * so only they need exact distances ({@code exactSq} of their position in key order). The k-th of
   * those is proven when no other point can be nearer: each key left out is at least {@code bound},
   * so such a point is at least {@code bound − err} away.
   *
   * @param allSeen whether the candidates are every other point (then nothing is left out)
   */
  static boolean prove(
      double[] key,
      int[] id,
      int size,
      java.util.function.IntToDoubleFunction exactSq,
      int k,
      double err,
      double bound,
      boolean allSeen,
      double[] dist,
      int[] idx,
      int at) {
    double reach = key[k - 1] + 2 * err;
    int m = k;
    while (m < size && key[m] <= reach) {
      m++;
    }
    double[] sq = new double[m];
    int[] near = java.util.Arrays.copyOf(id, m);
    for (int e = 0; e < m; e++) {
      sq[e] = exactSq.applyAsDouble(e);
    }
    sortByKey(sq, near, m);
    if (!allSeen && !(sq[k - 1] <= bound - err)) {
      return false;
    }
    for (int j = 0; j < k; j++) {
      dist[at + j] = Math.sqrt(sq[j]);
      idx[at + j] = near[j];
    }
    return true;
  }

  private static void bruteForce(Points points, int i, int k, double[] dist, int[] idx) {
    int n = points.n();
    double[] sq = new double[n - 1];
    int[] id = new int[n - 1];
    for (int j = 0, a = 0; j < n; j++) {
      if (j != i) {
        sq[a] = points.squaredDistance(i, j);
        id[a++] = j;
      }
    }
    Integer[] o = new Integer[n - 1];
    for (int e = 0; e < o.length; e++) {
      o[e] = e;
    }
    Arrays.sort(o, (a, b) -> sq[a] != sq[b] ? Double.compare(sq[a], sq[b]) : id[a] - id[b]);
    for (int j = 0; j < k; j++) {
      dist[i * k + j] = Math.sqrt(sq[o[j]]);
      idx[i * k + j] = id[o[j]];
    }
  }

  /** Sorts the first {@code m} of {@code key} ascending, then by {@code id}, moving ids along. */
  static void sortByKey(double[] key, int[] id, int m) {
    for (int a = 1; a < m; a++) {
      double kv = key[a];
      int iv = id[a];
      int b = a - 1;
      while (b >= 0 && (key[b] > kv || (key[b] == kv && id[b] > iv))) {
        key[b + 1] = key[b];
        id[b + 1] = id[b];
        b--;
      }
      key[b + 1] = kv;
      id[b + 1] = iv;
    }
  }

  private static void centred(Points p, double[] mean, int i, double[] out, int at) {
    int d = p.d();
    double[] v = p.values();
    for (int c = 0; c < d; c++) {
      out[at + c] = v[i * d + c] - mean[c];
    }
  }

  private static double centredSquaredNorm(Points p, double[] mean, int i) {
    int d = p.d();
    double[] v = p.values();
    double s = 0;
    for (int c = 0; c < d; c++) {
      double t = v[i * d + c] - mean[c];
      s += t * t;
    }
    return s;
  }

  /**
   * The factor {@code γ_d + 10u} (float32) that bounds a key's error relative to {@code |a|² +
   * max|b|²}.
   */
  static double float32Coefficient(int d) {
    return gamma(d, U32) + 10 * U32;
  }

  /** {@code γ_d = d·u / (1 − d·u)}, Higham's bound factor for a sum of {@code d} products. */
  static double gamma(int d, double u) {
    double du = d * u;
    if (du >= 0.5) {
      throw new IllegalArgumentException("dimension " + d + " too large for a rounding bound");
    }
    return du / (1 - du);
  }

  private static int[] failed(boolean[] proven) {
    int count = 0;
    for (boolean p : proven) {
      count += p ? 0 : 1;
    }
    int[] out = new int[count];
    for (int i = 0, a = 0; i < proven.length; i++) {
      if (!proven[i]) {
        out[a++] = i;
      }
    }
    return out;
  }

  /** Runs {@code body} for rows {@code 0 .. n} on {@code threads} threads, in chunks. */
  static void parallelRows(
      int n, int threads, String stage, Progress progress, java.util.function.IntConsumer body) {
    if (n == 0) {
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    int tasks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    int workers = Math.min(threads, tasks);
    ExecutorService pool = Executors.newFixedThreadPool(workers, daemonThreads(stage));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                    int end = Math.min(n, (t + 1) * ROWS_PER_TASK);
                    for (int i = t * ROWS_PER_TASK; i < end; i++) {
                      body.accept(i);
                    }
                    progress.report(stage, done.incrementAndGet(), tasks);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        get(f);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "scalinglab-" + name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The value of a finished task; a task's exception is rethrown as it was. */
  static <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the kNN workers", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("a kNN worker failed: " + cause, cause);
    }
  }
}
