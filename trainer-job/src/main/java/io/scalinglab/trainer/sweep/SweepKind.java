package io.scalinglab.trainer.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.spark.Tables.Column;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.Function;

/**
 * What makes one kind of sweep different for {@link SweepJob}, the one driver of every sweep: its
 * runs, the Spark task that trains one, the order they are submitted in, and the columns and rows
 * of its results table. A corpus sweep ({@link CorpusSweep}) trains GPTs on a prepared dataset; a
 * testbed sweep (the {@code testbed} package) trains regressors on manifolds of known dimension.
 *
 * @param <R> the kind's planned run
 */
public interface SweepKind<R extends SweepRun> {
  /** How the progress lines name the sweep: "sweep" or "testbed sweep". */
  String noun();

  /** The runs, in the order of the results table. */
  List<R> runs();

  /** The order runs are submitted in (the cluster's slots take them in it). */
  Comparator<R> submitOrder();

  /** The first line the driver prints: what the sweep holds, before {@code finished earlier}. */
  String describe();

  /** Adds the sweep's own fields (dataset, tokenizer, ...) to {@code sweep.json}. */
  void header(ObjectNode sweepJson);

  /** The Spark task that trains one run from its config JSON and returns its result.json. */
  Function<String, String> task(HadoopConf hadoop, String sweep);

  /** The columns of {@code results.csv} and {@code results.parquet}. */
  List<Column> columns();

  /**
   * One row of the results table.
   *
   * @param status the run's status as the driver knows it
   * @param reason why it stopped early or failed, or null
   * @param step the last step it reported
   * @param result its result.json, or null while unfinished
   */
  Object[] row(R run, String status, String reason, int step, JsonNode result);
}
