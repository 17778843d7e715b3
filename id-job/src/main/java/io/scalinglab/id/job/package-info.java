/**
 * The Spark side of id-job, thin adapters around the pure code: the neighbour search with the
 * points partitioned on the executors ({@link io.scalinglab.id.job.PartitionedKnn}), the MLE over
 * its result ({@link io.scalinglab.id.job.PartitionedMle}), the same search as an engine for points
 * the driver holds ({@link io.scalinglab.id.job.SparkKnn}), reading vectors from {@code .npy} and
 * Parquet ({@link io.scalinglab.id.job.Inputs}) and a sweep's activations from the store ({@link
 * io.scalinglab.id.job.Activations}), and the sweep job that writes {@code id/<run-id>.json} and
 * the estimate and ablation tables ({@link io.scalinglab.id.job.IdJob}).
 */
package io.scalinglab.id.job;
