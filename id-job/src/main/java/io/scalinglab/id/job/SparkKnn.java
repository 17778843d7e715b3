package io.scalinglab.id.job;

import static java.util.Objects.requireNonNull;

import io.scalinglab.id.knn.BlockPairs;
import io.scalinglab.id.knn.BlockPairs.BlockData;
import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.Neighbours;
import io.scalinglab.id.knn.Points;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.knn.TopK;
import io.scalinglab.id.protocol.KnnEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The exact neighbour search distributed over Spark: the points are cut into blocks, each block is
 * broadcast once (an executor fetches only the blocks its tasks use), the pairs of blocks are split
 * into tasks that each run the float32 pass on one core ({@link BlockPairs#compute}), and the
 * partial candidate lists are merged per block, hence per point, by {@code reduceByKey}. The driver
 * then proves and refines the merged candidates exactly as the single-JVM search does, so both
 * return the same neighbours.
 */
public final class SparkKnn implements KnnEngine {
  private final SparkSession spark;
  private final int blockRows;
  private final int driverThreads;

  /**
   * A search on {@code spark}'s executors, in blocks of {@code blockRows} points, refining on
   * {@code driverThreads} threads of the driver.
   */
  public SparkKnn(SparkSession spark, int blockRows, int driverThreads) {
    this.spark = requireNonNull(spark, "spark");
    this.blockRows = blockRows;
    this.driverThreads = driverThreads;
  }

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public Neighbours search(Points points, int k, Progress progress) {
    requireNonNull(points, "points");
    requireNonNull(progress, "progress");
    long t0 = System.nanoTime();
    if (k < 1 || points.n() <= k) {
      // the same message as the local search
      return ExactKnn.search(points, k, new ExactKnn.Options(1, blockRows), progress);
    }
    double[] mean = points.mean();
    List<BlockData> blocks = BlockPairs.blocks(points, mean, blockRows);
    List<int[]> pairs = ExactKnn.pairs(blocks.size());
    int capacity = ExactKnn.candidates(k, points.n());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Broadcast<BlockData>> shared = new ArrayList<>();
    for (BlockData b : blocks) {
      shared.add(jsc.broadcast(b));
    }
    List<List<int[]>> tasks = split(pairs, Math.max(1, 2 * jsc.defaultParallelism()));
    AtomicInteger finished = new AtomicInteger();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            progress.report("knn tasks", finished.incrementAndGet(), tasks.size());
          }
        };
    spark.sparkContext().addSparkListener(listener);
    int rows = blockRows;
    Map<Integer, TopK> merged;
    try {
      merged =
          jsc.parallelize(tasks, tasks.size())
              .flatMapToPair(
                  group ->
                      BlockPairs.compute(group, i -> shared.get(i).value(), rows, capacity)
                          .entrySet()
                          .stream()
                          .map(e -> new Tuple2<>(e.getKey(), e.getValue()))
                          .iterator())
              .reduceByKey(
                  (a, b) -> {
                    a.merge(b);
                    return a;
                  })
              .collectAsMap();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
      shared.forEach(b -> b.destroy());
    }
    TopK[] byBlock = new TopK[blocks.size()];
    merged.forEach((i, t) -> byBlock[i] = t);
    return BlockPairs.finish(
        points,
        mean,
        byBlock,
        blockRows,
        k,
        new ExactKnn.Options(driverThreads, blockRows),
        pairs.size(),
        t0,
        progress);
  }

  /** {@code items} cut into at most {@code parts} runs of consecutive items, sizes within one. */
  static <T> List<List<T>> split(List<T> items, int parts) {
    int count = Math.min(parts, items.size());
    List<List<T>> out = new ArrayList<>(count);
    for (int p = 0; p < count; p++) {
      int from = (int) ((long) items.size() * p / count);
      int to = (int) ((long) items.size() * (p + 1) / count);
      out.add(new ArrayList<>(items.subList(from, to)));
    }
    return out;
  }
}
