package io.scalinglab.trainer.sweep;

import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.store.Json;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.parallel.BarrierRun;
import io.scalinglab.trainer.train.RunResult;
import io.scalinglab.trainer.train.RunSpec;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab train} with {@code train.data-parallel} W > 1: the one run as a barrier stage
 * of W tasks on {@code spark}, each task a sweep's {@link RunTask} (with {@code spark.task.cpus}
 * threads), rank 0 printing the progress lines and writing the run's files.
 */
public final class DataParallelTrain {
  private DataParallelTrain() {}

  /** Trains (or resumes, or finds finished) the run {@code config} describes; its result. */
  public static RunResult run(
      SparkSession spark, ScalinglabConfig config, ResultsStore store, Consumer<String> log) {
    RunSpec spec = RunSpec.resolve(config, store);
    int w = spec.dataParallel();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    RunTask task =
        new RunTask(
            new HadoopConf(store.hadoopConf()),
            config.train().sweep(),
            config.dataset().name(),
            true);
    try {
      String json =
          BarrierRun.submit(jsc, spec.runId(), config.toJson(), w, task, log).get().get(0);
      return RunResult.fromJson(Json.MAPPER.readTree(json));
    } catch (ExecutionException e) {
      throw new ScalinglabException(
          BarrierRun.explain(
              SweepJob.failureMessage(e.getCause() == null ? e : e.getCause()),
              spec.runId(),
              w,
              jsc.sc()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ScalinglabException("interrupted while the run trained; run it again to resume");
    } catch (IOException e) {
      throw new ScalinglabException("unreadable result of run " + spec.runId() + ": " + e);
    }
  }
}
