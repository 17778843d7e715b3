package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.ops.Renders.App;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pods and permissions the k8s/ overlays ask for: drivers and executors run as the image's
 * unprivileged user with no privilege escalation, a read-only root filesystem and writable emptyDir
 * volumes where Spark writes, with requests and limits set; a failed application is retried and a
 * finished one expires; the drivers' service account may manage pods, services, ConfigMaps and
 * claims in its own namespace and nothing else.
 */
class K8sPodSecurityTest {
  private static final String OVERLAYS = "io.scalinglab.ops.Renders#overlays";
  private static final Set<String> DRIVER_RESOURCES =
      Set.of("pods", "services", "configmaps", "persistentvolumeclaims");
  private static final Set<String> DRIVER_VERBS =
      Set.of("get", "list", "watch", "create", "patch", "update", "delete", "deletecollection");

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void podsRunUnprivilegedWithAReadOnlyRoot(Path overlay) {
    for (App app : Renders.apps(overlay)) {
      Dockerfile image = K8sManifestsTest.dockerfileOf(app);
      for (String role : List.of("driver", "executor")) {
        Map<String, Object> r = app.role(role);
        String where = app + " " + role;
        assertEquals(Boolean.TRUE, Tree.at(r, "podSecurityContext", "runAsNonRoot"), where);
        assertEquals(image.user(), Tree.string(r, "podSecurityContext", "runAsUser"), where);
        assertEquals(
            "RuntimeDefault",
            Tree.string(r, "podSecurityContext", "seccompProfile", "type"),
            where);
        assertEquals(Boolean.TRUE, Tree.at(r, "securityContext", "runAsNonRoot"), where);
        assertEquals(
            Boolean.FALSE, Tree.at(r, "securityContext", "allowPrivilegeEscalation"), where);
        assertEquals(Boolean.TRUE, Tree.at(r, "securityContext", "readOnlyRootFilesystem"), where);
        assertEquals(
            List.of("ALL"), Tree.list(r, "securityContext", "capabilities", "drop"), where);
        // With a read-only root, the JVM's temporary files and the working directory need volumes.
        Set<String> mounted = new HashSet<>();
        for (Object m : Tree.list(r, "volumeMounts")) {
          String volume = Tree.string(m, "name");
          Object spec =
              Tree.list(app.spec(), "volumes").stream()
                  .filter(v -> volume.equals(Tree.string(v, "name")))
                  .findFirst()
                  .orElseThrow(
                      () -> new AssertionError(where + " mounts missing volume " + volume));
          String path = Tree.string(m, "mountPath");
          if (path.equals("/tmp") || path.equals(image.workdir())) {
            assertNotNull(Tree.at(spec, "emptyDir"), where + ": " + path + " is an emptyDir");
            mounted.add(path);
          }
        }
        assertEquals(Set.of("/tmp", image.workdir()), mounted, where + ": writable folders");
        assertTrue(
            Tree.string(r, "javaOptions").contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/"),
            where + ": ND4J unpacks its native libraries into /tmp");
      }
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void podsSetRequestsAndLimits(Path overlay) {
    for (App app : Renders.apps(overlay)) {
      for (String role : List.of("driver", "executor")) {
        Map<String, Object> r = app.role(role);
        String where = app + " " + role;
        // The operator turns cores into the CPU request, coreLimit into the CPU limit, and
        // memory + memoryOverhead into the memory request and limit.
        assertTrue(r.get("cores") instanceof Integer c && c >= 1, where + ": cores");
        assertTrue(
            Double.parseDouble(Tree.string(r, "coreLimit")) >= (Integer) r.get("cores"),
            where + ": coreLimit >= cores");
        assertTrue(Tree.string(r, "memory").matches("\\d+[mg]"), where + ": memory");
        assertTrue(
            Tree.string(r, "memoryOverhead").matches("\\d+[mg]"), where + ": memoryOverhead");
      }
      assertTrue(
          app.role("executor").get("instances") instanceof Integer n && n >= 1, app.toString());
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void failedApplicationsAreRetriedAndFinishedOnesExpire(Path overlay) {
    for (App app : Renders.apps(overlay)) {
      Map<String, Object> restart = Tree.map(app.spec(), "restartPolicy");
      assertEquals("OnFailure", restart.get("type"), app.toString());
      for (String key :
          List.of(
              "onFailureRetries",
              "onFailureRetryInterval",
              "onSubmissionFailureRetries",
              "onSubmissionFailureRetryInterval")) {
        assertTrue(restart.get(key) instanceof Integer n && n >= 1, app + ": " + key);
      }
      assertTrue(
          app.spec().get("timeToLiveSeconds") instanceof Integer ttl && ttl > 0,
          app + ": timeToLiveSeconds");
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void driversActAsAnAccountLimitedToWhatSparkManages(Path overlay) {
    assertTrue(Renders.ofKind(overlay, "ClusterRole").isEmpty(), "no cluster-wide role");
    assertTrue(Renders.ofKind(overlay, "ClusterRoleBinding").isEmpty(), "no cluster-wide binding");
    for (Map<String, Object> role : Renders.ofKind(overlay, "Role")) {
      for (Object rule : Tree.list(role, "rules")) {
        assertEquals(List.of(""), Tree.list(rule, "apiGroups"), "core API group only: " + rule);
        assertTrue(DRIVER_RESOURCES.containsAll(Tree.list(rule, "resources")), rule.toString());
        assertTrue(DRIVER_VERBS.containsAll(Tree.list(rule, "verbs")), rule.toString());
      }
    }
    String account =
        Repo.sparkDefaults("deploy/conf/k8s.conf")
            .get("spark.kubernetes.authenticate.driver.serviceAccountName");
    Map<String, Object> sa = Renders.find(overlay, "ServiceAccount", account);
    List<Map<String, Object>> bindings = Renders.ofKind(overlay, "RoleBinding");
    assertTrue(
        bindings.stream()
            .anyMatch(
                b ->
                    "Role".equals(Tree.string(b, "roleRef", "kind"))
                        && Tree.list(b, "subjects").stream()
                            .anyMatch(
                                s ->
                                    account.equals(Tree.string(s, "name"))
                                        && Tree.string(sa, "metadata", "namespace")
                                            .equals(Tree.string(s, "namespace")))),
        "a RoleBinding gives " + account + " the Role");
    for (App app : Renders.apps(overlay)) {
      assertEquals(account, Tree.string(app.role("driver"), "serviceAccount"), app.toString());
    }
  }

  @ParameterizedTest
  @MethodSource(OVERLAYS)
  void everythingLivesInTheOverlaysNamespaceAndTheConfigMapsExist(Path overlay) {
    List<Map<String, Object>> namespaces = Renders.ofKind(overlay, "Namespace");
    assertEquals(1, namespaces.size(), "one Namespace");
    String ns = Tree.string(namespaces.get(0), "metadata", "name");
    for (Map<String, Object> r : Renders.render(overlay)) {
      if (!"Namespace".equals(r.get("kind"))) {
        assertEquals(ns, Tree.string(r, "metadata", "namespace"), r.get("kind") + " namespace");
      }
    }
    for (App app : Renders.apps(overlay)) {
      String hadoop = Tree.string(app.spec(), "hadoopConfigMap");
      Map<String, Object> data = Tree.map(Renders.find(overlay, "ConfigMap", hadoop), "data");
      assertEquals(Set.of("core-site.xml", "hdfs-site.xml"), data.keySet(), hadoop);
      assertTrue(data.get("core-site.xml").toString().contains("<name>fs.defaultFS</name>"));
      for (Object v : Tree.list(app.spec(), "volumes")) {
        String cm = Tree.string(v, "configMap", "name");
        if (cm != null) {
          Renders.find(overlay, "ConfigMap", cm);
        }
      }
    }
  }
}
