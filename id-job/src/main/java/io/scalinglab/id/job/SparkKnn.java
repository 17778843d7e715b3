package io.scalinglab.id.job;

import static java.util.Objects.requireNonNull;

import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.NeighbourBlock;
import io.scalinglab.id.knn.Neighbours;
import io.scalinglab.id.knn.PointBlock;
import io.scalinglab.id.knn.Points;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.protocol.KnnEngine;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The exact neighbour search as a {@link KnnEngine} on Spark, for points the driver already holds
 * (a protocol's sample or batch): they are cut into blocks and handed to the executors, searched
 * there by {@link PartitionedKnn} and the neighbours ({@code n × k}) come back. Points too many for
 * the driver are searched with {@link PartitionedKnn} directly, from blocks made on the executors
 * ({@link PartitionedId}).
 */
public final class SparkKnn implements KnnEngine {
  private final SparkSession spark;
  private final int blockRows;

  /** A search on {@code spark}'s executors, in blocks of {@code blockRows} points. */
  public SparkKnn(SparkSession spark, int blockRows) {
    this.spark = requireNonNull(spark, "spark");
    this.blockRows = blockRows;
  }

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public Neighbours search(Points points, int k, Progress progress) {
    requireNonNull(points, "points");
    requireNonNull(progress, "progress");
    if (k < 1 || points.n() <= k) {
      // the same message as the local search
      return ExactKnn.search(points, k, new ExactKnn.Options(1, blockRows), progress);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<PointBlock> list = PointBlock.of(points, blockRows);
    Partitioner partitioner = PartitionedKnn.partitioner(list.size(), jsc.defaultParallelism());
    JavaPairRDD<Integer, PointBlock> blocks =
        jsc.parallelizePairs(
                list.stream().map(b -> new scala.Tuple2<>(b.index(), b)).toList(),
                partitioner.numPartitions())
            .partitionBy(partitioner)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      PartitionedKnn.Search s =
          PartitionedKnn.search(blocks, partitioner, points.n(), blockRows, k, progress);
      int n = points.n();
      double[] dist = new double[n * k];
      int[] idx = new int[n * k];
      for (NeighbourBlock b : s.neighbours().values().collect()) {
        System.arraycopy(b.distances(), 0, dist, b.firstRow() * k, b.rows() * k);
        System.arraycopy(b.indices(), 0, idx, b.firstRow() * k, b.rows() * k);
      }
      s.neighbours().unpersist(false);
      PartitionedKnn.Stats st = s.stats();
      return new Neighbours(
          n,
          k,
          dist,
          idx,
          new Neighbours.KnnStats(
              st.candidates(),
              (int) (n - st.bruteForce()),
              0,
              (int) st.bruteForce(),
              st.pairs(),
              st.seconds()));
    } finally {
      blocks.unpersist(false);
    }
  }
}
