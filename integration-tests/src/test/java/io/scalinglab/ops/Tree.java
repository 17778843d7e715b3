package io.scalinglab.ops;

import java.util.List;
import java.util.Map;

/** Reads parsed YAML or JSON trees (maps, lists, scalars) by path. */
final class Tree {
  private Tree() {}

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
