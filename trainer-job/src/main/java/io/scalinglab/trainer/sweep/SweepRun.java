package io.scalinglab.trainer.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.Path;

/**
 * One planned run of a sweep as the driver schedules and tracks it, whatever it trains: its id, the
 * config a task resolves it from, its folder, and the figures the driver's progress and ETA need.
 */
public interface SweepRun {
  String runId();

  /** The run's own resolved config, from which a task resolves the same run. */
  String configJson();

  /** Where the run writes {@code result.json} and {@code progress.json}. */
  Path runDir();

  /** The model's parameters: a sweep may submit its largest runs first. */
  long parameters();

  /** Tokens (or samples) per optimizer step, for the driver's ETA. */
  long workPerStep();

  /** The run's step cap. */
  int maxSteps();

  /** Adds what {@code sweep.json} says of this run besides id, status and steps. */
  void describe(ObjectNode entry);
}
