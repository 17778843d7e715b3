/**
 * Scaling sweeps on Spark: a sweep config expanded into runs, one Spark task per run, with a lock
 * on the sweep folder, progress on the driver, and a results table of every run.
 */
package io.scalinglab.trainer.sweep;
