package io.scalinglab.cli;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.config.IdConfig.Combine;
import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.spark.SparkSessions;
import io.scalinglab.id.job.PartitionedId;
import io.scalinglab.id.knn.Progress;
import io.scalinglab.manifold.SphereRows;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code scalinglab bench id --master URL}: the MLE (K = 20) of N points that never pass through
 * this driver ({@link PartitionedId}): made on the executors from the 20-sphere in R^dim, searched
 * and estimated there. Prints the time, its ratio to the floor and this driver's peak heap.
 *
 * <p>The floor is the distance products' FLOPs (about N²·D, {@link IdBench#distanceFlops}) at the
 * float32 matrix-product rate of one core, measured here on this machine just before, times the
 * cluster's cores (Spark's default parallelism): the time if every executor core multiplied blocks
 * as fast as one core here does and did nothing else. Executors on other machines may be faster or
 * slower than this one.
 */
final class ClusterIdBench {
  private ClusterIdBench() {}

  static void run(Args args) {
    int n = args.getInt("--points", args.getInt("--n", 50_000, 100), 100);
    int dim = args.getInt("--dim", 768, 21);
    int k = args.getInt("--k", 20, 2);
    int blockRows = args.getInt("--block-rows", 1024, 16);
    String master = args.get("--master", "");
    Map<String, String> conf = new LinkedHashMap<>();
    String jar = args.get("--jar", ownJar());
    if (!jar.isEmpty()) {
      conf.put("spark.jars", jar);
    }
    SparkSession spark =
        SparkSessions.getOrCreate(new SparkSettings(master, "scalinglab-bench-id", "", conf));
    try {
      int cores = spark.sparkContext().defaultParallelism();
      Console.line(
          String.format(
              Locale.ROOT,
              "bench id: %,d points on the 20-sphere in R^%d (float32, made on the executors), MLE"
                  + " K = %d, on %s with %d cores",
              n,
              dim,
              k,
              master,
              cores));
      double rate = IdBench.matrixProductRate(dim, blockRows, 1);
      double flops = IdBench.distanceFlops(n, dim, blockRows);
      double floor = flops / (rate * cores);
      long t0 = System.nanoTime();
      PartitionedId.Result r =
          PartitionedId.sphere(
              spark,
              new SphereRows(20, dim, 20L),
              n,
              blockRows,
              k,
              false,
              Combine.MEAN,
              Progress.NONE);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long peak = peakHeap();
      long max = Runtime.getRuntime().maxMemory();
      Console.plain(
          String.format(
              Locale.ROOT,
              "%-40s %10.1f%n%-40s %10.1f%n%-40s %9.2fx%n%-40s %10.0f MiB of %.0f MiB (-Xmx);"
                  + " the points are %.0f MiB as float64%n%-40s %10.3f%n%-40s %,10d of %,d",
              "time, s",
              seconds,
              "floor (N²·D at one core's rate / cores), s",
              floor,
              "time / floor",
              seconds / floor,
              "driver peak heap",
              peak / 1048576.0,
              max / 1048576.0,
              8.0 * n * dim / 1048576.0,
              "ID (MLE, K = " + k + ", mean)",
              r.estimate().id(),
              "points proven by brute force",
              r.knn().bruteForce(),
              n));
      Console.plain(
          String.format(
              Locale.ROOT,
              "one core's float32 matrix-product rate %.1f GFLOP/s; %.3g FLOP; %d block pairs in %d"
                  + " partitions",
              rate / 1e9,
              flops,
              r.knn().pairs(),
              r.knn().partitions()));
      // one machine-readable line, for tests and scripts
      Console.plain(
          String.format(
              Locale.ROOT,
              "bench-id-result {\"n\": %d, \"dim\": %d, \"k\": %d, \"id\": \"%s\", \"digest\": %d,"
                  + " \"seconds\": %.3f, \"floor_seconds\": %.3f, \"peak_heap_bytes\": %d,"
                  + " \"max_heap_bytes\": %d, \"brute_force\": %d, \"cores\": %d}",
              n,
              dim,
              k,
              Double.toHexString(r.estimate().id()),
              r.estimate().digest(),
              seconds,
              floor,
              peak,
              max,
              r.knn().bruteForce(),
              cores));
    } finally {
      spark.stop();
    }
  }

  /** The sum of the heap pools' peak use since this JVM started. */
  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** The jar this code runs from, which the executors then load too; empty when not a jar. */
  private static String ownJar() {
    try {
      Path p =
          Path.of(PartitionedId.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return p.toString().endsWith(".jar") ? p.toString() : "";
    } catch (Exception e) {
      return "";
    }
  }
}
