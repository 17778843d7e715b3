package io.scalinglab.id.knn;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The matrix products of the kNN search, on OpenBLAS through JavaCPP: {@code C = A·Bᵀ} for
 * row-major blocks of points, in float32 ({@code sgemm}) and float64 ({@code dgemm}).
 *
 * <p>The search runs one product per worker thread, so OpenBLAS itself must run each call on one
 * thread, or the threads would fight over the cores. The thread count is a setting of the whole
 * native library (nd4j-native loads the same one), so {@link #singleThreaded()} lowers it for the
 * duration of a search and puts it back when the last search in the JVM ends.
 */
public final class Blas {
  private static final Object LOCK = new Object();
  private static int users;
  private static int savedThreads;

  private Blas() {}

  /**
   * {@code c[0 .. m·n) = a[aRow·k ..]·b[bRow·k ..]ᵀ}: rows {@code aRow .. aRow+m} of {@code a}
   * times the transpose of rows {@code bRow .. bRow+n} of {@code b}, both with {@code k} columns;
   * {@code c} is {@code m × n} row-major.
   */
  public static void sgemmNt(
      int m, int n, int k, FloatPointer a, long aRow, FloatPointer b, long bRow, FloatPointer c) {
    FloatPointer av = new FloatPointer(a).position(a.position() + aRow * k);
    FloatPointer bv = new FloatPointer(b).position(b.position() + bRow * k);
    openblas_nolapack.cblas_sgemm(
        openblas_nolapack.CblasRowMajor,
        openblas_nolapack.CblasNoTrans,
        openblas_nolapack.CblasTrans,
        m,
        n,
        k,
        1f,
        av,
        k,
        bv,
        k,
        0f,
        c,
        n);
  }

  /** As {@link #sgemmNt} in float64. */
  public static void dgemmNt(
      int m,
      int n,
      int k,
      DoublePointer a,
      long aRow,
      DoublePointer b,
      long bRow,
      DoublePointer c) {
    DoublePointer av = new DoublePointer(a).position(a.position() + aRow * k);
    DoublePointer bv = new DoublePointer(b).position(b.position() + bRow * k);
    openblas_nolapack.cblas_dgemm(
        openblas_nolapack.CblasRowMajor,
        openblas_nolapack.CblasNoTrans,
        openblas_nolapack.CblasTrans,
        m,
        n,
        k,
        1.0,
        av,
        k,
        bv,
        k,
        0.0,
        c,
        n);
  }

  /**
   * {@code c = aᵀ·a} (or {@code c += aᵀ·a} when {@code accumulate}) for a row-major {@code m × k}
   * matrix {@code a} (float64): the {@code k × k} Gram matrix of its columns, row-major.
   */
  public static void dgramColumns(int m, int k, double[] a, double[] c, boolean accumulate) {
    openblas_nolapack.cblas_dgemm(
        openblas_nolapack.CblasRowMajor,
        openblas_nolapack.CblasTrans,
        openblas_nolapack.CblasNoTrans,
        k,
        k,
        m,
        1.0,
        a,
        k,
        a,
        k,
        accumulate ? 1.0 : 0.0,
        c,
        k);
  }

  /**
   * Sets OpenBLAS to one thread per call until the returned handle is closed; nests and may be held
   * by several threads at once, the last close restoring the count found by the first.
   */
  public static SingleThreaded singleThreaded() {
    synchronized (LOCK) {
      if (users++ == 0) {
        savedThreads = openblas_nolapack.blas_get_num_threads();
        openblas_nolapack.blas_set_num_threads(1);
      }
    }
    return new SingleThreaded();
  }

  /** The OpenBLAS thread count now (for tests and the benchmark's report). */
  public static int threads() {
    return openblas_nolapack.blas_get_num_threads();
  }

  /** A hold on one-thread OpenBLAS; closing it more than once is harmless. */
  public static final class SingleThreaded implements AutoCloseable {
    private boolean open = true;

    private SingleThreaded() {}

    @Override
    public void close() {
      synchronized (LOCK) {
        if (open) {
          open = false;
          if (--users == 0) {
            openblas_nolapack.blas_set_num_threads(savedThreads);
          }
        }
      }
    }
  }
}
