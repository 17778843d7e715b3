package io.scalinglab.trainer.sweep;

import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * What a sweep did.
 *
 * @param dir the sweep folder, holding sweep.json, results.csv and results.parquet
 * @param total runs in the sweep
 * @param finishedEarlier runs finished by an earlier submission, skipped
 * @param trained runs trained or resumed by this submission that finished
 * @param diverged runs whose loss stopped being finite (they count as finished)
 * @param failures one line per failed run (run id: why); empty if none failed
 * @param seconds wall time of the sweep
 */
public record SweepResult(
    Path dir,
    int total,
    int finishedEarlier,
    int trained,
    int diverged,
    List<String> failures,
    double seconds) {

  public SweepResult {
    failures = List.copyOf(failures);
  }

  public boolean failed() {
    return !failures.isEmpty();
  }
}
