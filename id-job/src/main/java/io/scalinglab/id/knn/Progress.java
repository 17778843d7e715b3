package io.scalinglab.id.knn;

/**
 * A listener for long computations: {@code done} of {@code total} units of {@code stage} are
 * finished. Called from worker threads, so implementations must be thread-safe; they should also be
 * cheap, since a search may report often.
 */
@FunctionalInterface
public interface Progress {
  /** A listener that ignores every report. */
  Progress NONE = (stage, done, total) -> {};

  /** Reports that {@code done} of {@code total} units of {@code stage} are finished. */
  void report(String stage, long done, long total);
}
