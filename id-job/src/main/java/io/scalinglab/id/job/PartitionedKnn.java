package io.scalinglab.id.job;

import static java.util.Objects.requireNonNull;

import io.scalinglab.id.knn.Candidates;
import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.InvalidPointsException;
import io.scalinglab.id.knn.NeighbourBlock;
import io.scalinglab.id.knn.PairPass;
import io.scalinglab.id.knn.PointBlock;
import io.scalinglab.id.knn.Progress;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The exact neighbour search of {@link ExactKnn} with the points partitioned over Spark executors,
 * where they stay: the driver holds one mean vector and a few numbers per partition, never the
 * points (O(D + partitions), not O(N·D)).
 *
 * <ol>
 *   <li>The mean and the largest squared norm: per-partition sums, added in partition order.
 *   <li>The float32 pass: the blocks RDD times itself ({@code cartesian}); each task computes the
 *       block pairs {@code I ≤ J} among its two partitions ({@link PairPass}) and sends every
 *       touched block's candidates with their exact float64 distances, which it can compute since
 *       it holds both blocks.
 *   <li>The per-point merge: {@code reduceByKey} on the block index, with the blocks' own
 *       partitioner, so the merged lists land where the blocks are cached and the proof ({@link
 *       NeighbourBlock#refine}) joins them without moving a point.
 *   <li>Rows the float32 candidates cannot prove (rare): their coordinates alone go to every
 *       partition ({@code cartesian} with the blocks), the exact nearest of each partition are
 *       merged per row, and written back into their blocks.
 * </ol>
 *
 * The neighbours and distances are those {@link ExactKnn#search} finds, bit for bit (ties in
 * distance broken by the lower point index); only the candidates' float32 keys may differ in their
 * last bits, since the mean is summed in another order, and the proof makes that harmless.
 */
public final class PartitionedKnn {
  /**
   * At most this many blocks per partition: a task of the float32 pass holds two partitions as
   * float32 copies (16 blocks of 1,024 × 768 are 50 MB), and the partial candidate lists it sends
   * grow with the blocks it touches.
   */
  static final int MAX_BLOCKS_PER_PARTITION = 16;

  private PartitionedKnn() {}

  /**
   * A finished search: the neighbours, one {@link NeighbourBlock} per block, persisted on the
   * executors (unpersist when done), and how it went.
   */
  public record Search(JavaPairRDD<Integer, NeighbourBlock> neighbours, Stats stats) {}

  /**
   * How a search went.
   *
   * @param candidates candidates per point of the float32 pass
   * @param partitions partitions of the blocks (the float32 pass runs partitions² tasks)
   * @param pairs block pairs computed
   * @param bruteForce points that needed the exact pass over every point
   * @param seconds wall-clock time
   */
  public record Stats(
      long n,
      int dim,
      int k,
      int candidates,
      int partitions,
      long pairs,
      long bruteForce,
      double seconds)
      implements Serializable {}

  /**
   * The partitioner of {@code blocks} blocks on a cluster of {@code parallelism} cores: enough
   * partitions that the float32 pass's partitions² tasks keep every core busy, and at most {@link
   * #MAX_BLOCKS_PER_PARTITION} blocks in each.
   */
  public static Partitioner partitioner(int blocks, int parallelism) {
    int byCores = (int) Math.ceil(Math.sqrt(4.0 * Math.max(1, parallelism)));
    int byMemory = (blocks + MAX_BLOCKS_PER_PARTITION - 1) / MAX_BLOCKS_PER_PARTITION;
    return new HashPartitioner(Math.max(1, Math.min(blocks, Math.max(byCores, byMemory))));
  }

  /**
   * Finds the {@code k} nearest neighbours of all {@code n} points held in {@code blocks}: keyed by
   * block index, partitioned by {@code partitioner}, every block but the last of {@code blockRows}
   * rows, block {@code j} starting at row {@code j·blockRows}. Persist {@code blocks} first: every
   * stage reads them.
   */
  public static Search search(
      JavaPairRDD<Integer, PointBlock> blocks,
      Partitioner partitioner,
      int n,
      int blockRows,
      int k,
      Progress progress) {
    requireNonNull(blocks, "blocks");
    requireNonNull(progress, "progress");
    long t0 = System.nanoTime();
    if (k < 1 || n <= k) {
      throw new IllegalArgumentException(
          n + " points are too few for k = " + k + ": a point needs k others");
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
    AtomicInteger finished = new AtomicInteger();
    int parts = partitioner.numPartitions();
    // the float32 pass's partitions² tasks and about four stages of one task per partition
    long tasks = (long) parts * parts + 4L * parts;
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            progress.report("knn tasks", Math.min(finished.incrementAndGet(), tasks - 1), tasks);
          }
        };
    jsc.sc().addSparkListener(listener);
    try {
      Moments m = moments(blocks.values(), n);
      Broadcast<double[]> mean = jsc.broadcast(m.mean());
      double maxNorm =
          blocks
              .values()
              .map(b -> maxCentredNorm(b, mean.value()))
              .fold(0.0, (a, b) -> Math.max(a, b));
      int capacity = ExactKnn.candidates(k, n);
      LongAccumulator pairs = jsc.sc().longAccumulator("knn block pairs");
      JavaPairRDD<Integer, Candidates> partial =
          blocks
              .values()
              .cartesian(blocks.values())
              .mapPartitionsToPair(
                  it -> {
                    List<Tuple2<Integer, Candidates>> out = new ArrayList<>();
                    try (PairPass pass = new PairPass(mean.value(), blockRows, capacity)) {
                      while (it.hasNext()) {
                        Tuple2<PointBlock, PointBlock> t = it.next();
                        if (t._1().index() <= t._2().index()) {
                          pass.pair(t._1(), t._2());
                        }
                      }
                      for (Candidates c : pass.finish()) {
                        out.add(new Tuple2<>(c.firstRow() / blockRows, c));
                      }
                      pairs.add(pass.pairs());
                    }
                    return out.iterator();
                  });
      JavaPairRDD<Integer, NeighbourBlock> refined =
          partial
              .reduceByKey(partitioner, Candidates::merge)
              .join(blocks, partitioner)
              .mapValues(t -> NeighbourBlock.refine(t._1(), t._2(), mean.value(), maxNorm, k, n))
              .persist(StorageLevel.MEMORY_AND_DISK());
      long failed = refined.values().map(b -> (long) b.failed().length).fold(0L, Long::sum);
      JavaPairRDD<Integer, NeighbourBlock> result = refined;
      if (failed > 0) {
        result = bruteForce(refined, blocks, partitioner, failed, blockRows, k);
        result.persist(StorageLevel.MEMORY_AND_DISK());
        long left = result.values().map(b -> (long) b.failed().length).fold(0L, Long::sum);
        refined.unpersist(false);
        if (left != 0) {
          throw new IllegalStateException(left + " rows were left without neighbours");
        }
      }
      Stats stats =
          new Stats(
              n,
              m.mean().length,
              k,
              capacity,
              partitioner.numPartitions(),
              pairs.value(),
              failed,
              (System.nanoTime() - t0) / 1e9);
      return new Search(result, stats);
    } finally {
      jsc.sc().removeSparkListener(listener);
    }
  }

  /** The exact nearest of every point to the rows that failed their proof, written back. */
  private static JavaPairRDD<Integer, NeighbourBlock> bruteForce(
      JavaPairRDD<Integer, NeighbourBlock> refined,
      JavaPairRDD<Integer, PointBlock> blocks,
      Partitioner partitioner,
      long failed,
      int blockRows,
      int k) {
    JavaRDD<Query> queries =
        refined
            .join(blocks, partitioner)
            .values()
            .flatMap(
                t -> {
                  List<Query> out = new ArrayList<>();
                  PointBlock b = t._2();
                  int d = b.dim();
                  for (int r : t._1().failed()) {
                    double[] q = new double[d];
                    System.arraycopy(b.values(), r * d, q, 0, d);
                    out.add(new Query(b.firstRow() + r, q));
                  }
                  return out.iterator();
                });
    // a few hundred rows per chunk: one chunk's coordinates are what a task holds besides a block
    int chunks = (int) Math.min(partitioner.numPartitions(), 1 + failed / 256);
    JavaPairRDD<Integer, Iterable<Candidates>> exact =
        queries
            .coalesce(chunks)
            .glom()
            .cartesian(blocks.values())
            .flatMapToPair(
                t -> {
                  List<Tuple2<Integer, Candidates>> out = new ArrayList<>();
                  for (Query q : t._1()) {
                    out.add(
                        new Tuple2<>(
                            q.row(), Candidates.nearestIn(t._2(), q.row(), q.values(), k)));
                  }
                  return out.iterator();
                })
            .reduceByKey(Candidates::merge)
            .mapToPair(t -> new Tuple2<>(t._1() / blockRows, t._2()))
            .groupByKey(partitioner);
    return refined
        .leftOuterJoin(exact, partitioner)
        .mapValues(t -> t._2().isPresent() ? t._1().patch(t._2().get()) : t._1());
  }

  /** A point whose exact neighbours are searched by brute force. */
  record Query(int row, double[] values) implements Serializable {}

  /** The mean of the points (summed per partition, partitions added in order). */
  record Moments(double[] mean) {}

  private static Moments moments(JavaRDD<PointBlock> blocks, int n) {
    List<PartSum> parts =
        blocks
            .mapPartitions(
                it -> {
                  PartSum s = null;
                  while (it.hasNext()) {
                    PointBlock b = it.next();
                    if (s == null) {
                      s = new PartSum(new double[b.dim()], 0, -1);
                    }
                    s = s.add(b);
                  }
                  return s == null ? List.<PartSum>of().iterator() : List.of(s).iterator();
                })
            .collect();
    long bad = 0;
    int first = Integer.MAX_VALUE;
    double[] sum = null;
    for (PartSum p : parts) {
      bad += p.nonFinite();
      if (p.firstBad() >= 0) {
        first = Math.min(first, p.firstBad());
      }
      if (sum == null) {
        sum = p.sum().clone();
      } else {
        for (int c = 0; c < sum.length; c++) {
          sum[c] += p.sum()[c];
        }
      }
    }
    if (bad > 0) {
      throw new InvalidPointsException(
          bad + " of " + n + " rows hold NaN or infinite values (the first is row " + first + ")",
          "The distributed search takes finite rows only: fix the run that made them");
    }
    for (int c = 0; c < sum.length; c++) {
      sum[c] /= n;
    }
    return new Moments(sum);
  }

  /** One partition's column sums, and its rows that are not finite. */
  record PartSum(double[] sum, long nonFinite, int firstBad) implements Serializable {
    PartSum add(PointBlock b) {
      int d = b.dim();
      long bad = nonFinite;
      int first = firstBad;
      double[] v = b.values();
      for (int r = 0; r < b.rows(); r++) {
        boolean finite = true;
        for (int c = 0; c < d; c++) {
          finite &= Double.isFinite(v[r * d + c]);
        }
        if (!finite) {
          bad++;
          first = first < 0 ? b.firstRow() + r : Math.min(first, b.firstRow() + r);
          continue;
        }
        for (int c = 0; c < d; c++) {
          sum[c] += v[r * d + c];
        }
      }
      return new PartSum(sum, bad, first);
    }
  }

  private static double maxCentredNorm(PointBlock b, double[] mean) {
    float[] row = new float[b.dim()];
    double max = 0;
    for (int r = 0; r < b.rows(); r++) {
      max = Math.max(max, ExactKnn.centredRow(b.values(), r * b.dim(), mean, row));
    }
    return max;
  }
}
