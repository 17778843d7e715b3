/**
 * Exact k-nearest neighbours: the points' preparation for a metric ({@link
 * io.scalinglab.id.knn.Preprocess}), the blocked float32 search on OpenBLAS with its float64 proof
 * ({@link io.scalinglab.id.knn.ExactKnn}), and the pieces a distributed search is built from
 * (blocks that travel, {@link io.scalinglab.id.knn.PointBlock}; one task's float32 pass, {@link
 * io.scalinglab.id.knn.PairPass}; candidates with exact distances, merged per point, {@link
 * io.scalinglab.id.knn.Candidates}; the proof per block, {@link
 * io.scalinglab.id.knn.NeighbourBlock}). No Spark or Hadoop types and no I/O.
 */
package io.scalinglab.id.knn;
