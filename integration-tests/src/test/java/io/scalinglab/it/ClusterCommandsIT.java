package io.scalinglab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster commands the READMEs show, and the launcher's way to a cluster: every {@code
 * deploy/submit} command and every {@code bin/scalinglab ... --master <cluster>} command in {@code
 * README.md} and {@code deploy/README.md} runs here as a dry run (placeholders such as {@code
 * <api>} filled in, config files made), and prints a spark-submit command line for the job's main
 * class. {@link YarnClusterIT} and {@link StandaloneClusterIT} run their YARN and standalone forms
 * for real. Where the launcher cannot submit, it says what to set in one line within seconds.
 */
class ClusterCommandsIT {
  private static final Pattern BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern INLINE =
      Pattern.compile("`((?:deploy/submit|bin/scalinglab) [^`]+)`");

  @TempDir static Path cwd;

  /** A working folder with the config files the READMEs' commands name. */
  @BeforeAll
  static void configs() throws IOException {
    String sweep = "train.sweep = s\n";
    for (String name : List.of("configs/sweeps/s.conf", "configs/clusters/mine.conf", "s.conf")) {
      Files.createDirectories(cwd.resolve(name).getParent());
      Files.writeString(cwd.resolve(name), sweep);
    }
    Path datasets = cwd.resolve("configs/datasets");
    Files.createDirectories(datasets);
    try (var files = Files.list(StandaloneCluster.checkout().resolve("configs/datasets"))) {
      for (Path f : files.toList()) {
        Files.copy(f, datasets.resolve(f.getFileName()));
      }
    }
  }

  /** The cluster commands of README.md and deploy/README.md, one string each. */
  static Set<String> readmeCommands() throws IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String readme : List.of("README.md", "deploy/README.md")) {
      String text = Files.readString(StandaloneCluster.checkout().resolve(readme));
      Matcher b = BLOCK.matcher(text);
      while (b.find()) {
        String joined = b.group(1).replaceAll("\\\\\\n\\s*", " ");
        for (String line : joined.lines().toList()) {
          String l = line.replaceAll("\\s+#.*$", "").strip();
          if (isCluster(l)) {
            out.add(l);
          }
        }
      }
      Matcher i = INLINE.matcher(text);
      while (i.find()) {
        String l = i.group(1).replaceAll("\\s+", " ").strip();
        if (isCluster(l)) {
          out.add(l);
        }
      }
    }
    return out;
  }

  static boolean isCluster(String line) {
    // A command names its job; prose also quotes fragments such as `deploy/submit --dry-run`
    // and `bin/scalinglab … --master yarn`.
    if (line.contains("…")) {
      return false;
    }
    return (line.startsWith("deploy/submit --") && line.matches(".* (trainer|id|analysis) .*"))
        || (line.startsWith("bin/scalinglab ")
            && line.matches(".*--master (yarn|spark://|k8s://).*"));
  }

  @Test
  void everyClusterCommandOfTheReadmesRunsAsADryRun() throws Exception {
    Set<String> commands = readmeCommands();
    assertTrue(
        commands.stream().anyMatch(c -> c.startsWith("bin/scalinglab"))
            && commands.stream().anyMatch(c -> c.contains("--target yarn"))
            && commands.stream().anyMatch(c -> c.contains("--target k8s"))
            && commands.stream().anyMatch(c -> c.contains("--target standalone")),
        "the READMEs' cluster commands: " + commands);
    for (String readme : commands) {
      String filled =
          readme
              .replace("<api>", "api.example")
              .replace("<version>", "0.1.0")
              .replace("--config ...", "--config configs/sweeps/s.conf")
              .replace("hdfs://namenode:8020/corpora", "hdfs:///corpora");
      List<String> words = words(filled);
      String program = words.get(0);
      List<String> argv = new ArrayList<>();
      argv.add("bash");
      argv.add(StandaloneCluster.checkout().resolve(program).toString());
      if (program.equals("deploy/submit")) {
        argv.add("--dry-run");
        argv.addAll(words.subList(1, words.size()));
      } else {
        argv.addAll(words.subList(1, words.size()));
        argv.add("--dry-run");
      }
      Run r = run(argv, Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString()));
      assertEquals(0, r.exit(), () -> readme + "\n" + r.output());
      assertTrue(
          r.output().matches("(?s).*--class io\\.scalinglab\\.\\w+\\.\\w+Main.*"),
          () -> readme + "\n" + r.output());
    }
  }

  @Test
  void theLauncherHandsAClusterMasterToDeploySubmit() throws Exception {
    Run r =
        run(
            List.of(
                "bash",
                checkout("bin/scalinglab"),
                "sweep",
                "--config",
                "s.conf",
                "--master",
                "spark://head:7077",
                "--conf",
                "spark.executor.memory=6g",
                "--dry-run"),
            Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString()));
    assertEquals(0, r.exit(), r.output());
    String out = r.output();
    assertTrue(out.contains("--master spark://head:7077"), out);
    assertTrue(out.contains("--class io.scalinglab.trainer.TrainerMain"), out);
    assertTrue(out.contains("--conf spark.executor.memory=6g"), out);
    assertTrue(out.matches("(?s).*-spark\\.jar \\\\\\n\\s+sweep.*"), "the job's command: " + out);
    assertTrue(out.contains("--config " + cwd.resolve("s.conf").toRealPath()), out);
    assertFalse(out.contains("--master spark://head:7077 \\\n  --dry-run"), out);
  }

  @Test
  void whereTheLauncherCannotSubmitItSaysWhatToSetInOneLine() throws Exception {
    String spark = StandaloneCluster.sparkHome().toString();
    assertOneLine(
        List.of("prepare", "--config", "s.conf", "--master", "yarn"),
        Map.of("SPARK_HOME", spark),
        "HADOOP_CONF_DIR");
    assertOneLine(
        List.of("sweep", "--config", "s.conf", "--master", "spark://head:7077"),
        Map.of("PATH", "/usr/bin:/bin"),
        "set SPARK_HOME");
    assertOneLine(
        List.of("id", "--sweep", "s", "--master", "k8s://https://api.example:6443"),
        Map.of("SPARK_HOME", spark),
        "spark.kubernetes.container.image");
    assertOneLine(
        List.of("train", "--config", "s.conf", "--master", "yarn"),
        Map.of("SPARK_HOME", spark, "HADOOP_CONF_DIR", cwd.toString()),
        "runs in this JVM only");
    assertOneLine(List.of("sweep", "--master", "mesos://head:5050"), Map.of(), "is invalid");
  }

  private static void assertOneLine(List<String> args, Map<String, String> env, String names)
      throws Exception {
    List<String> argv = new ArrayList<>(List.of("bash", checkout("bin/scalinglab")));
    argv.addAll(args);
    long start = System.nanoTime();
    Run r = run(argv, env);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(2, r.exit(), r.output());
    assertEquals(1, r.output().strip().lines().count(), "one line: " + r.output());
    assertTrue(r.output().startsWith("scalinglab: "), r.output());
    assertTrue(r.output().contains(names), r.output());
    assertTrue(seconds < 10, "answered in " + seconds + " s");
  }

  record Run(int exit, String output) {}

  /**
   * Runs {@code argv} in the working folder with a clean environment (no HADOOP_CONF_DIR,
   * SPARK_HOME or build) plus {@code env}.
   */
  static Run run(List<String> argv, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.remove("HADOOP_CONF_DIR");
    e.remove("YARN_CONF_DIR");
    e.remove("SPARK_HOME");
    e.put("JAVA_HOME", System.getProperty("java.home"));
    e.put("SCALINGLAB_NO_BUILD", "1");
    e.put("TMPDIR", cwd.toString());
    e.putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }

  /** A command line split into words as bash would (quotes removed). */
  static List<String> words(String line) throws Exception {
    Process split =
        new ProcessBuilder("bash", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "_", line)
            .start();
    String out = new String(split.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, split.waitFor(), line);
    return List.of(out.split("\0"));
  }

  static String checkout(String path) {
    return StandaloneCluster.checkout().resolve(path).toString();
  }
}
