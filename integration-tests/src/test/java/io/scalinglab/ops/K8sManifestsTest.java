package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.AnalyzeCommand;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.JobOptions;
import io.scalinglab.core.config.IdConfig;
import io.scalinglab.core.config.KeyedEnum;
import io.scalinglab.core.config.MetricsSettings;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.TrainSettings;
import io.scalinglab.id.IdCommand;
import io.scalinglab.ops.Renders.App;
import io.scalinglab.trainer.PrepareCommand;
import io.scalinglab.trainer.SweepCommand;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Spark application the k8s/ overlays render runs a job the way the job and the image expect:
 * its main class is its jar's, the jar and the image are the ones deploy/ builds at the project's
 * version, its arguments parse with the job's own parser and name config files that load against
 * reference.conf, and its Spark settings are the image's spark-defaults.conf.
 */
class K8sManifestsTest {
  private static final String OVERLAYS = "io.scalinglab.ops.Renders#overlays";
  private static final Pattern FILE_INCLUDE = Pattern.compile("file\\(\"(/[^\"]+)\"\\)");

  @TempDir Path tmp;

  @Test
  void kubectlRendersWithKustomizeV5() {
    // a machine without it fails here, once, rather than skipping the checks below
    String version = Kubectl.kustomizeVersion();
    System.out.println("K8sManifestsTest: kubectl kustomize, kustomize v" + version);
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void theStagesAreOneApplicationEach(Path overlay) {
    Map<String, String> stages = new HashMap<>();
    for (Map<String, Object> r : Renders.render(overlay)) {
      String stage = Tree.string(r, "metadata", "labels", "scalinglab.io/stage");
      assertNotNull(stage, r.get("kind") + " " + Tree.string(r, "metadata", "name") + ": stage");
      if ("SparkApplication".equals(r.get("kind"))) {
        assertEquals(null, stages.put(stage, Tree.string(r, "spec", "mainClass")), stage);
      }
    }
    assertEquals(Set.of("prepare", "sweep", "id", "analyze"), stages.keySet(), overlay.toString());
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void mainClassesAndJarsAreTheJobsTheImageHolds(Path overlay) throws Exception {
    for (App app : Renders.apps(overlay)) {
      String jar = Tree.string(app.spec(), "mainApplicationFile");
      assertTrue(jar.startsWith("local:///"), app + ": a jar inside the image, not " + jar);
      String source = dockerfileOf(app).contextPathOf(jar.substring("local://".length()));
      assertNotNull(source, app + ": no COPY of the image puts a jar at " + jar);
      String module = source.substring(0, source.indexOf('/'));
      assertEquals(
          module + "/target/" + Repo.artifactId(module) + "-" + Repo.version() + "-spark.jar",
          source,
          app + ": the image's " + jar);
      String mainClass = Tree.string(app.spec(), "mainClass");
      assertEquals(Repo.mainClass(module), mainClass, app + ": the Main-Class of " + source);
      Method main = Class.forName(mainClass).getMethod("main", String[].class);
      assertTrue(Modifier.isStatic(main.getModifiers()), mainClass + ".main is static");
      assertEquals("Java", Tree.string(app.spec(), "type"), app.toString());
      assertEquals("cluster", Tree.string(app.spec(), "mode"), app.toString());
      assertTrue(Tree.string(app.spec(), "sparkVersion").startsWith("3.5."), app.toString());
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void imagesAreTheProjectsAtItsVersion(Path overlay) {
    for (App app : Renders.apps(overlay)) {
      String image = Tree.string(app.spec(), "image");
      Dockerfile d = dockerfileOf(app);
      assertEquals(d.title() + ":" + Repo.version(), image, app.toString());
      boolean gpu =
          Tree.at(app.role("executor"), "gpu") != null
              || Tree.map(app.spec(), "sparkConf")
                  .containsKey("spark.executor.resource.gpu.amount");
      if (gpu) {
        assertEquals(Dockerfile.parse(Dockerfile.CUDA).title(), d.title(), app + " asks for GPUs");
      }
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void argumentsParseWithTheJobsParsersAndTheirConfigsLoad(Path overlay) throws IOException {
    for (App app : Renders.apps(overlay)) {
      List<String> arguments =
          Tree.list(app.spec(), "arguments").stream().map(Object::toString).toList();
      Parsed parsed = parse(Tree.string(app.spec(), "mainClass"), arguments);
      for (String word : arguments) {
        if (word.startsWith("--")) {
          String flag = word.split("=", 2)[0];
          assertTrue(parsed.help().contains(flag), app + ": " + flag + " is in the job's help");
        }
      }
      // The same command line with each config file where this test wrote what the driver sees.
      List<String> mapped = new ArrayList<>(arguments);
      for (int i = 0; i + 1 < mapped.size(); i++) {
        if (mapped.get(i).equals("--config")) {
          mapped.set(i + 1, mounted(overlay, app, mapped.get(i + 1)).toString());
        }
      }
      ScalinglabConfig config;
      TrainSettings train;
      MetricsSettings metrics;
      try {
        config = JobOptions.config(parse(Tree.string(app.spec(), "mainClass"), mapped).args());
        config.model();
        train = config.train();
        config.sweep();
        config.id();
        config.analysis();
        metrics = config.metrics();
      } catch (RuntimeException e) {
        throw new AssertionError(
            app + " of " + overlay + ": its config does not load: " + e.getMessage(), e);
      }
      if (parsed.args().has("--sweep")) {
        assertEquals(
            train.sweep(), parsed.args().get("--sweep", null), app + ": --sweep is train.sweep");
      }
      for (String p : parsed.args().get("--protocol", "global").split(",")) {
        assertTrue(KeyedEnum.find(IdConfig.Protocol.class, p).isPresent(), app + ": protocol " + p);
      }
      for (String role : List.of("driver", "executor")) {
        String port = Tree.string(app.role(role), "annotations", "prometheus.io/port");
        if (port != null) {
          assertEquals(Integer.toString(metrics.port()), port, app + " " + role + ": metrics.port");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void sparkSettingsAreTheImagesDefaults(Path overlay) {
    Map<String, String> common = Repo.sparkDefaults("deploy/spark-defaults.conf");
    Map<String, String> gpu = Repo.sparkDefaults("deploy/gpu/spark-defaults.conf");
    for (App app : Renders.apps(overlay)) {
      Map<String, Object> sparkConf = Tree.map(app.spec(), "sparkConf");
      sparkConf.forEach(
          (k, v) -> assertTrue(v instanceof String, app + ": sparkConf " + k + " is a string"));
      Map<String, String> effective = effectiveConf(app);
      Map<String, String> expected = new HashMap<>(common);
      if (sparkConf.containsKey("spark.executor.resource.gpu.amount")) {
        expected.putAll(gpu);
      }
      for (Map.Entry<String, String> e : expected.entrySet()) {
        if (e.getKey().endsWith(".extraJavaOptions")) {
          String role = e.getKey().split("\\.")[1];
          List<String> options =
              Arrays.asList(Tree.string(app.role(role), "javaOptions").strip().split("\\s+"));
          assertEquals(
              Repo.jvmOptions(),
              options.subList(0, Math.min(options.size(), Repo.jvmOptions().size())),
              app + " " + role + ".javaOptions start with bin/jvm-options");
        } else {
          assertEquals(e.getValue(), effective.get(e.getKey()), app + ": " + e.getKey());
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void theNightlySweepIsTheSweepApplication(Path overlay) {
    Map<String, Object> sweep =
        Tree.map(Renders.find(overlay, "SparkApplication", "scalinglab-sweep"), "spec");
    for (Map<String, Object> s : Renders.ofKind(overlay, "ScheduledSparkApplication")) {
      assertEquals(
          sweep,
          Tree.map(s, "spec", "template"),
          "the template of " + Tree.string(s, "metadata", "name"));
      assertTrue(Tree.string(s, "spec", "schedule").split(" ").length == 5, "a cron schedule");
      assertEquals("Forbid", Tree.string(s, "spec", "concurrencyPolicy"), "one sweep at a time");
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void prometheusFindsThePodsByTheAnnotationsTheyCarry(Path overlay) {
    Set<String> annotations = new java.util.TreeSet<>();
    for (App app : Renders.apps(overlay)) {
      for (String role : List.of("driver", "executor")) {
        for (String key : Tree.map(app.role(role), "annotations").keySet()) {
          annotations.add(key.replaceAll("[^a-zA-Z0-9_]", "_"));
        }
      }
    }
    Matcher m =
        Pattern.compile("__meta_kubernetes_pod_annotation_([a-zA-Z0-9_]+)")
            .matcher(Repo.read("deploy/prometheus/prometheus.yml"));
    int found = 0;
    while (m.find()) {
      found++;
      assertTrue(
          annotations.contains(m.group(1)),
          "prometheus.yml reads annotation "
              + m.group(1)
              + ", which no pod of "
              + overlay
              + " carries: "
              + annotations);
    }
    assertTrue(found > 0);
  }

  /** A job's parsed arguments and the help text its flags must appear in. */
  record Parsed(Args args, String help) {}

  /** Parses {@code arguments} as {@code mainClass} would before running anything. */
  static Parsed parse(String mainClass, List<String> arguments) {
    String[] argv = arguments.toArray(String[]::new);
    String[] rest = Arrays.copyOfRange(argv, Math.min(1, argv.length), argv.length);
    return switch (mainClass) {
      case "io.scalinglab.trainer.TrainerMain" ->
          switch (argv.length == 0 ? "" : argv[0]) {
            case "prepare" ->
                new Parsed(JobOptions.args("prepare", rest), PrepareCommand.help("t"));
            case "sweep" -> new Parsed(JobOptions.args("sweep", rest), SweepCommand.help("t"));
            default -> throw new AssertionError("TrainerMain has no command " + arguments);
          };
      case "io.scalinglab.id.IdMain" ->
          new Parsed(IdCommand.args("id", argv), IdCommand.help("id"));
      case "io.scalinglab.analysis.AnalysisMain" ->
          new Parsed(AnalyzeCommand.args("analyze", argv), AnalyzeCommand.help("analyze"));
      default -> throw new AssertionError("no parser known for " + mainClass);
    };
  }

  /**
   * Writes the file the driver of {@code app} sees at {@code path} (a key of a ConfigMap mounted
   * there) into the test's folder, with the image paths it includes mapped to the repository files
   * the image copies there.
   */
  private Path mounted(Path overlay, App app, String path) throws IOException {
    for (Object m : Tree.list(app.role("driver"), "volumeMounts")) {
      String mountPath = Tree.string(m, "mountPath");
      if (!path.startsWith(mountPath + "/")) {
        continue;
      }
      String volume = Tree.string(m, "name");
      String configMap =
          Tree.list(app.spec(), "volumes").stream()
              .filter(v -> volume.equals(Tree.string(v, "name")))
              .map(v -> Tree.string(v, "configMap", "name"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(app + ": volume " + volume + " is no ConfigMap"));
      String key = path.substring(mountPath.length() + 1);
      String text = Tree.string(Renders.find(overlay, "ConfigMap", configMap), "data", key);
      assertNotNull(text, app + ": ConfigMap " + configMap + " has no " + key);
      Dockerfile image = dockerfileOf(app);
      Matcher inc = FILE_INCLUDE.matcher(text);
      StringBuilder sb = new StringBuilder();
      while (inc.find()) {
        String source = image.contextPathOf(inc.group(1));
        assertNotNull(
            source, app + ": " + path + " includes " + inc.group(1) + ", which the image lacks");
        assertTrue(Files.isRegularFile(Repo.path(source)), source);
        inc.appendReplacement(sb, Matcher.quoteReplacement("file(\"" + Repo.path(source) + "\")"));
      }
      inc.appendTail(sb);
      Path file = tmp.resolve(app.name()).resolve(key);
      Files.createDirectories(file.getParent());
      Files.writeString(file, sb.toString());
      return file;
    }
    throw new AssertionError(app + ": nothing is mounted at " + path + " in the driver");
  }

  /** The Dockerfile that builds the image {@code app} runs. */
  static Dockerfile dockerfileOf(App app) {
    String image = Tree.string(app.spec(), "image");
    for (String file : List.of(Dockerfile.CPU, Dockerfile.CUDA)) {
      Dockerfile d = Dockerfile.parse(file);
      if (image.startsWith(d.title() + ":")) {
        return d;
      }
    }
    throw new AssertionError(
        app + ": image " + image + " is built by no Dockerfile under deploy/docker");
  }

  /**
   * The Spark settings the operator submits {@code app} with, from sparkConf and the pod fields.
   */
  private static Map<String, String> effectiveConf(App app) {
    Map<String, String> conf = new HashMap<>();
    Tree.map(app.spec(), "sparkConf").forEach((k, v) -> conf.put(k, v.toString()));
    for (String role : List.of("driver", "executor")) {
      Map<String, Object> r = app.role(role);
      for (String field : List.of("cores", "memory", "memoryOverhead", "instances")) {
        if (r.containsKey(field)) {
          conf.put("spark." + role + "." + field, r.get(field).toString());
        }
      }
    }
    return conf;
  }
}
