package io.scalinglab.id.job;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.IdConfig.Combine;
import io.scalinglab.id.knn.PointBlock;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.manifold.SphereRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The MLE of a point set that never passes through the driver: the blocks are made on the executors
 * (here from a {@link SphereRows} generator, each block from its own rows' seeds), searched by
 * {@link PartitionedKnn} and estimated by {@link PartitionedMle}. What {@code bench id --master}
 * runs, and what the tests compare with the single-JVM estimate of the same rows.
 */
public final class PartitionedId {
  private PartitionedId() {}

  /** An estimate and how its search went. */
  public record Result(PartitionedMle.Estimate estimate, PartitionedKnn.Stats knn) {}

  /**
   * The MLE (K = {@code k}) of rows {@code 0 .. n} of {@code rows}, in blocks of {@code blockRows},
   * made, searched and estimated on {@code spark}'s executors.
   */
  public static Result sphere(
      SparkSession spark,
      SphereRows rows,
      int n,
      int blockRows,
      int k,
      boolean unbiased,
      Combine combine,
      Progress progress) {
    requireNonNull(spark, "spark");
    requireNonNull(rows, "rows");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int count = (n + blockRows - 1) / blockRows;
    Partitioner partitioner = PartitionedKnn.partitioner(count, jsc.defaultParallelism());
    List<Tuple2<Integer, Integer>> indices = new ArrayList<>(count);
    for (int j = 0; j < count; j++) {
      indices.add(new Tuple2<>(j, j));
    }
    JavaPairRDD<Integer, PointBlock> blocks =
        jsc.parallelizePairs(indices, partitioner.numPartitions())
            .partitionBy(partitioner)
            .mapPartitionsToPair(
                it -> {
                  double[][] frame = rows.frame();
                  List<Tuple2<Integer, PointBlock>> out = new ArrayList<>();
                  while (it.hasNext()) {
                    int j = it.next()._1();
                    int first = j * blockRows;
                    int size = Math.min(blockRows, n - first);
                    out.add(
                        new Tuple2<>(
                            j,
                            new PointBlock(
                                j, first, size, rows.ambient(), rows.rows(first, size, frame))));
                  }
                  return out.iterator();
                },
                true)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      PartitionedKnn.Search s =
          PartitionedKnn.search(blocks, partitioner, n, blockRows, k, progress);
      try {
        return new Result(PartitionedMle.estimate(s.neighbours(), k, unbiased, combine), s.stats());
      } finally {
        s.neighbours().unpersist(false);
      }
    } finally {
      blocks.unpersist(false);
    }
  }
}
