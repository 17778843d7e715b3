package io.scalinglab.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The overlays under k8s/overlays, rendered by {@code kubectl kustomize} once per test JVM, and
 * what their renders hold.
 */
final class Renders {
  private static final Map<Path, List<Map<String, Object>>> CACHE = new ConcurrentHashMap<>();

  /**
   * The Spark application specs of a render: each SparkApplication's {@code spec} and each
   * ScheduledSparkApplication's {@code spec.template}, under the resource's name.
   */
  record App(String name, String kind, Map<String, Object> spec, Map<String, Object> resource) {
    Map<String, Object> role(String role) {
      return Tree.map(spec, role);
    }

    @Override
    public String toString() {
      return kind + " " + name;
    }
  }

  private Renders() {}

  /** Every overlay folder under k8s/overlays. */
  static Stream<Path> overlays() throws IOException {
    try (Stream<Path> dirs = Files.list(Repo.path("k8s/overlays"))) {
      List<Path> all = dirs.filter(Files::isDirectory).sorted().toList();
      if (all.isEmpty()) {
        throw new AssertionError("no overlays under k8s/overlays");
      }
      return all.stream();
    }
  }

  /** The resources {@code overlay} renders (a shared list: do not change it). */
  static List<Map<String, Object>> render(Path overlay) {
    return CACHE.computeIfAbsent(overlay, Kubectl::kustomize);
  }

  /** The resource of {@code kind} named {@code name} that {@code overlay} renders. */
  static Map<String, Object> find(Path overlay, String kind, String name) {
    return render(overlay).stream()
        .filter(r -> kind.equals(r.get("kind")) && name.equals(Tree.string(r, "metadata", "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + overlay));
  }

  static List<Map<String, Object>> ofKind(Path overlay, String kind) {
    return render(overlay).stream().filter(r -> kind.equals(r.get("kind"))).toList();
  }

  static List<App> apps(Path overlay) {
    List<App> out = new ArrayList<>();
    for (Map<String, Object> r : render(overlay)) {
      String name = Tree.string(r, "metadata", "name");
      if ("SparkApplication".equals(r.get("kind"))) {
        out.add(new App(name, "SparkApplication", Tree.map(r, "spec"), r));
      } else if ("ScheduledSparkApplication".equals(r.get("kind"))) {
        out.add(new App(name, "ScheduledSparkApplication", Tree.map(r, "spec", "template"), r));
      }
    }
    if (out.isEmpty()) {
      throw new AssertionError(overlay + " renders no Spark application");
    }
    return out;
  }
}
