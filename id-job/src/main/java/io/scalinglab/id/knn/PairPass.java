package io.scalinglab.id.knn;

import static java.util.Objects.requireNonNull;

import io.scalinglab.id.knn.PairKernel.Block;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The float32 pass of {@link ExactKnn} over the block pairs one task is given, on one thread: each
 * block is centred on the search's mean and rounded to float32 once, each pair {@code I ≤ J} is one
 * matrix product ({@link PairKernel}), and at the end every touched block's candidates are handed
 * out with their exact squared distances, computed from the blocks this task holds (a candidate of
 * a row always comes from a block paired with the row's block here). So the merge and the proof can
 * run anywhere, without the coordinates.
 *
 * <pre>{@code
 * try (PairPass pass = new PairPass(mean, blockRows, capacity)) {
 *   pass.pair(a, b);            // any number of pairs, a.index() <= b.index()
 *   List<Candidates> out = pass.finish();
 * }
 * }</pre>
 */
public final class PairPass implements AutoCloseable {
  private final double[] mean;
  private final int dim;
  private final int capacity;
  private final PairKernel kernel;
  private final Blas.SingleThreaded single;
  private final Map<Integer, Block> loaded = new LinkedHashMap<>();
  private final Map<Integer, PointBlock> sources = new LinkedHashMap<>();
  private final Map<Integer, TopK> tops = new LinkedHashMap<>();
  private final List<FloatPointer> owned = new ArrayList<>();
  private long pairs;

  /**
   * A pass for points centred on {@code mean}, in blocks of at most {@code blockRows}, keeping
   * {@code capacity} candidates per point ({@link ExactKnn#candidates}).
   */
  public PairPass(double[] mean, int blockRows, int capacity) {
    this.mean = requireNonNull(mean, "mean");
    this.dim = mean.length;
    this.capacity = capacity;
    this.single = Blas.singleThreaded();
    this.kernel = new PairKernel(dim, blockRows);
  }

  /** Computes the pair {@code a}, {@code b} ({@code a.index() <= b.index()}). */
  public void pair(PointBlock a, PointBlock b) {
    if (a.index() > b.index()) {
      throw new IllegalArgumentException("pair " + a.index() + " > " + b.index());
    }
    Block na = load(a);
    Block nb = a.index() == b.index() ? na : load(b);
    kernel.pair(na, nb, top(na), top(nb));
    pairs++;
  }

  /** How many pairs were computed. */
  public long pairs() {
    return pairs;
  }

  /** The candidates of every block a pair touched, with their exact squared distances. */
  public List<Candidates> finish() {
    List<Candidates> out = new ArrayList<>(tops.size());
    int blockRows = kernel.maxRows();
    for (TopK t : tops.values()) {
      PointBlock rows = sources.get(t.firstRow() / blockRows);
      out.add(
          Candidates.of(
              t,
              (row, id) -> {
                PointBlock other = sources.get(id / blockRows);
                return Points.squaredDistance(
                    rows.values(),
                    (row - rows.firstRow()) * dim,
                    other.values(),
                    (id - other.firstRow()) * dim,
                    dim);
              }));
    }
    return out;
  }

  @Override
  public void close() {
    kernel.close();
    owned.forEach(FloatPointer::close);
    single.close();
  }

  private Block load(PointBlock b) {
    Block block = loaded.get(b.index());
    if (block == null) {
      if (b.dim() != dim) {
        throw new IllegalArgumentException("block " + b.index() + " has " + b.dim() + " columns");
      }
      FloatPointer p = new FloatPointer((long) b.rows() * dim);
      owned.add(p);
      float[] coords = new float[b.rows() * dim];
      float[] row = new float[dim];
      float[] norms = new float[b.rows()];
      for (int r = 0; r < b.rows(); r++) {
        norms[r] = (float) ExactKnn.centredRow(b.values(), r * dim, mean, row);
        System.arraycopy(row, 0, coords, r * dim, dim);
      }
      p.put(coords, 0, coords.length).position(0);
      block = new Block(b.index(), b.firstRow(), b.rows(), p, 0, norms);
      loaded.put(b.index(), block);
      sources.put(b.index(), b);
    }
    return block;
  }

  private TopK top(Block b) {
    return tops.computeIfAbsent(b.index(), i -> new TopK(b.firstRow(), b.rows(), capacity));
  }
}
