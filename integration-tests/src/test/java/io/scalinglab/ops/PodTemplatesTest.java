package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pod templates of plain {@code spark-submit --master k8s://} (deploy/k8s/, passed by {@code
 * deploy/submit --target k8s}) give the driver and executor pods what the operator path gives them
 * (the sweep application of k8s/overlays/cpu, rendered by kubectl): the same pod and container
 * security contexts and writable emptyDir volumes, valid against the schemas the operator's CRD
 * holds for those Kubernetes fields; and deploy/submit asks for the same requests and limits.
 */
class PodTemplatesTest {
  private static final Path CPU = Repo.path("k8s/overlays/cpu");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "sparkoperator.k8s.io/v1beta2";

  @ParameterizedTest
  @ValueSource(strings = {"driver", "executor"})
  void templatesCarryTheOperatorPathsPodSecurity(String role) {
    Map<String, Object> template = template(role);
    Map<String, Object> sweep = Tree.map(operatorSweep(), "spec");
    Map<String, Object> operator = Tree.map(sweep, role);
    assertEquals("v1", template.get("apiVersion"));
    assertEquals("Pod", template.get("kind"));
    assertEquals(
        Tree.map(operator, "labels"), Tree.map(template, "metadata", "labels"), role + " labels");
    assertEquals(
        Tree.map(operator, "podSecurityContext"),
        Tree.map(template, "spec", "securityContext"),
        role + ": the pod's security context");
    List<Object> containers = Tree.list(template, "spec", "containers");
    assertEquals(1, containers.size(), role + ": Spark's container only");
    assertEquals(
        Tree.map(operator, "securityContext"),
        Tree.map(containers.get(0), "securityContext"),
        role + ": the container's security context");
    // the operator path's mounts of emptyDir volumes (ConfigMaps are that path's own)
    List<Object> mounts = new ArrayList<>();
    List<Object> volumes = new ArrayList<>();
    for (Object m : Tree.list(operator, "volumeMounts")) {
      for (Object v : Tree.list(sweep, "volumes")) {
        if (Tree.string(v, "name").equals(Tree.string(m, "name"))
            && Tree.at(v, "emptyDir") != null) {
          mounts.add(m);
          volumes.add(v);
        }
      }
    }
    assertEquals(2, mounts.size(), role + ": /tmp and the working directory");
    assertEquals(mounts, Tree.list(containers.get(0), "volumeMounts"), role + " mounts");
    assertEquals(volumes, Tree.list(template, "spec", "volumes"), role + " volumes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"driver", "executor"})
  void templatesAreValidForTheKubernetesSchemasTheCrdHolds(String role) {
    JsonNode t = JSON.valueToTree(template(role));
    JsonNode container = t.path("spec").path("containers").path(0);
    Map<JsonNode, String[]> parts = new HashMap<>();
    parts.put(
        t.path("spec").path("securityContext"), new String[] {"spec", role, "podSecurityContext"});
    parts.put(container.path("securityContext"), new String[] {"spec", role, "securityContext"});
    parts.put(t.path("metadata").path("labels"), new String[] {"spec", role, "labels"});
    for (JsonNode m : container.path("volumeMounts")) {
      parts.put(m, new String[] {"spec", role, "volumeMounts", "items"});
    }
    for (JsonNode v : t.path("spec").path("volumes")) {
      parts.put(v, new String[] {"spec", "volumes", "items"});
    }
    parts.forEach(
        (value, path) ->
            assertEquals(
                List.of(),
                OperatorSchema.errors(API, "SparkApplication", value, path),
                role + " template, " + String.join(".", path)));
  }

  @Test
  void theSchemaCheckOfATemplateCatchesAMisspeltField() {
    JsonNode securityContext =
        JSON.valueToTree(Map.of("runAsNonRoot", true, "readOnlyRootFileSystem", true));
    List<String> errors =
        OperatorSchema.errors(
            API, "SparkApplication", securityContext, "spec", "driver", "securityContext");
    assertTrue(
        errors.stream().anyMatch(e -> e.contains("readOnlyRootFileSystem")), errors.toString());
  }

  @Test
  void deploySubmitPassesTheTemplatesAndTheOperatorPathsSizes() throws Exception {
    Map<String, String> conf = dryRunConf();
    for (String role : List.of("driver", "executor")) {
      assertEquals(
          Repo.path("deploy/k8s/" + role + "-pod-template.yaml").toString(),
          conf.get("spark.kubernetes." + role + ".podTemplateFile"),
          role + " template");
      assertTrue(
          Files.isRegularFile(Path.of(conf.get("spark.kubernetes." + role + ".podTemplateFile"))));
      Map<String, Object> operator = Tree.map(operatorSweep(), "spec", role);
      String where = "deploy/submit --target k8s, " + role + " as the operator's sweep";
      assertEquals(Tree.string(operator, "cores"), conf.get("spark." + role + ".cores"), where);
      assertEquals(
          Tree.string(operator, "coreLimit"),
          conf.get("spark.kubernetes." + role + ".limit.cores"),
          where);
      assertEquals(Tree.string(operator, "memory"), conf.get("spark." + role + ".memory"), where);
      assertEquals(
          Tree.string(operator, "memoryOverhead"),
          conf.get("spark." + role + ".memoryOverhead"),
          where);
      // with a read-only root, ND4J must unpack its native libraries into the /tmp volume
      assertTrue(
          conf.get("spark." + role + ".extraJavaOptions")
              .contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/"),
          where + ": javacpp cachedir");
    }
    assertEquals(
        Tree.string(operatorSweep(), "spec", "executor", "instances"),
        conf.get("spark.executor.instances"));
  }

  private static Map<String, Object> template(String role) {
    return Tree.map(Tree.yaml(Repo.read("deploy/k8s/" + role + "-pod-template.yaml")).get(0));
  }

  private static Map<String, Object> operatorSweep() {
    return Renders.find(CPU, "SparkApplication", "scalinglab-sweep");
  }

  /** The --conf settings of {@code deploy/submit --dry-run --target k8s} for the sweep. */
  private static Map<String, String> dryRunConf() throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                Repo.path("deploy/submit").toString(),
                "--dry-run",
                "--target",
                "k8s",
                "--master",
                "k8s://https://api:6443",
                "--image",
                "scalinglab/spark:" + Repo.version(),
                "--jar",
                "local:///opt/scalinglab/jars/scalinglab-trainer-job.jar",
                "trainer",
                "sweep")
            .redirectErrorStream(true);
    pb.environment().remove("SPARK_HOME");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    Map<String, String> conf = new HashMap<>();
    for (String line : out.lines().map(String::strip).toList()) {
      if (line.startsWith("--conf ")) {
        String kv = line.substring("--conf ".length()).replaceAll(" \\\\$", "");
        if (kv.startsWith("'")) {
          kv = kv.substring(1, kv.length() - 1);
        }
        String[] parts = kv.split("=", 2);
        conf.put(parts[0], parts[1]);
      }
    }
    return conf;
  }
}
