package io.scalinglab.id.knn;

import org.bytedeco.javacpp.FloatPointer;

/**
 * The work of one pair of blocks: the float32 matrix product of their points, turned into squared
 * distances with the norms computed once per point ({@code |a−b|² = |a|² + |b|² − 2a·b}), each
 * offered to both points' lists. A pair of distinct blocks updates the rows of both, so every pair
 * of points is computed once. One kernel per worker thread: it owns its product buffer.
 */
final class PairKernel implements AutoCloseable {
  private final int dim;
  private final int maxRows;
  private final FloatPointer product;
  private final float[] c;
  private final float[] columnBound;

  PairKernel(int dim, int maxRows) {
    this.dim = dim;
    this.maxRows = maxRows;
    this.product = new FloatPointer((long) maxRows * maxRows);
    this.c = new float[maxRows * maxRows];
    this.columnBound = new float[maxRows];
  }

  /**
   * Offers the approximate squared distances between the points of {@code a} and {@code b} to the
   * lists {@code ta} (rows of {@code a}) and {@code tb} (rows of {@code b}). For {@code a == b} the
   * pairs within the block are offered once each way, never a point to itself.
   */
  void pair(Block a, Block b, TopK ta, TopK tb) {
    if (a.rows() > maxRows || b.rows() > maxRows) {
      throw new IllegalArgumentException("block larger than " + maxRows + " rows");
    }
    int m = a.rows();
    int n = b.rows();
    Blas.sgemmNt(m, n, dim, a.data(), a.dataRow(), b.data(), b.dataRow(), product);
    product.position(0).get(c, 0, m * n);
    float[] na = a.norms();
    float[] nb = b.norms();
    boolean diagonal = a == b;
    // Keys are float32 distances, so the bounds are floats too: one float comparison per side.
    for (int col = 0; col < n; col++) {
      columnBound[col] = (float) tb.bound(col);
    }
    int bFirst = b.firstRow();
    int aFirst = a.firstRow();
    int r = 0;
    if (!diagonal) {
      // Two rows at a time share the loads of the column's norm and bound.
      for (; r + 1 < m; r += 2) {
        float n0 = na[r];
        float n1 = na[r + 1];
        float bound0 = (float) ta.bound(r);
        float bound1 = (float) ta.bound(r + 1);
        int base0 = r * n;
        int base1 = base0 + n;
        for (int col = 0; col < n; col++) {
          float nbc = nb[col];
          float cb = columnBound[col];
          float e0 = n0 + nbc - 2f * c[base0 + col];
          float e1 = n1 + nbc - 2f * c[base1 + col];
          if ((e0 <= bound0) | (e0 <= cb) | (e1 <= bound1) | (e1 <= cb)) {
            if (e0 <= bound0) {
              bound0 = (float) ta.offer(r, e0, bFirst + col);
            }
            if (e0 <= columnBound[col]) {
              columnBound[col] = (float) tb.offer(col, e0, aFirst + r);
            }
            if (e1 <= bound1) {
              bound1 = (float) ta.offer(r + 1, e1, bFirst + col);
            }
            if (e1 <= columnBound[col]) {
              columnBound[col] = (float) tb.offer(col, e1, aFirst + r + 1);
            }
          }
        }
      }
    }
    for (; r < m; r++) {
      float nr = na[r];
      float rowBound = (float) ta.bound(r);
      int base = r * n;
      int id = aFirst + r;
      for (int col = diagonal ? r + 1 : 0; col < n; col++) {
        float e = nr + nb[col] - 2f * c[base + col];
        boolean rowHit = e <= rowBound;
        boolean columnHit = e <= columnBound[col];
        // one well-predicted branch for the common case where neither list takes the point
        if (rowHit | columnHit) {
          if (rowHit) {
            rowBound = (float) ta.offer(r, e, bFirst + col);
          }
          if (columnHit) {
            columnBound[col] = (float) tb.offer(col, e, id);
          }
        }
      }
    }
  }

  /** The most rows a block may have. */
  int maxRows() {
    return maxRows;
  }

  @Override
  public void close() {
    product.close();
  }

  /**
   * A block of consecutive points: global rows {@code firstRow .. firstRow+rows}, whose float32
   * coordinates start at row {@code dataRow} of {@code data}, and their squared norms.
   */
  record Block(int index, int firstRow, int rows, FloatPointer data, long dataRow, float[] norms) {}
}
