package io.scalinglab.id.knn;

import static java.util.Objects.requireNonNull;

import io.scalinglab.id.knn.PairKernel.Block;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The pieces of {@link ExactKnn} a distributed search is built from: blocks of centred float32
 * points that can travel to other machines, the float32 pass over a list of block pairs (one task's
 * share), and the proof and refinement on the merged candidate lists. The distributed search that
 * uses them gives exactly the neighbours {@link ExactKnn#search} gives.
 */
public final class BlockPairs {
  private BlockPairs() {}

  /**
   * A block of points ready for the float32 pass: rows {@code firstRow .. firstRow+rows} minus the
   * mean, rounded to float32, and their squared norms. Serializable.
   */
  public record BlockData(int index, int firstRow, int rows, int dim, float[] coords, float[] norms)
      implements Serializable {
    /** Checks the shapes. */
    public BlockData {
      requireNonNull(coords, "coords");
      requireNonNull(norms, "norms");
      if (coords.length != rows * dim || norms.length != rows) {
        throw new IllegalArgumentException("block " + index + " does not match its shape");
      }
    }
  }

  /** The blocks of {@code blockRows} points that {@link ExactKnn} would make of {@code points}. */
  public static List<BlockData> blocks(Points points, double[] mean, int blockRows) {
    int n = points.n();
    int d = points.d();
    List<BlockData> out = new ArrayList<>();
    float[] row = new float[d];
    for (int first = 0, j = 0; first < n; first += blockRows, j++) {
      int rows = Math.min(blockRows, n - first);
      float[] coords = new float[rows * d];
      float[] norms = new float[rows];
      for (int r = 0; r < rows; r++) {
        norms[r] = (float) ExactKnn.centredRow(points, mean, first + r, row);
        System.arraycopy(row, 0, coords, r * d, d);
      }
      out.add(new BlockData(j, first, rows, d, coords, norms));
    }
    return out;
  }

  /**
   * The float32 pass over {@code pairs} (each {I, J} with I ≤ J), on one thread: the partial
   * candidate lists of every block touched, by block index.
   *
   * @param blocks the block of an index (fetched once per block)
   * @param capacity candidates per point ({@link ExactKnn#candidates})
   */
  public static Map<Integer, TopK> compute(
      List<int[]> pairs, IntFunction<BlockData> blocks, int blockRows, int capacity) {
    Map<Integer, Block> nativeBlocks = new LinkedHashMap<>();
    Map<Integer, TopK> tops = new LinkedHashMap<>();
    List<FloatPointer> owned = new ArrayList<>();
    if (pairs.isEmpty()) {
      return tops;
    }
    int dim = blocks.apply(pairs.get(0)[0]).dim();
    Blas.SingleThreaded single = Blas.singleThreaded();
    try (PairKernel kernel = new PairKernel(dim, blockRows)) {
      for (int[] pair : pairs) {
        Block a = load(pair[0], blocks, nativeBlocks, owned);
        Block b = pair[1] == pair[0] ? a : load(pair[1], blocks, nativeBlocks, owned);
        kernel.pair(a, b, top(tops, a, capacity), top(tops, b, capacity));
      }
    } finally {
      single.close();
      owned.forEach(FloatPointer::close);
    }
    return tops;
  }

  /**
   * The exact neighbours from the merged candidate lists of every block ({@code merged[j]} for
   * block {@code j}), as {@link ExactKnn#search} finishes its own.
   *
   * @param pairs how many block pairs the float32 pass computed (for the statistics)
   * @param startNanos when the search began ({@link System#nanoTime})
   */
  public static Neighbours finish(
      Points points,
      double[] mean,
      TopK[] merged,
      int blockRows,
      int k,
      ExactKnn.Options options,
      long pairs,
      long startNanos,
      Progress progress) {
    ExactKnn.checkK(points.n(), k);
    return Refine.finish(
        points,
        mean,
        merged,
        blockRows,
        k,
        ExactKnn.candidates(k, points.n()),
        options.threads(),
        pairs,
        startNanos,
        progress);
  }

  private static Block load(
      int index,
      IntFunction<BlockData> blocks,
      Map<Integer, Block> loaded,
      List<FloatPointer> own) {
    Block b = loaded.get(index);
    if (b == null) {
      BlockData data = blocks.apply(index);
      FloatPointer p = new FloatPointer((long) data.rows() * data.dim());
      own.add(p);
      p.put(data.coords(), 0, data.coords().length).position(0);
      b = new Block(index, data.firstRow(), data.rows(), p, 0, data.norms());
      loaded.put(index, b);
    }
    return b;
  }

  private static TopK top(Map<Integer, TopK> tops, Block b, int capacity) {
    return tops.computeIfAbsent(b.index(), i -> new TopK(b.firstRow(), b.rows(), capacity));
  }
}
