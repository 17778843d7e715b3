package io.scalinglab.id.knn;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The {@code capacity} smallest keys seen so far for each of a run of consecutive rows, with the
 * index of the point each key belongs to: one bounded max-heap per row, so a row never has to be
 * sorted whole and a key that cannot enter is rejected by one comparison with the row's {@link
 * #bound}.
 *
 * <p>Entries are ordered by key, then by point index, so the set kept does not depend on the order
 * keys arrive in: merging partial lists from any number of tasks in any order gives the same
 * result. Serializable, to travel between Spark tasks.
 */
public final class TopK implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int firstRow;
  private final int rows;
  private final int capacity;
  private final double[] keys;
  private final int[] ids;
  private final int[] sizes;

  /** Empty lists for rows {@code firstRow .. firstRow+rows}, each keeping {@code capacity}. */
  public TopK(int firstRow, int rows, int capacity) {
    if (rows < 0 || capacity < 1 || (long) rows * capacity > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("rows " + rows + ", capacity " + capacity);
    }
    this.firstRow = firstRow;
    this.rows = rows;
    this.capacity = capacity;
    this.keys = new double[rows * capacity];
    this.ids = new int[rows * capacity];
    this.sizes = new int[rows];
  }

  /** The first row (a global point index). */
  public int firstRow() {
    return firstRow;
  }

  /** How many rows. */
  public int rows() {
    return rows;
  }

  /** How many entries each row keeps. */
  public int capacity() {
    return capacity;
  }

  /** How many entries local row {@code r} holds. */
  public int size(int r) {
    return sizes[r];
  }

  /**
   * The largest key kept for local row {@code r} once it is full, else +∞: a key above it cannot
   * enter, a key equal to it might (the point index decides).
   */
  public double bound(int r) {
    return sizes[r] < capacity ? Double.POSITIVE_INFINITY : keys[r * capacity];
  }

  /**
   * Offers point {@code id} at {@code key} to local row {@code r}.
   *
   * @return the row's {@link #bound} afterwards
   */
  public double offer(int r, double key, int id) {
    int base = r * capacity;
    int n = sizes[r];
    if (n < capacity) {
      siftUp(base, n, key, id);
      sizes[r] = n + 1;
      return n + 1 < capacity ? Double.POSITIVE_INFINITY : keys[base];
    }
    if (greater(keys[base], ids[base], key, id)) {
      siftDown(base, key, id);
    }
    return keys[base];
  }

  /** Adds every entry of {@code other}, which must cover the same rows. */
  public void merge(TopK other) {
    if (other.firstRow != firstRow || other.rows != rows || other.capacity != capacity) {
      throw new IllegalArgumentException(
          "cannot merge rows "
              + other.firstRow
              + "+"
              + other.rows
              + " (capacity "
              + other.capacity
              + ") into rows "
              + firstRow
              + "+"
              + rows
              + " (capacity "
              + capacity
              + ")");
    }
    for (int r = 0; r < rows; r++) {
      int base = r * capacity;
      for (int e = 0; e < other.sizes[r]; e++) {
        offer(r, other.keys[base + e], other.ids[base + e]);
      }
    }
  }

  /** Key {@code e} (heap order, {@code e < size(r)}) of local row {@code r}. */
  public double key(int r, int e) {
    return keys[r * capacity + e];
  }

  /** Point index {@code e} (heap order, {@code e < size(r)}) of local row {@code r}. */
  public int id(int r, int e) {
    return ids[r * capacity + e];
  }

  /** The point indices held for local row {@code r}, in no particular order (a copy). */
  public int[] ids(int r) {
    return Arrays.copyOfRange(ids, r * capacity, r * capacity + sizes[r]);
  }

  private static boolean greater(double k1, int i1, double k2, int i2) {
    return k1 > k2 || (k1 == k2 && i1 > i2);
  }

  private void siftUp(int base, int at, double key, int id) {
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!greater(key, id, keys[base + parent], ids[base + parent])) {
        break;
      }
      keys[base + at] = keys[base + parent];
      ids[base + at] = ids[base + parent];
      at = parent;
    }
    keys[base + at] = key;
    ids[base + at] = id;
  }

  private void siftDown(int base, double key, int id) {
    int at = 0;
    int n = capacity;
    while (true) {
      int child = 2 * at + 1;
      if (child >= n) {
        break;
      }
      int right = child + 1;
      if (right < n
          && greater(
              keys[base + right], ids[base + right], keys[base + child], ids[base + child])) {
        child = right;
      }
      if (!greater(keys[base + child], ids[base + child], key, id)) {
        break;
      }
      keys[base + at] = keys[base + child];
      ids[base + at] = ids[base + child];
      at = child;
    }
    keys[base + at] = key;
    ids[base + at] = id;
  }
}
