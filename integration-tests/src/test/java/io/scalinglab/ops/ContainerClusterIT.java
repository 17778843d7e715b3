package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.testing.SharedData;
import io.scalinglab.it.ClusterSweep;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The standalone-cluster test again, on containers as a cluster runs them: HDFS (NameNode and
 * DataNode) in Apache Hadoop's image, a Spark Master and a Worker in the CPU image that
 * deploy/docker/Dockerfile builds (from the jars this build made), and the driver in a third
 * container of that image, started by deploy/submit --target standalone. It prepares a corpus and
 * trains a two-run sweep into {@code hdfs://hdfs:8020/store}. Skipped with the reason printed where
 * no Docker engine answers (this machine, CI).
 */
@ExtendWith(DockerRequired.class)
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerClusterIT {
  static final String HADOOP_IMAGE = "apache/hadoop:3.3.6";
  static final String CHECKOUT = "/tmp/checkout";

  static Network network;
  static GenericContainer<?> hdfs;
  static GenericContainer<?> master;
  static GenericContainer<?> worker;
  static GenericContainer<?> submit;

  @BeforeAll
  static void start() throws IOException, InterruptedException {
    network = Network.newNetwork();
    hdfs =
        new GenericContainer<>(DockerImageName.parse(HADOOP_IMAGE))
            .withNetwork(network)
            .withNetworkAliases("hdfs")
            .withEnv("CORE-SITE.XML_fs.defaultFS", "hdfs://hdfs:8020")
            .withEnv("HDFS-SITE.XML_dfs.replication", "1")
            .withEnv("HDFS-SITE.XML_dfs.permissions.enabled", "false")
            .withEnv("HDFS-SITE.XML_dfs.namenode.rpc-bind-host", "0.0.0.0")
            .withCommand(
                "bash",
                "-c",
                "hdfs namenode -format -force -nonInteractive && hdfs --daemon start datanode"
                    + " && hdfs namenode")
            .withCopyToContainer(
                MountableFile.forHostPath(SharedData.path("corpora/tinystories/train-sample.txt")),
                "/tmp/train-sample.txt")
            .waitingFor(Wait.forLogMessage(".*IPC Server listener on 8020.*", 1))
            .withStartupTimeout(Duration.ofMinutes(3));
    hdfs.start();
    exec(hdfs, "hdfs", "dfsadmin", "-safemode", "wait");
    exec(hdfs, "hdfs", "dfs", "-mkdir", "-p", "/corpora", "/spark-events");
    exec(hdfs, "hdfs", "dfs", "-put", "/tmp/train-sample.txt", "/corpora/train-sample.txt");

    ImageFromDockerfile image = image();
    master =
        new GenericContainer<>(image)
            .withNetwork(network)
            .withNetworkAliases("spark-master")
            .withCommand(
                "/opt/spark/bin/spark-class", "org.apache.spark.deploy.master.Master",
                "--host", "spark-master")
            .waitingFor(Wait.forLogMessage(".*I have been elected leader.*", 1));
    master.start();
    worker =
        new GenericContainer<>(image)
            .withNetwork(network)
            .withNetworkAliases("spark-worker")
            .withCommand(
                "/opt/spark/bin/spark-class",
                "org.apache.spark.deploy.worker.Worker",
                "--cores",
                "2",
                "--memory",
                "3g",
                "spark://spark-master:7077")
            .waitingFor(Wait.forLogMessage(".*Successfully registered with master.*", 1));
    worker.start();
    // The driver's container holds the wrapper as a checkout would: deploy/submit finds
    // bin/jvm-options and deploy/conf beside itself.
    submit =
        new GenericContainer<>(image)
            .withNetwork(network)
            .withNetworkAliases("submit")
            .withCommand("sleep", "infinity");
    for (String file : List.of("deploy/submit", "bin/jvm-options", "deploy/conf/standalone.conf")) {
      submit.withCopyToContainer(
          MountableFile.forHostPath(Repo.path(file), 0755), CHECKOUT + "/" + file);
    }
    submit.withCopyToContainer(
        Transferable.of(
            ClusterSweep.config("hdfs://hdfs:8020", "hdfs://hdfs:8020/corpora/train-sample.txt")),
        "/tmp/cluster-sweep.conf");
    submit.start();
  }

  @AfterAll
  static void stop() {
    for (GenericContainer<?> c : new GenericContainer<?>[] {submit, worker, master, hdfs}) {
      if (c != null) {
        c.stop();
      }
    }
    if (network != null) {
      network.close();
    }
  }

  @Test
  @Order(1)
  void preparesTheCorpusIntoContainerisedHdfs() throws Exception {
    ExecResult r = submit("trainer", "prepare");
    assertTrue(r.getStdout().contains("train tokens"), r.getStdout());
    ExecResult ls = exec(hdfs, "hdfs", "dfs", "-ls", "-R", "/store/data");
    assertTrue(ls.getStdout().contains("manifest.json"), ls.getStdout());
  }

  @Test
  @Order(2)
  void trainsASweepOnTheContainerisedWorker() throws Exception {
    ExecResult r = submit("trainer", "sweep");
    assertTrue(r.getStdout().contains("sweep cluster done"), r.getStdout());
    String csv = exec(hdfs, "hdfs", "dfs", "-cat", "/store/cluster/results.csv").getStdout();
    List<String> lines = csv.lines().toList();
    assertEquals(3, lines.size(), "a header and two runs:\n" + csv);
    lines.subList(1, 3).forEach(l -> assertTrue(l.contains(",done,"), l));
  }

  /** Runs deploy/submit in the driver's container against the containerised master. */
  static ExecResult submit(String job, String command) throws IOException, InterruptedException {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "bash",
                CHECKOUT + "/deploy/submit",
                "--target",
                "standalone",
                "--master",
                "spark://spark-master:7077",
                "--jar",
                "/opt/scalinglab/jars/scalinglab-" + job + "-job.jar",
                "--driver-memory",
                "1g",
                "--executor-memory",
                "1g",
                "--native-memory",
                "1g",
                job,
                command,
                "--config",
                "/tmp/cluster-sweep.conf",
                "--",
                // Executors in the worker's container reach the driver in this one by its alias.
                "--conf",
                "spark.driver.host=submit",
                "--conf",
                "spark.driver.bindAddress=0.0.0.0",
                "--conf",
                "spark.eventLog.dir=hdfs://hdfs:8020/spark-events",
                "--conf",
                "spark.history.fs.logDirectory=hdfs://hdfs:8020/spark-events"));
    ExecResult r = submit.execInContainer(argv.toArray(String[]::new));
    assertEquals(
        0,
        r.getExitCode(),
        () ->
            command
                + " failed:\n"
                + r.getStdout()
                + r.getStderr()
                + "\nworker:\n"
                + worker.getLogs());
    return r;
  }

  /**
   * The CPU image, built from deploy/docker/Dockerfile with the jars this build packaged. The
   * context is assembled file by file (the jars come from this build's folder, not {@code
   * target/}), so the Dockerfile is named by its path in it: the deprecated withDockerfilePath.
   */
  @SuppressWarnings("deprecation")
  static ImageFromDockerfile image() {
    Dockerfile d = Dockerfile.parse(Dockerfile.CPU);
    ImageFromDockerfile image =
        new ImageFromDockerfile("scalinglab/spark-it", true)
            .withDockerfilePath(Dockerfile.CPU)
            .withFileFromPath(Dockerfile.CPU, Repo.path(Dockerfile.CPU));
    Path jars = Path.of(System.getProperty("scalinglab.it.job-jars", "target/job-jars"));
    for (Dockerfile.Copy c : d.copies()) {
      for (String src : c.sources()) {
        Path from =
            src.contains("/target/")
                ? jars.resolve(Path.of(src).getFileName())
                : Repo.path(src.endsWith("/") ? src.substring(0, src.length() - 1) : src);
        image.withFileFromPath(src.endsWith("/") ? src.substring(0, src.length() - 1) : src, from);
      }
    }
    return image;
  }

  static ExecResult exec(GenericContainer<?> c, String... command)
      throws IOException, InterruptedException {
    ExecResult r = c.execInContainer(command);
    assertEquals(0, r.getExitCode(), () -> String.join(" ", command) + ": " + r.getStderr());
    return r;
  }
}
