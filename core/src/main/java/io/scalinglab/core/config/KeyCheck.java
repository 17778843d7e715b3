package io.scalinglab.core.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import io.scalinglab.core.error.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The check that every key a user set is declared in reference.conf. It runs over the merged
 * config, where each value still carries the file and line (or {@code --set}) it came from, and
 * reports every unknown key at once with the closest declared key.
 */
final class KeyCheck {
  private KeyCheck() {}

  /** Fails listing every unknown key and every value set where a section was expected. */
  static void check(ConfigObject merged, ReferenceConfig reference) {
    List<String> problems = new ArrayList<>();
    walk(merged, List.of(), reference, problems);
    if (problems.isEmpty()) {
      return;
    }
    String hint = "Every valid key is declared, with its meaning, in scalinglab's reference.conf.";
    if (problems.size() == 1) {
      throw new ConfigException(problems.get(0) + ". " + hint);
    }
    StringBuilder message = new StringBuilder(problems.size() + " config errors:");
    for (String problem : problems) {
      message.append("\n  - ").append(problem);
    }
    throw new ConfigException(message.append('\n').append(hint).toString());
  }

  /**
   * The declared key nearest to {@code path} by {@link Closest#nameDistance}: edit distance over
   * the full dotted path, where hyphenated words also match their initials.
   */
  static String closest(String path, ReferenceConfig reference) {
    List<String> keys = ConfigUtil.splitPath(path);
    List<String> candidates = new ArrayList<>(reference.leafPaths());
    // Under an open map any key is valid, so `spark.cnf."x"` is nearest to `spark.conf."x"`.
    for (String map : reference.openMaps()) {
      int depth = ConfigUtil.splitPath(map).size();
      if (keys.size() > depth) {
        candidates.add(map + "." + ConfigUtil.joinPath(keys.subList(depth, keys.size())));
      }
    }
    return Closest.nearest(path, candidates).name();
  }

  static int distance(String a, String b) {
    return Closest.distance(a, b);
  }

  private static void walk(
      ConfigObject object, List<String> prefix, ReferenceConfig reference, List<String> problems) {
    for (String key : new TreeSet<>(object.keySet())) {
      List<String> keys = append(prefix, key);
      String path = ConfigUtil.joinPath(keys);
      ConfigValue value = object.get(key);
      if (reference.isOpenMap(path) || reference.isLeaf(path)) {
        continue; // Settings checks the value's type when the record reads it
      }
      if (reference.isSection(path)) {
        if (value instanceof ConfigObject child) {
          walk(child, keys, reference, problems);
        } else {
          problems.add(
              Settings.invalid(
                  Hocon.render(value),
                  path,
                  "must be a section of settings ({ ... }), not "
                      + Hocon.typeName(value.valueType()),
                  Hocon.where(value.origin())));
        }
        continue;
      }
      unknown(value, keys, reference, problems);
    }
  }

  /** Reports an unknown key; an unknown section is reported by its leaves, each with a hint. */
  private static void unknown(
      ConfigValue value, List<String> keys, ReferenceConfig reference, List<String> problems) {
    if (value instanceof ConfigObject object && !object.isEmpty()) {
      for (String key : new TreeSet<>(object.keySet())) {
        unknown(object.get(key), append(keys, key), reference, problems);
      }
      return;
    }
    String path = ConfigUtil.joinPath(keys);
    String problem =
        "unknown key "
            + path
            + " ("
            + Hocon.where(value.origin())
            + "); the closest valid key is "
            + closest(path, reference);
    if (!reference.sections().contains(keys.get(0))) {
      problem += " (the sections are " + String.join(", ", reference.sections()) + ")";
    }
    problems.add(problem);
  }

  private static List<String> append(List<String> prefix, String key) {
    List<String> keys = new ArrayList<>(prefix);
    keys.add(key);
    return keys;
  }
}
