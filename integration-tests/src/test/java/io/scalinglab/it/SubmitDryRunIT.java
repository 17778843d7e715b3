package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code deploy/submit --dry-run} for every target and job: the printed command runs the main class
 * the shaded jar holds, opens the JDK to Spark in the driver and the executors, and passes the
 * config files as the target needs them.
 */
class SubmitDryRunIT {
  @TempDir static Path tmp;

  /** The result of one dry run: its exit code, its output and the command split into words. */
  record DryRun(int exitCode, String output, List<String> argv) {
    /** The value after {@code flag} (the first occurrence at or after {@code from}). */
    String after(String flag) {
      int i = argv.indexOf(flag);
      assertTrue(i >= 0 && i + 1 < argv.size(), flag + " in " + argv);
      return argv.get(i + 1);
    }

    /** Every {@code --conf} value. */
    List<String> confs() {
      List<String> out = new ArrayList<>();
      for (int i = 0; i + 1 < argv.size(); i++) {
        if (argv.get(i).equals("--conf")) {
          out.add(argv.get(i + 1));
        }
      }
      return out;
    }

    String conf(String key) {
      return confs().stream()
          .filter(c -> c.startsWith(key + "="))
          .reduce((a, b) -> b)
          .map(c -> c.substring(key.length() + 1))
          .orElseThrow(() -> new AssertionError("no --conf " + key + " in " + argv));
    }
  }

  /** Runs deploy/submit --dry-run with {@code sparkHome} as SPARK_HOME, then splits its output. */
  static DryRun dryRun(String sparkHome, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(StandaloneCluster.checkout().resolve("deploy/submit").toString());
    command.add("--dry-run");
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("TMPDIR", tmp.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    if (exit != 0) {
      return new DryRun(exit, out, List.of());
    }
    // The shell reads the printed command back into its words, as a user's shell would.
    Process split =
        new ProcessBuilder("bash", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "_", out)
            .redirectErrorStream(true)
            .start();
    String words = new String(split.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, split.waitFor(), words);
    return new DryRun(exit, out, Arrays.asList(words.split("\0")));
  }

  static Path conf(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  static void assertOpensTheJdk(String javaOptions) {
    List<String> expected = StandaloneCluster.jvmOptions();
    List<String> words = Arrays.asList(javaOptions.trim().split("\\s+"));
    assertEquals(expected, words.subList(0, Math.min(words.size(), expected.size())), javaOptions);
    assertTrue(words.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), javaOptions);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "trainer,local,trainer-job",
    "trainer,standalone,trainer-job",
    "trainer,yarn,trainer-job",
    "trainer,k8s,trainer-job",
    "id,standalone,id-job",
    "id,yarn,id-job",
    "analysis,local,analysis-job",
    "analysis,k8s,analysis-job",
  })
  void commandRunsTheJarsMainClassWithTheJdkOpenAndTheConfigWhereTheDriverIs(
      String job, String target, String module) throws Exception {
    Path dataset = conf("datasets/d.conf", "dataset { name = \"d\", tokenizer = \"byte\" }\n");
    Path sweep =
        conf(
            "sweeps/" + job + "-" + target + ".conf",
            "include \"../datasets/d.conf\"\ntrain.sweep = \"s\"\n");
    Path jar = StandaloneCluster.jobJar(module);
    List<String> args = new ArrayList<>(List.of("--target", target, "--jar", jar.toString()));
    switch (target) {
      case "standalone" -> args.addAll(List.of("--master", "spark://head:7077"));
      case "k8s" ->
          args.addAll(
              List.of(
                  "--master",
                  "k8s://https://api:6443",
                  "--image",
                  "scalinglab:cpu",
                  "--upload-path",
                  "s3a://bucket/up"));
      default -> {}
    }
    args.add(job);
    if (job.equals("trainer")) {
      args.add("sweep");
    } else {
      args.addAll(List.of("--sweep", "s"));
    }
    args.addAll(List.of("--config", sweep.toString(), "--set", "train.lr=1e-3"));
    DryRun run = dryRun(tmp.resolve("no-spark").toString(), args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.output());

    // The class is the jar's Main-Class and is in the jar.
    String mainClass = run.after("--class");
    try (JarFile j = new JarFile(jar.toFile())) {
      assertEquals(mainClass, j.getManifest().getMainAttributes().getValue("Main-Class"));
      assertTrue(j.getEntry(mainClass.replace('.', '/') + ".class") != null, mainClass);
      assertTrue(j.getEntry("org/apache/spark/SparkContext.class") == null, "Spark is provided");
    }
    assertTrue(run.argv().contains(jar.toString()), "the jar: " + run.argv());
    assertOpensTheJdk(run.conf("spark.driver.extraJavaOptions"));
    assertOpensTheJdk(run.conf("spark.executor.extraJavaOptions"));
    assertEquals("1", run.conf("spark.executorEnv.OMP_NUM_THREADS"));
    assertEquals("train.lr=1e-3", run.after("--set"));

    String config = run.after("--config");
    boolean cluster = target.equals("yarn") || target.equals("k8s");
    assertEquals(cluster ? "cluster" : "client", run.after("--deploy-mode"));
    if (cluster) {
      // Shipped with --files, named by file name, its include inlined.
      assertEquals(sweep.getFileName().toString(), config);
      List<String> files = Arrays.asList(run.after("--files").split(","));
      assertEquals(1, files.size(), files.toString());
      assertEquals(config, Path.of(files.get(0)).getFileName().toString());
      String shipped = Files.readString(Path.of(files.get(0)));
      assertTrue(shipped.contains("dataset { name = \"d\""), shipped);
      assertFalse(shipped.contains("include \""), shipped);
    } else {
      assertEquals(sweep.toAbsolutePath().toString(), config);
      assertFalse(run.argv().contains("--files"), run.argv().toString());
    }
    switch (target) {
      case "local" -> {
        assertEquals("local[*]", run.after("--master"));
        assertEquals("env", run.argv().get(0));
        assertTrue(run.argv().contains("OMP_NUM_THREADS=1"), run.argv().toString());
      }
      case "standalone" -> assertEquals("spark://head:7077", run.after("--master"));
      case "yarn" -> {
        assertEquals("yarn", run.after("--master"));
        assertEquals("1", run.conf("spark.yarn.appMasterEnv.OMP_NUM_THREADS"));
      }
      case "k8s" -> {
        assertEquals("k8s://https://api:6443", run.after("--master"));
        assertEquals("scalinglab:cpu", run.conf("spark.kubernetes.container.image"));
        assertEquals("s3a://bucket/up", run.conf("spark.kubernetes.file.upload.path"));
      }
      default -> throw new AssertionError(target);
    }
  }

  @Test
  void aSparkHomeOfJarsRunsSparkSubmitWithJavaAndTheDriversOptions() throws Exception {
    Path sparkHome = StandaloneCluster.sparkHome();
    Path jar = StandaloneCluster.jobJar("trainer-job");
    DryRun run =
        dryRun(
            sparkHome.toString(),
            "--target",
            "standalone",
            "--master",
            "spark://head:7077",
            "--jar",
            jar.toString(),
            "--driver-memory",
            "3g",
            "--native-memory",
            "2g",
            "--task-cpus",
            "2",
            "trainer",
            "prepare",
            "--config",
            conf("p.conf", "dataset.name = p\n").toString());
    assertEquals(0, run.exitCode(), run.output());
    List<String> argv = run.argv();
    int cp = argv.indexOf("-cp");
    assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), argv.get(0));
    assertEquals(sparkHome.resolve("jars") + "/*", argv.get(cp + 1));
    assertEquals("org.apache.spark.deploy.SparkSubmit", argv.get(cp + 2));
    List<String> driverJvm = argv.subList(1, cp);
    assertTrue(driverJvm.containsAll(StandaloneCluster.jvmOptions()), driverJvm.toString());
    assertTrue(driverJvm.contains("-Xmx3g"), driverJvm.toString());
    assertTrue(driverJvm.contains("-Dorg.bytedeco.javacpp.maxbytes=2g"), driverJvm.toString());
    assertTrue(run.conf("spark.executor.extraJavaOptions").endsWith("maxbytes=2g"));
    assertEquals("2", run.conf("spark.task.cpus"));
    assertEquals("2", run.conf("spark.executorEnv.OMP_NUM_THREADS"));
  }

  @Test
  void gpuOptionsBecomeSparkResourceSettings() throws Exception {
    DryRun run =
        dryRun(
            tmp.resolve("no-spark").toString(),
            "--target",
            "yarn",
            "--jar",
            StandaloneCluster.jobJar("trainer-job").toString(),
            "--gpus-per-task",
            "0.5",
            "trainer",
            "sweep",
            "--config",
            conf("g.conf", "train.sweep = g\n").toString());
    assertEquals(0, run.exitCode(), run.output());
    assertEquals("0.5", run.conf("spark.task.resource.gpu.amount"));
    assertEquals("1", run.conf("spark.executor.resource.gpu.amount"));
    // YARN localizes --files into the executor's folder before it starts and runs the script.
    assertEquals("./discover-gpus.sh", run.conf("spark.executor.resource.gpu.discoveryScript"));
    List<String> files = Arrays.asList(run.after("--files").split(","));
    assertTrue(
        files.contains(
            StandaloneCluster.checkout().resolve("deploy/gpu/discover-gpus.sh").toString()),
        files.toString());
    assertEquals(2, files.size(), "the config file and the script: " + files);
  }

  @Test
  void badCommandLinesExitWithTwoAndSayWhatToDo() throws Exception {
    String none = tmp.resolve("no-spark").toString();
    String jar = StandaloneCluster.jobJar("trainer-job").toString();
    Path c = conf("b.conf", "train.sweep = b\n");
    DryRun noMaster = dryRun(none, "--target", "standalone", "--jar", jar, "trainer", "prepare");
    assertEquals(2, noMaster.exitCode());
    assertTrue(noMaster.output().contains("needs --master spark://"), noMaster.output());
    DryRun job = dryRun(none, "--target", "local", "--jar", jar, "trainr", "prepare");
    assertEquals(2, job.exitCode());
    assertTrue(job.output().contains("unknown job 'trainr'"), job.output());
    DryRun image =
        dryRun(
            none,
            "--target",
            "k8s",
            "--master",
            "k8s://https://api:6443",
            "--jar",
            jar,
            "trainer",
            "sweep",
            "--config",
            c.toString());
    assertEquals(2, image.exitCode());
    assertTrue(image.output().contains("needs --image"), image.output());
    DryRun missing =
        dryRun(none, "--target", "local", "--jar", jar, "trainer", "prepare", "--config", "x.conf");
    assertEquals(2, missing.exitCode());
    assertTrue(missing.output().contains("x.conf: config file not found"), missing.output());
  }
}
