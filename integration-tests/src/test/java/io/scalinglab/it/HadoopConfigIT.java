package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.AnalysisMain;
import io.scalinglab.core.testing.SharedData;
import io.scalinglab.id.IdMain;
import io.scalinglab.trainer.TrainerMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Hadoop configuration for every job: a results store on a file system that only a {@code
 * --conf spark.hadoop.fs.<scheme>.impl} setting makes known (the test scheme {@code faulty:}, here
 * failing nothing), used by prepare, sweep, id and analyze alike, each as its command line runs it.
 * Analyze starts no Spark for CSV tables, so it sees the setting only through {@code
 * SparkSessions.hadoopConfiguration}, as the others do.
 */
class HadoopConfigIT {
  @TempDir static Path tmp;

  @Test
  void aFileSystemRegisteredThroughSparkConfReachesEveryJob() throws IOException {
    FaultyFileSystem.failAt(0, 0, 0);
    // The cluster tests' two-run sweep, its store on the test scheme.
    Path config = tmp.resolve("conf.conf");
    String fs = FaultyFileSystem.SCHEME + ":" + tmp.toAbsolutePath();
    Files.writeString(
        config,
        ClusterSweep.config(
            fs,
            SharedData.path("corpora/tinystories/train-sample.txt").toAbsolutePath().toString()));
    List<String> flags =
        List.of(
            "--config",
            config.toString(),
            "--master",
            "local[2]",
            "--conf",
            "spark.hadoop.fs."
                + FaultyFileSystem.SCHEME
                + ".impl="
                + FaultyFileSystem.class.getName(),
            "--conf",
            "spark.hadoop.fs." + FaultyFileSystem.SCHEME + ".impl.disable.cache=true");
    String[] f = flags.toArray(String[]::new);
    assertEquals(0, TrainerMain.run(YarnClusterIT.concat(new String[] {"prepare"}, f)), "prepare");
    assertEquals(0, TrainerMain.run(YarnClusterIT.concat(new String[] {"sweep"}, f)), "sweep");
    assertEquals(
        0, IdMain.run(YarnClusterIT.concat(f, "--sweep", ClusterSweep.NAME, "--k", "10")), "id");
    assertEquals(
        0, AnalysisMain.run(YarnClusterIT.concat(f, "--sweep", ClusterSweep.NAME)), "analyze");

    Path sweep = tmp.resolve("store").resolve(ClusterSweep.NAME);
    assertTrue(Files.exists(sweep.resolve("results.csv")), "the sweep's table");
    assertTrue(Files.exists(sweep.resolve("id/estimates.csv")), "the id job's table");
    assertTrue(Files.exists(sweep.resolve("analysis/report.html")), "the analysis's report");
  }
}
