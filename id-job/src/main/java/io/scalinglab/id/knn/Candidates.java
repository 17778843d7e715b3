package io.scalinglab.id.knn;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The candidate neighbours of a run of consecutive rows, each with its float32 key and its exact
 * float64 squared distance: what a distributed search's tasks send to be merged per point. Each row
 * keeps at most {@code capacity} entries, sorted by key then point index, so merging partial lists
 * in any order gives the same list, as merging {@link TopK} heaps does.
 */
public final class Candidates implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int firstRow;
  private final int rows;
  private final int capacity;
  private final int[] sizes;
  private final double[] keys;
  private final int[] ids;
  private final double[] exact;

  private Candidates(int firstRow, int rows, int capacity) {
    this.firstRow = firstRow;
    this.rows = rows;
    this.capacity = capacity;
    this.sizes = new int[rows];
    this.keys = new double[rows * capacity];
    this.ids = new int[rows * capacity];
    this.exact = new double[rows * capacity];
  }

  /** Exact squared distances between a row of a list and a candidate of it. */
  @FunctionalInterface
  public interface ExactSquares {
    /** The exact squared distance between global rows {@code row} and {@code id}. */
    double of(int row, int id);
  }

  /**
   * The entries of {@code top}, sorted, each with its exact squared distance from {@code exact}.
   */
  public static Candidates of(TopK top, ExactSquares exact) {
    Candidates c = new Candidates(top.firstRow(), top.rows(), top.capacity());
    for (int r = 0; r < top.rows(); r++) {
      int size = top.size(r);
      int base = r * c.capacity;
      double[] key = new double[size];
      int[] id = new int[size];
      for (int e = 0; e < size; e++) {
        key[e] = top.key(r, e);
        id[e] = top.id(r, e);
      }
      Refine.sortByKey(key, id, size);
      System.arraycopy(key, 0, c.keys, base, size);
      System.arraycopy(id, 0, c.ids, base, size);
      for (int e = 0; e < size; e++) {
        c.exact[base + e] = exact.of(top.firstRow() + r, id[e]);
      }
      c.sizes[r] = size;
    }
    return c;
  }

  /**
   * One row's exact neighbours as a list whose keys are the exact squared distances themselves (the
   * brute-force pass), {@code size} entries already sorted by distance then index.
   */
  public static Candidates exactRow(int row, int capacity, double[] sq, int[] id, int size) {
    Candidates c = new Candidates(row, 1, capacity);
    int m = Math.min(size, capacity);
    System.arraycopy(sq, 0, c.keys, 0, m);
    System.arraycopy(sq, 0, c.exact, 0, m);
    System.arraycopy(id, 0, c.ids, 0, m);
    c.sizes[0] = m;
    return c;
  }

  /**
   * The {@code k} points of {@code block} nearest to global row {@code row} (whose values are
   * {@code q}), by exact squared distance then index, the row itself left out: one task's share of
   * the brute-force pass for rows the float32 candidates could not prove.
   */
  public static Candidates nearestIn(PointBlock block, int row, double[] q, int k) {
    TopK top = new TopK(row, 1, k);
    int d = block.dim();
    double bound = Double.POSITIVE_INFINITY;
    for (int r = 0; r < block.rows(); r++) {
      int id = block.firstRow() + r;
      if (id != row) {
        double sq = Points.squaredDistance(q, 0, block.values(), r * d, d);
        if (sq <= bound) {
          bound = top.offer(0, sq, id);
        }
      }
    }
    int size = top.size(0);
    double[] sq = new double[size];
    int[] id = new int[size];
    for (int e = 0; e < size; e++) {
      sq[e] = top.key(0, e);
      id[e] = top.id(0, e);
    }
    Refine.sortByKey(sq, id, size);
    return exactRow(row, k, sq, id, size);
  }

  /** The first row (a global point index). */
  public int firstRow() {
    return firstRow;
  }

  /** How many rows. */
  public int rows() {
    return rows;
  }

  /** How many entries local row {@code r} holds. */
  public int size(int r) {
    return sizes[r];
  }

  /** The point index of entry {@code e} of local row {@code r}, in key order. */
  public int id(int r, int e) {
    return ids[r * capacity + e];
  }

  /** The exact squared distance of entry {@code e} of local row {@code r}, in key order. */
  public double exact(int r, int e) {
    return exact[r * capacity + e];
  }

  /**
   * The smallest key a point left out of local row {@code r} can have: the largest kept once the
   * row is full, else +∞ (every point offered was kept).
   */
  public double bound(int r) {
    return sizes[r] < capacity ? Double.POSITIVE_INFINITY : keys[r * capacity + capacity - 1];
  }

  /** The lists of both, each row cut to {@code capacity}; the rows and capacity must match. */
  public static Candidates merge(Candidates a, Candidates b) {
    if (a.firstRow != b.firstRow || a.rows != b.rows || a.capacity != b.capacity) {
      throw new IllegalArgumentException(
          "cannot merge rows " + b.firstRow + "+" + b.rows + " into " + a.firstRow + "+" + a.rows);
    }
    Candidates c = new Candidates(a.firstRow, a.rows, a.capacity);
    for (int r = 0; r < a.rows; r++) {
      int base = r * a.capacity;
      int i = 0;
      int j = 0;
      int o = 0;
      while (o < a.capacity && (i < a.sizes[r] || j < b.sizes[r])) {
        boolean takeA =
            j >= b.sizes[r]
                || (i < a.sizes[r]
                    && (a.keys[base + i] < b.keys[base + j]
                        || (a.keys[base + i] == b.keys[base + j]
                            && a.ids[base + i] < b.ids[base + j])));
        Candidates from = takeA ? a : b;
        int at = base + (takeA ? i++ : j++);
        c.keys[base + o] = from.keys[at];
        c.ids[base + o] = from.ids[at];
        c.exact[base + o] = from.exact[at];
        o++;
      }
      c.sizes[r] = o;
    }
    return c;
  }

  /**
   * Proves local row {@code r}'s k nearest neighbours from its entries (see {@link ExactKnn}) and
   * writes them at {@code dist[at ..]}, {@code idx[at ..]}.
   *
   * @param err the bound on a key's error for this row
   * @param points how many points the whole set has (a row that saw every other point is proven)
   * @return whether the row was proven
   */
  public boolean prove(int r, int k, double err, int points, double[] dist, int[] idx, int at) {
    int base = r * capacity;
    int size = sizes[r];
    double[] key = Arrays.copyOfRange(keys, base, base + size);
    int[] id = Arrays.copyOfRange(ids, base, base + size);
    return Refine.prove(
        key, id, size, e -> exact[base + e], k, err, bound(r), size == points - 1, dist, idx, at);
  }
}
