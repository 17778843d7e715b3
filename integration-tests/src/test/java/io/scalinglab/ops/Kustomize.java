package io.scalinglab.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The part of {@code kustomize build} (kustomize v5, {@code kubectl kustomize}) that k8s/ uses, so
 * that the manifests can be checked as a cluster receives them on a machine without kustomize: no
 * Java library renders kustomizations.
 *
 * <p>Implemented: {@code resources} (files and kustomization folders), {@code configMapGenerator}
 * (files and literals; behaviors create, replace and merge) with {@code generatorOptions} labels,
 * annotations and {@code disableNameSuffixHash: true}, {@code patches} (strategic-merge patches
 * from a path or inline, matched by kind and name or by a {@code target} of kind and name), {@code
 * namespace} and {@code labels} (metadata labels only). A patch merges as kustomize merges custom
 * resources, which have no patch strategy: maps merge key by key, {@code null} deletes a key, any
 * other value, lists included, replaces. A field of a kustomization outside this list fails the
 * build, so the renderer cannot silently drift from kustomize; {@code KustomizeTest} compares it
 * with {@code kubectl kustomize} where that is installed.
 */
final class Kustomize {
  private static final Set<String> FIELDS =
      Set.of(
          "apiVersion",
          "kind",
          "namespace",
          "labels",
          "resources",
          "configMapGenerator",
          "generatorOptions",
          "patches");

  /** Kinds kustomize knows to be cluster-scoped, among those a project like this may hold. */
  private static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "Namespace",
          "ClusterRole",
          "ClusterRoleBinding",
          "CustomResourceDefinition",
          "PersistentVolume",
          "StorageClass",
          "PriorityClass");

  /**
   * API groups of custom resources: kustomize merges their lists by replacing them, as here. Lists
   * of built-in kinds merge by keys this renderer does not know.
   */
  private static final Set<String> CUSTOM_GROUPS =
      Set.of("sparkoperator.k8s.io", "scheduling.volcano.sh", "monitoring.coreos.com");

  private Kustomize() {}

  /** The resources the kustomization in {@code dir} renders, in the order it accumulates them. */
  static List<Map<String, Object>> build(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(dir + " holds no kustomization.yaml");
    }
    Map<String, Object> k = asMap(loadAll(read(file)).get(0), file);
    for (String field : k.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new UnsupportedOperationException(
            file + ": '" + field + "' is not implemented by this renderer (Kustomize.java)");
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object r : Tree.list(k, "resources")) {
      Path p = dir.resolve(r.toString()).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(build(p));
      } else {
        loadAll(read(p)).forEach(doc -> out.add(asMap(doc, p)));
      }
    }
    for (Object g : Tree.list(k, "configMapGenerator")) {
      generate(asMap(g, file), Tree.map(k, "generatorOptions"), dir, out);
    }
    for (Object p : Tree.list(k, "patches")) {
      patch(asMap(p, file), dir, out);
    }
    String namespace = Tree.string(k, "namespace");
    if (namespace != null) {
      out.forEach(r -> setNamespace(r, namespace));
    }
    for (Object l : Tree.list(k, "labels")) {
      Map<String, Object> labels = asMap(l, file);
      if (Boolean.TRUE.equals(labels.get("includeSelectors"))
          || Boolean.TRUE.equals(labels.get("includeTemplates"))
          || labels.containsKey("fields")) {
        throw new UnsupportedOperationException(
            file + ": labels reach metadata.labels only in this renderer");
      }
      out.forEach(r -> metadata(r, "labels").putAll(Tree.map(labels, "pairs")));
    }
    return out;
  }

  /** Parses every document of a YAML stream, skipping empty ones. */
  static List<Object> loadAll(String text) {
    List<Object> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      if (doc != null) {
        docs.add(doc);
      }
    }
    return docs;
  }

  /** The resource of {@code kind} named {@code name} in {@code resources}. */
  static Map<String, Object> find(List<Map<String, Object>> resources, String kind, String name) {
    return resources.stream()
        .filter(r -> kind.equals(r.get("kind")) && name.equals(Tree.string(r, "metadata", "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the render"));
  }

  private static void generate(
      Map<String, Object> g, Map<String, Object> options, Path dir, List<Map<String, Object>> out) {
    if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash"))
        || g.containsKey("options")
        || g.containsKey("envs")) {
      throw new UnsupportedOperationException(
          dir + ": configMapGenerator without disableNameSuffixHash, or with options or envs");
    }
    String name = Objects.requireNonNull(Tree.string(g, "name"), "configMapGenerator name");
    Map<String, Object> data = new LinkedHashMap<>();
    for (Object f : Tree.list(g, "files")) {
      String entry = f.toString();
      int eq = entry.indexOf('=');
      String path = eq < 0 ? entry : entry.substring(eq + 1);
      String key = eq < 0 ? Path.of(path).getFileName().toString() : entry.substring(0, eq);
      data.put(key, read(dir.resolve(path)));
    }
    for (Object l : Tree.list(g, "literals")) {
      String[] kv = l.toString().split("=", 2);
      data.put(kv[0], kv[1]);
    }
    String behavior = Objects.requireNonNullElse(Tree.string(g, "behavior"), "create");
    Map<String, Object> existing =
        out.stream()
            .filter(
                r ->
                    "ConfigMap".equals(r.get("kind"))
                        && name.equals(Tree.string(r, "metadata", "name")))
            .findFirst()
            .orElse(null);
    switch (behavior) {
      case "create" -> {
        if (existing != null) {
          throw new IllegalStateException(dir + ": ConfigMap " + name + " exists already");
        }
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        cm.put("metadata", meta);
        cm.put("data", data);
        existing = cm;
        out.add(cm);
      }
      case "replace", "merge" -> {
        if (existing == null) {
          throw new IllegalStateException(dir + ": no ConfigMap " + name + " to " + behavior);
        }
        if (behavior.equals("replace")) {
          existing.put("data", data);
        } else {
          Tree.map(existing, "data").putAll(data);
        }
      }
      default -> throw new IllegalArgumentException(dir + ": behavior " + behavior);
    }
    metadata(existing, "labels").putAll(Tree.map(options, "labels"));
    Map<String, Object> annotations = Tree.map(options, "annotations");
    if (!annotations.isEmpty()) {
      metadata(existing, "annotations").putAll(annotations);
    }
  }

  private static void patch(Map<String, Object> p, Path dir, List<Map<String, Object>> out) {
    String text =
        p.containsKey("path")
            ? read(dir.resolve(p.get("path").toString()))
            : (String) p.get("patch");
    Map<String, Object> target = Tree.map(p, "target");
    for (String key : target.keySet()) {
      if (!Set.of("kind", "name").contains(key)) {
        throw new UnsupportedOperationException(dir + ": patch target by " + key);
      }
    }
    for (Object doc : loadAll(text)) {
      Map<String, Object> body = asMap(doc, dir);
      String kind = target.isEmpty() ? (String) body.get("kind") : (String) target.get("kind");
      String name =
          target.isEmpty() ? Tree.string(body, "metadata", "name") : (String) target.get("name");
      List<Map<String, Object>> matches =
          out.stream()
              .filter(r -> kind == null || kind.equals(r.get("kind")))
              .filter(r -> name == null || Tree.string(r, "metadata", "name").matches(name))
              .toList();
      if (matches.isEmpty()) {
        throw new IllegalStateException(
            dir + ": a patch matches no resource: " + kind + " " + name);
      }
      Map<String, Object> merge = new LinkedHashMap<>(body);
      merge.remove("apiVersion");
      merge.remove("kind");
      Map<String, Object> meta = new LinkedHashMap<>(Tree.map(body, "metadata"));
      meta.remove("name");
      meta.remove("namespace");
      merge.put("metadata", meta);
      for (Map<String, Object> r : matches) {
        String apiVersion = Objects.toString(r.get("apiVersion"), "");
        String group = apiVersion.contains("/") ? apiVersion.split("/")[0] : "";
        if (!CUSTOM_GROUPS.contains(group) && containsList(merge)) {
          throw new UnsupportedOperationException(
              dir
                  + ": a list in a patch of built-in kind "
                  + r.get("kind")
                  + " needs strategic merge keys, which this renderer lacks");
        }
        mergeInto(r, merge);
      }
    }
  }

  /** Merges {@code patch} into {@code target} as a JSON merge patch (RFC 7386). */
  @SuppressWarnings("unchecked")
  static void mergeInto(Map<String, Object> target, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      if (e.getKey().startsWith("$")) {
        throw new UnsupportedOperationException("patch directive " + e.getKey());
      }
      Object value = e.getValue();
      Object current = target.get(e.getKey());
      if (value == null) {
        target.remove(e.getKey());
      } else if (value instanceof Map<?, ?> m && current instanceof Map<?, ?> c) {
        mergeInto((Map<String, Object>) c, (Map<String, Object>) m);
      } else if (value instanceof Map<?, ?> m) {
        Map<String, Object> fresh = new LinkedHashMap<>();
        mergeInto(fresh, (Map<String, Object>) m);
        target.put(e.getKey(), fresh);
      } else {
        target.put(e.getKey(), copy(value));
      }
    }
  }

  /** A deep copy of a parsed YAML value, so that resources patched alike share no lists. */
  @SuppressWarnings("unchecked")
  private static Object copy(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      mergeInto(out, (Map<String, Object>) m);
      return out;
    }
    if (value instanceof List<?> l) {
      return new ArrayList<>(l.stream().map(Kustomize::copy).toList());
    }
    return value;
  }

  private static void setNamespace(Map<String, Object> r, String namespace) {
    String kind = (String) r.get("kind");
    if ("Namespace".equals(kind)) {
      metadata(r, null).put("name", namespace);
      return;
    }
    if (CLUSTER_SCOPED.contains(kind)) {
      return;
    }
    metadata(r, null).put("namespace", namespace);
    if (kind.endsWith("RoleBinding")) {
      // kustomize's default for subjects: only service accounts of the "default" namespace move.
      for (Object s : Tree.list(r, "subjects")) {
        Map<String, Object> subject = asMap(s, Path.of(kind));
        Object ns = subject.get("namespace");
        if ("ServiceAccount".equals(subject.get("kind")) && (ns == null || "default".equals(ns))) {
          subject.put("namespace", namespace);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> r, String child) {
    Map<String, Object> meta =
        (Map<String, Object>) r.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    return child == null
        ? meta
        : (Map<String, Object>) meta.computeIfAbsent(child, k -> new LinkedHashMap<>());
  }

  private static boolean containsList(Object node) {
    if (node instanceof List<?>) {
      return true;
    }
    return node instanceof Map<?, ?> m && m.values().stream().anyMatch(Kustomize::containsList);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object doc, Path where) {
    if (doc instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException(where + ": expected a YAML mapping, got " + doc);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
