package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalinglab.core.config.IdConfig.Combine;
import io.scalinglab.id.estimate.Mle;
import io.scalinglab.id.knn.ExactKnn;
import io.scalinglab.id.knn.Neighbours;
import io.scalinglab.id.knn.Points;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.manifold.SphereRows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bench id --master} on a standalone cluster of separate JVMs ({@link StandaloneCluster})
 * with a driver of {@code -Xmx256m}: N × 768 points, more than that heap holds as float64, are
 * made, searched and estimated on the executors, and the MLE equals the single-JVM exact estimate
 * of the same rows bit for bit, with the same neighbours at the same distances (equal digests).
 *
 * <p>N is 48,000 in CI (295 MB as float64, 147 MB as float32: gathered, the points alone would not
 * fit beside Spark's driver in 256 MB). The paper's scale runs on demand: {@code
 * -Dscalinglab.it.knn-points=200000} (about 3·10¹³ FLOP; see id-job/README.md for its time).
 */
class IdScaleOutIT {
  static final int DIM = 768;
  static final int K = 20;

  @Test
  void aDriverOf256MegabytesEstimatesMorePointsThanItHoldsAndMatchesTheLocalEstimate()
      throws Exception {
    int n = Integer.getInteger("scalinglab.it.knn-points", 48_000);
    String executorMemory = n > 100_000 ? "6g" : "2g";
    Path work =
        Path.of(System.getProperty("scalinglab.it.work", "target/standalone"))
            .resolve("id-scale-out");
    try (StandaloneCluster cluster = StandaloneCluster.start(work, 2, executorMemory)) {
      Path log = work.resolve("bench-driver.log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(StandaloneCluster.jvmOptions());
      command.addAll(
          List.of(
              "-Xmx256m",
              // Spark refuses a driver heap under 450 MB; this setting only sizes its memory
              // accounting (as if the heap were 512 MB), the heap itself stays 256 MB
              "-Dspark.testing.memory=536870912",
              "-Dspark.executor.memory=" + executorMemory,
              "-Dspark.ui.enabled=false",
              "-cp",
              System.getProperty("java.class.path"),
              "io.scalinglab.cli.Main",
              "bench",
              "id",
              "--points",
              Integer.toString(n),
              "--dim",
              Integer.toString(DIM),
              "--master",
              cluster.masterUrl(),
              "--jar",
              StandaloneCluster.jobJar("id-job").toString()));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      pb.environment().put("OMP_NUM_THREADS", "1");
      long t0 = System.nanoTime();
      Process driver = pb.start();
      boolean done = driver.waitFor(n > 100_000 ? 120 : 10, TimeUnit.MINUTES);
      if (!done) {
        driver.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(done && driver.exitValue() == 0, () -> output + cluster.logs());
      double driverSeconds = (System.nanoTime() - t0) / 1e9;
      JsonNode result = result(output);

      long t1 = System.nanoTime();
      SphereRows rows = new SphereRows(20, DIM, 20L);
      Points p = new Points(rows.rows(0, n, rows.frame()), n, DIM);
      Neighbours local = ExactKnn.search(p, K, new ExactKnn.Options(2, 1024), Progress.NONE);
      double expected = Mle.estimate(local.distances(), n, K, K, false, Combine.MEAN).id();
      double localSeconds = (System.nanoTime() - t1) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "IdScaleOutIT: N = %d x %d: cluster %.1f s (driver JVM %.1f s), floor %.1f s, driver"
              + " peak heap %.0f MiB of %.0f; local exact search and MLE %.1f s%n",
          n,
          DIM,
          result.path("seconds").asDouble(),
          driverSeconds,
          result.path("floor_seconds").asDouble(),
          result.path("peak_heap_bytes").asDouble() / 1048576,
          result.path("max_heap_bytes").asDouble() / 1048576,
          localSeconds);

      assertEquals(n, result.path("n").asInt());
      assertEquals(local.digest(), result.path("digest").asLong(), "the same neighbours");
      assertEquals(
          Double.toHexString(expected), result.path("id").asText(), "the same ID, bit for bit");
      assertTrue(
          result.path("max_heap_bytes").asLong() < 8L * n * DIM,
          "the driver's heap is smaller than the points: " + result);
    }
  }

  private static JsonNode result(String output) throws IOException {
    for (String line : output.lines().toList()) {
      int at = line.indexOf("bench-id-result ");
      if (at >= 0) {
        return new ObjectMapper().readTree(line.substring(at + "bench-id-result ".length()));
      }
    }
    throw new AssertionError("no bench-id-result line in:\n" + output);
  }
}
