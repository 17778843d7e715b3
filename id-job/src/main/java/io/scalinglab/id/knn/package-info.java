/**
 * Exact k-nearest neighbours: the points' preparation for a metric ({@link
 * io.scalinglab.id.knn.Preprocess}), the blocked float32 search on OpenBLAS with its float64 proof
 * ({@link io.scalinglab.id.knn.ExactKnn}), and the pieces a distributed search reuses (bounded
 * per-point heaps, {@link io.scalinglab.id.knn.TopK}). No Spark or Hadoop types and no I/O.
 */
package io.scalinglab.id.knn;
