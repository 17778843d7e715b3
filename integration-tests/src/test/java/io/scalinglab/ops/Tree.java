package io.scalinglab.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads parsed YAML or JSON trees (maps, lists, scalars) by path. */
final class Tree {
  private Tree() {}

  /** Every document of a YAML stream, empty ones left out. */
  static List<Object> yaml(String text) {
    List<Object> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      if (doc != null) {
        docs.add(doc);
      }
    }
    return docs;
  }

  /** The value at {@code path} (map keys; list indexes as numbers), or null where it is absent. */
  static Object at(Object root, Object... path) {
    Object node = root;
    for (Object step : path) {
      if (node instanceof Map<?, ?> m && step instanceof String key) {
        node = m.get(key);
      } else if (node instanceof List<?> l && step instanceof Integer i && i < l.size()) {
        node = l.get(i);
      } else {
        return null;
      }
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object root, Object... path) {
    Object node = at(root, path);
    return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object root, Object... path) {
    Object node = at(root, path);
    return node instanceof List<?> l ? (List<Object>) l : List.of();
  }

  static String string(Object root, Object... path) {
    Object node = at(root, path);
    return node == null ? null : node.toString();
  }
}
