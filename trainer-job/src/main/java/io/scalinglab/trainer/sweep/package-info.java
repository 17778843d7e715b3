/**
 * Scaling sweeps on Spark: one driver ({@link io.scalinglab.trainer.sweep.SweepJob}) for every kind
 * of sweep ({@link io.scalinglab.trainer.sweep.SweepKind}: GPTs on a corpus, {@link
 * io.scalinglab.trainer.sweep.CorpusSweep}, or the testbed's regressors), one Spark task per run,
 * with a lock on the sweep folder, progress and Prometheus gauges on the driver, and a results
 * table of every run.
 */
package io.scalinglab.trainer.sweep;
