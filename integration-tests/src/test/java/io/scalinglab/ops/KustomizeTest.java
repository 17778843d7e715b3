package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Kustomize} renders the overlays as kustomize does: where {@code kubectl} or {@code
 * kustomize} is on the PATH, every overlay's render equals theirs resource by resource; elsewhere
 * that comparison is skipped with the reason printed, and the renderer's own rules are tested on
 * small kustomizations.
 */
class KustomizeTest {
  @TempDir Path tmp;

  static Stream<Path> overlays() throws IOException {
    return Renders.overlays();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void rendersAsKustomizeRenders(Path overlay) throws Exception {
    Optional<List<String>> tool = kustomizeCommand();
    if (tool.isEmpty()) {
      String reason =
          "neither kubectl nor kustomize is on the PATH: "
              + overlay
              + " not compared with kustomize";
      System.out.println("KustomizeTest: skipped, " + reason);
      Assumptions.abort(reason);
    }
    List<String> command = new ArrayList<>(tool.get());
    command.add(overlay.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(command + " failed: " + err);
    }
    List<Map<String, Object>> theirs = new ArrayList<>();
    Kustomize.loadAll(out).forEach(d -> theirs.add(Tree.map(d)));
    assertEquals(byName(theirs), byName(Kustomize.build(overlay)), overlay.toString());
  }

  @Test
  void patchesMergeMapsReplaceListsAndDeleteNulls() throws IOException {
    write(
        "base/kustomization.yaml",
        "resources: [app.yaml]\nnamespace: ns\nlabels:\n  - pairs: {team: ml}\n");
    write(
        "base/app.yaml",
        """
        apiVersion: sparkoperator.k8s.io/v1beta2
        kind: SparkApplication
        metadata: {name: a}
        spec: {arguments: [x, y], sparkConf: {k1: "1", k2: "2"}, driver: {cores: 1}}
        """);
    write(
        "overlay/kustomization.yaml",
        """
        resources: [../base]
        patches:
          - target: {kind: SparkApplication}
            patch: |-
              apiVersion: sparkoperator.k8s.io/v1beta2
              kind: SparkApplication
              metadata: {name: ignored}
              spec: {arguments: [z], sparkConf: {k2: null, k3: "3"}, driver: {memory: 1g}}
        """);
    Map<String, Object> app = Kustomize.build(tmp.resolve("overlay")).get(0);
    assertEquals("a", Tree.string(app, "metadata", "name"));
    assertEquals("ns", Tree.string(app, "metadata", "namespace"));
    assertEquals(Map.of("team", "ml"), Tree.map(app, "metadata", "labels"));
    assertEquals(List.of("z"), Tree.list(app, "spec", "arguments"));
    assertEquals(Map.of("k1", "1", "k3", "3"), Tree.map(app, "spec", "sparkConf"));
    assertEquals(Map.of("cores", 1, "memory", "1g"), Tree.map(app, "spec", "driver"));
  }

  @Test
  void generatedConfigMapsAreReplacedByOverlays() throws IOException {
    write(
        "base/kustomization.yaml",
        """
        configMapGenerator:
          - {name: conf, files: [a.conf], literals: [x=1]}
        generatorOptions: {disableNameSuffixHash: true, labels: {stage: setup}}
        """);
    write("base/a.conf", "a = 1\n");
    write(
        "overlay/kustomization.yaml",
        """
        resources: [../base]
        configMapGenerator:
          - {name: conf, behavior: replace, files: [b=b.conf]}
        generatorOptions: {disableNameSuffixHash: true}
        """);
    write("overlay/b.conf", "b = 2\n");
    Map<String, Object> cm =
        Kustomize.find(Kustomize.build(tmp.resolve("overlay")), "ConfigMap", "conf");
    assertEquals(Map.of("b", "b = 2\n"), Tree.map(cm, "data"));
    assertEquals(Map.of("stage", "setup"), Tree.map(cm, "metadata", "labels"));
  }

  @Test
  void fieldsItDoesNotImplementFailTheBuild() throws IOException {
    write("k/kustomization.yaml", "resources: []\nnamePrefix: x-\n");
    assertThrows(UnsupportedOperationException.class, () -> Kustomize.build(tmp.resolve("k")));
  }

  private void write(String relative, String text) throws IOException {
    Path p = tmp.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private static Map<String, Map<String, Object>> byName(List<Map<String, Object>> resources) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Map<String, Object> r : resources) {
      String key =
          r.get("kind")
              + " "
              + Tree.string(r, "metadata", "namespace")
              + "/"
              + Tree.string(r, "metadata", "name");
      if (out.put(key, r) != null) {
        throw new AssertionError("two resources are " + key);
      }
    }
    return out;
  }

  /** {@code kubectl kustomize} or {@code kustomize build}, whichever is on the PATH. */
  private static Optional<List<String>> kustomizeCommand() {
    for (List<String> candidate :
        List.of(List.of("kubectl", "kustomize"), List.of("kustomize", "build"))) {
      for (String dir :
          System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, candidate.get(0)))) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
