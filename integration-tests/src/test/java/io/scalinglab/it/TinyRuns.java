package io.scalinglab.it;

import java.util.List;

/**
 * The training settings of the integration tests' tiny runs: a 2-head model on 32-token windows,
 * batches of 4, an evaluation and a checkpoint every 4 steps, a handful of activations, and a sweep
 * progress line every second. A run of 12 steps takes about a second on one core.
 */
final class TinyRuns {
  private TinyRuns() {}

  /** The settings for runs of {@code steps} steps (a multiple of 4 ends on a checkpoint). */
  static List<String> settings(int steps) {
    return List.of(
        "model.n-head=2",
        "model.block-size=32",
        "train.batch-size=4",
        "train.max-steps=" + steps,
        "train.decay-steps=" + steps,
        "train.warmup-steps=2",
        "train.eval-interval=4",
        "train.eval-batches=2",
        "train.checkpoint-interval=4",
        "train.log-interval=100",
        "train.activations.documents=4",
        "train.activations.per-document=4",
        "sweep.progress-interval=1");
  }
}
