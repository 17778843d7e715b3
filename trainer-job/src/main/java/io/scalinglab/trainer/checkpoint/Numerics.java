package io.scalinglab.trainer.checkpoint;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.error.InputException;
import io.scalinglab.trainer.model.GptKernel;
import io.scalinglab.trainer.model.LanguageModel;
import io.scalinglab.trainer.train.Backends;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * What decides a run's rounding beyond the settings its id hashes: the engine, the kernel's
 * element-wise implementation, the thread count (the kernel's data-parallel shards, the SameDiff
 * graph's native threads), the Spark tasks that train the run together ({@code
 * train.data-parallel}), the data type and the backend. Two runs of one id with the same numerics
 * compute the same bits; with other numerics they agree only to rounding, so a checkpoint records
 * its numerics and a resume with other numerics is refused ({@link #checkResume}) rather than
 * finishing a run on arithmetic it did not start with.
 *
 * <p>Keys are the config keys a user changes ({@code model.engine}, {@code model.kernel-ops},
 * {@code train.threads}, {@code train.data-parallel}), then {@code dtype} and {@code backend},
 * which follow from the build.
 *
 * @param values the fingerprint by key, in the order above
 */
public record Numerics(Map<String, Object> values) {
  public Numerics {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The numerics of {@code model} trained with {@code threads} threads on this JVM's backend. */
  public static Numerics of(LanguageModel model, int threads) {
    return of(model, threads, 1);
  }

  /**
   * The numerics of {@code model} trained by {@code dataParallel} tasks ({@code
   * train.data-parallel}) of {@code threads} threads each on this JVM's backend.
   */
  public static Numerics of(LanguageModel model, int threads, int dataParallel) {
    requireNonNull(model, "model");
    Map<String, Object> v = new LinkedHashMap<>();
    if (model instanceof GptKernel k) {
      v.put("model.engine", "kernel");
      v.put("model.kernel-ops", k.opsName());
    } else {
      v.put("model.engine", "samediff");
      v.put("model.kernel-ops", "none");
    }
    v.put("train.threads", threads);
    v.put("train.data-parallel", dataParallel);
    v.put("dtype", "float32");
    v.put("backend", Backends.cuda() ? "cuda" : "cpu");
    return new Numerics(v);
  }

  /** The numerics of a model that is not a GPT (the testbed's regressor): threads and backend. */
  public static Numerics ofThreads(String engine, int threads) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("model.engine", engine);
    v.put("train.threads", threads);
    v.put("dtype", "float32");
    v.put("backend", Backends.cuda() ? "cuda" : "cpu");
    return new Numerics(v);
  }

  /**
   * Refuses to resume from a checkpoint whose numerics ({@code saved}, its {@code state.json}'s
   * {@code numerics}, or null for a checkpoint written before they were recorded) differ from
   * these.
   *
   * @throws InputException naming each key, the checkpoint's value and this attempt's, and what to
   *     do
   */
  public void checkResume(Object saved, String runId, int step, Path runDir) {
    if (!(saved instanceof Map<?, ?> was)) {
      return; // an older checkpoint: nothing to compare with
    }
    List<String> differ = new ArrayList<>();
    List<String> fix = new ArrayList<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Object then = was.get(e.getKey());
      if (then != null && !String.valueOf(then).equals(String.valueOf(e.getValue()))) {
        differ.add(e.getKey() + " = " + then + " there, " + e.getValue() + " now");
        if (e.getKey().contains(".")) {
          fix.add("--set " + e.getKey() + "=" + then);
        }
      }
    }
    if (differ.isEmpty()) {
      return;
    }
    throw InputException.of(
        runDir.toString(),
        "run "
            + runId
            + " has a checkpoint at step "
            + step
            + " computed with other numerics ("
            + String.join("; ", differ)
            + "): resuming would finish it on arithmetic it did not start with",
        (fix.isEmpty()
                ? "Resume it where it was started"
                : "Resume it with "
                    + String.join(" ", fix)
                    + (fix.stream().anyMatch(f -> f.startsWith("--set train.threads="))
                        ? " (in a sweep, train.threads is spark.task.cpus)"
                        : ""))
            + ", or delete "
            + runDir
            + " to train it afresh with these settings");
  }
}
