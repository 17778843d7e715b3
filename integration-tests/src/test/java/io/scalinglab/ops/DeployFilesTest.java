package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The files under {@code deploy/} that build and configure the images: the Dockerfiles copy jars
 * the build makes and files that exist, at the project's version, as an unprivileged user; the
 * Spark defaults open the JDK to Spark as bin/jvm-options does and point at files the images hold;
 * metrics.properties names Spark's own Prometheus servlet.
 */
class DeployFilesTest {
  private static final Pattern JOB_JAR =
      Pattern.compile("([a-z-]+)/target/(scalinglab-[a-z-]+)-(.+)-spark\\.jar");

  @ParameterizedTest
  @ValueSource(strings = {Dockerfile.CPU, Dockerfile.CUDA})
  void dockerfilesCopyTheJobsJarsAtTheProjectsVersion(String file) {
    Dockerfile d = Dockerfile.parse(file);
    assertEquals(Repo.version(), d.args().get("VERSION"), file + ": ARG VERSION");
    assertEquals(Repo.version(), d.labels().get("org.opencontainers.image.version"), file);
    assertTrue(d.from().get(0).startsWith("apache/spark:3.5."), file + ": " + d.from());
    assertTrue(d.from().get(0).contains("java17"), "Spark's Java 17 image: " + d.from());
    List<String> modules =
        d.copies().stream()
            .flatMap(c -> c.sources().stream())
            .map(JOB_JAR::matcher)
            .filter(java.util.regex.Matcher::matches)
            .map(
                m -> {
                  assertEquals(Repo.artifactId(m.group(1)), m.group(2), m.group());
                  assertEquals(Repo.version(), m.group(3), m.group());
                  return m.group(1);
                })
            .toList();
    assertEquals(List.of("trainer-job", "id-job", "analysis-job"), modules, file);
  }

  @ParameterizedTest
  @ValueSource(strings = {Dockerfile.CPU, Dockerfile.CUDA})
  void dockerfilesCopyFilesThatExistAndTheIgnoreFileLetsThrough(String file) throws IOException {
    Dockerfile d = Dockerfile.parse(file);
    List<String> ignore =
        Files.readAllLines(Repo.path(file + ".dockerignore")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertEquals("*", ignore.get(0), "the build context holds only what is let through");
    for (Dockerfile.Copy c : d.copies()) {
      if (c.stage() != null) {
        continue;
      }
      for (String src : c.sources()) {
        if (!JOB_JAR.matcher(src).matches()) {
          assertTrue(Files.exists(Repo.path(src)), file + " copies " + src + ", which is missing");
        }
        String glob = src.replace("-" + Repo.version() + "-", "-*-");
        assertTrue(ignore.contains("!" + glob), file + ".dockerignore lets " + glob + " through");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Dockerfile.CPU, Dockerfile.CUDA})
  void imagesRunAsTheUnprivilegedSparkUserAndHoldNoSecrets(String file) {
    Dockerfile d = Dockerfile.parse(file);
    assertNotNull(d.user(), file + " sets USER");
    assertTrue(d.user().matches("[1-9][0-9]*"), "a numeric non-root USER: " + d.user());
    Pattern secretName = Pattern.compile("(?i).*(password|secret|token|credential|_key).*");
    Pattern secretFile =
        Pattern.compile("(?i).*(keytab|\\.pem|\\.key|credentials|\\.aws|\\.ssh).*");
    d.args()
        .keySet()
        .forEach(a -> assertTrue(!secretName.matcher(a).matches(), file + ": ARG " + a));
    d.copies().stream()
        .flatMap(c -> c.sources().stream())
        .forEach(src -> assertTrue(!secretFile.matcher(src).matches(), file + " copies " + src));
    assertTrue(d.title().startsWith("scalinglab/"), file + ": image title " + d.title());
  }

  @Test
  void theCudaImageRunsTheSameSparkAndJavaOnCuda116() {
    Dockerfile cuda = Dockerfile.parse(Dockerfile.CUDA);
    Dockerfile cpu = Dockerfile.parse(Dockerfile.CPU);
    assertEquals(cpu.from().get(0), cuda.from().get(0), "Spark comes from the CPU image's base");
    assertTrue(cuda.from().get(1).startsWith("nvidia/cuda:11.6."), cuda.from().toString());
    assertTrue(cuda.from().get(1).contains("runtime"), cuda.from().toString());
    assertTrue(
        cuda.copies().stream()
            .anyMatch(c -> "spark".equals(c.stage()) && c.sources().contains("/opt/spark")),
        "Spark copied from the Spark image");
  }

  @Test
  void sparkDefaultsOpenTheJdkAsTheLauncherDoes() {
    Map<String, String> defaults = Repo.sparkDefaults("deploy/spark-defaults.conf");
    for (String key : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
      assertEquals(
          Repo.jvmOptions(),
          Arrays.asList(defaults.get(key).split("\\s+")),
          key + " = bin/jvm-options");
    }
  }

  @Test
  void sparkDefaultsLogEventsToHdfsAndNameFilesTheImagesHold() {
    Map<String, String> defaults = Repo.sparkDefaults("deploy/spark-defaults.conf");
    assertEquals("true", defaults.get("spark.eventLog.enabled"));
    assertTrue(defaults.get("spark.eventLog.dir").startsWith("hdfs://"));
    assertEquals(defaults.get("spark.eventLog.dir"), defaults.get("spark.history.fs.logDirectory"));
    Dockerfile cpu = Dockerfile.parse(Dockerfile.CPU);
    for (String key :
        List.of(
            "spark.metrics.conf",
            "spark.executor.resource.gpu.discoveryScript",
            "spark.worker.resource.gpu.discoveryScript")) {
      String inImage = defaults.get(key);
      assertNotNull(
          cpu.contextPathOf(inImage), key + " = " + inImage + ", which no COPY puts there");
    }
    assertEquals(
        "deploy/gpu/discover-gpus.sh",
        cpu.contextPathOf(defaults.get("spark.executor.resource.gpu.discoveryScript")));
    assertEquals(
        "deploy/spark-defaults.conf", cpu.contextPathOf("/opt/spark/conf/spark-defaults.conf"));
  }

  @Test
  void theGpuDefaultsGiveEveryRunOneGpu() {
    Map<String, String> gpu = Repo.sparkDefaults("deploy/gpu/spark-defaults.conf");
    assertEquals("1", gpu.get("spark.executor.resource.gpu.amount"));
    assertEquals("1", gpu.get("spark.task.resource.gpu.amount"));
    Map<String, String> common = Repo.sparkDefaults("deploy/spark-defaults.conf");
    assertEquals("nvidia.com", common.get("spark.executor.resource.gpu.vendor"));
  }

  @Test
  void metricsPropertiesEnableSparksPrometheusServlet() throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(Repo.read("deploy/metrics.properties")));
    String sink = p.getProperty("*.sink.prometheusServlet.class");
    assertEquals("org.apache.spark.metrics.sink.PrometheusServlet", sink);
    Class.forName(sink);
    Class.forName(p.getProperty("driver.source.jvm.class"));
    assertEquals("/metrics/prometheus", p.getProperty("*.sink.prometheusServlet.path"));
    String prometheus = Repo.read("deploy/prometheus/prometheus.yml");
    assertTrue(prometheus.contains("metrics_path: /metrics/prometheus/"), "driver servlet scraped");
    assertTrue(
        prometheus.contains("metrics_path: /metrics/executors/prometheus/"),
        "executors' servlet scraped");
  }

  @Test
  void prometheusScrapesThePushgatewayKeepingThePushedLabels() {
    Object config = Tree.yaml(Repo.read("deploy/prometheus/prometheus.yml")).get(0);
    Map<String, Object> push =
        Tree.list(config, "scrape_configs").stream()
            .map(j -> Tree.map(j))
            .filter(j -> "scalinglab-pushgateway".equals(j.get("job_name")))
            .findFirst()
            .orElseThrow();
    assertEquals(Boolean.TRUE, push.get("honor_labels"));
    assertTrue(Tree.string(push, "static_configs", 0, "targets", 0).endsWith(":9091"));
  }

  @Test
  void everyShellScriptUnderDeployIsExecutable() throws IOException {
    try (Stream<Path> files = Files.walk(Repo.path("deploy"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".sh")).toList()) {
        assertTrue(Files.isExecutable(p), p + " is executable");
      }
    }
  }
}
