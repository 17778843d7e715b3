/**
 * The sampling protocols that turn a set of vectors into a reported intrinsic dimension: the global
 * estimate with its bootstrap interval and k sweep, and the paper's batches ({@link
 * io.scalinglab.id.protocol.Estimation}), over a neighbour search that runs locally or on Spark
 * ({@link io.scalinglab.id.protocol.KnnEngine}). No I/O.
 */
package io.scalinglab.id.protocol;
