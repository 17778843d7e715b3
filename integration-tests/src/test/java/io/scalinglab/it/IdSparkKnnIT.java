package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.core.config.IdConfig.Combine;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.id.estimate.Mle;
import io.scalinglab.id.job.PartitionedId;
import io.scalinglab.id.job.SparkKnn;
import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.Neighbours;
import io.scalinglab.id.knn.Points;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.id.protocol.Estimation;
import io.scalinglab.id.protocol.IdEstimate;
import io.scalinglab.id.protocol.KnnEngine;
import io.scalinglab.manifold.Manifolds;
import io.scalinglab.manifold.Sample;
import io.scalinglab.manifold.SphereRows;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distributed neighbour search on real Spark ({@code local[2]}, block pairs as tasks) returns
 * exactly what the single-JVM search returns, and so does every estimate built on it.
 */
class IdSparkKnnIT {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSessions.getOrCreate(
            new SparkSettings("local[2]", "id-spark-knn-it", "127.0.0.1", Map.of()));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void sameNeighboursAsTheLocalSearch() {
    SplittableRandom rnd = new SplittableRandom(11);
    int n = 1500;
    int d = 24;
    double[] v = new double[n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    Points p = new Points(v, n, d);
    AtomicLong tasks = new AtomicLong();
    Neighbours distributed =
        new SparkKnn(spark, 128)
            .search(p, 15, (stage, done, total) -> tasks.set(Math.max(tasks.get(), done)));
    Neighbours local = ExactKnn.search(p, 15, new ExactKnn.Options(2, 128), Progress.NONE);
    assertEquals(local, distributed);
    assertEquals(78, distributed.stats().pairs()); // 12 blocks: 12·13/2 pairs
    assertTrue(tasks.get() >= 1, "progress from the Spark tasks");
  }

  @Test
  void sameEstimateThroughTheProtocols() {
    Sample s = Manifolds.ball(2000, 5, 40, 3);
    for (String protocol : new String[] {"global", "paper"}) {
      IdConfig c =
          IdConfig.fromConfig(
              ConfigFactory.parseString(
                  "id { protocol = "
                      + protocol
                      + ", paper.batch-size = 900, knn.block-rows = 256 }"));
      IdEstimate local =
          Estimation.estimate(
              s.values(), s.n(), s.ambient(), c, KnnEngine.local(2, 256), Progress.NONE);
      IdEstimate distributed =
          Estimation.estimate(
              s.values(), s.n(), s.ambient(), c, new SparkKnn(spark, 256), Progress.NONE);
      assertEquals(local.id(), distributed.id(), protocol);
      assertEquals(local.interval(), distributed.interval(), protocol);
      assertEquals(local.kSweep(), distributed.kSweep(), protocol);
      assertEquals("spark", distributed.engine());
    }
  }

  @Test
  void rowsTheFloat32PassCannotProveAreSearchedByBruteForceOnTheExecutors() {
    // A cluster 1e-9 wide next to points at distance 1 (as ExactKnnTest): float32 keys cannot
    // order the cluster, so its rows take the exact pass over every partition.
    SplittableRandom rnd = new SplittableRandom(5);
    int n = 700;
    int d = 12;
    double[] v = new double[n * d];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < d; c++) {
        v[i * d + c] = i < 150 ? 1 + rnd.nextDouble() * 1e-9 : rnd.nextGaussian();
      }
    }
    Points p = new Points(v, n, d);
    Neighbours distributed = new SparkKnn(spark, 64).search(p, 5, Progress.NONE);
    assertEquals(ExactKnn.search(p, 5, new ExactKnn.Options(2, 64), Progress.NONE), distributed);
    assertTrue(distributed.stats().bruteForce() > 0, distributed.stats().toString());
  }

  @Test
  void pointsMadeOnTheExecutorsGiveTheLocalEstimateBitForBit() {
    int n = 6000;
    SphereRows rows = new SphereRows(6, 48, 9);
    PartitionedId.Result r =
        PartitionedId.sphere(spark, rows, n, 256, 20, false, Combine.MEAN, Progress.NONE);
    Points p = new Points(rows.rows(0, n, rows.frame()), n, 48);
    Neighbours local = ExactKnn.search(p, 20, new ExactKnn.Options(2, 256), Progress.NONE);
    double expected = Mle.estimate(local.distances(), n, 20, 20, false, Combine.MEAN).id();
    assertEquals(
        local.digest(), r.estimate().digest(), "the same neighbours at the same distances");
    assertEquals(expected, r.estimate().id(), 0.0, "the same estimate, bit for bit");
    assertEquals(n, r.estimate().n());
    // 24 blocks: 24·25/2 pairs
    assertEquals(300, r.knn().pairs());
    PartitionedId.Result harmonic =
        PartitionedId.sphere(spark, rows, n, 256, 20, true, Combine.HARMONIC, Progress.NONE);
    assertEquals(
        Mle.estimate(local.distances(), n, 20, 20, true, Combine.HARMONIC).id(),
        harmonic.estimate().id(),
        0.0);
  }
}
