package io.scalinglab.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * scalinglab's {@code reference.conf}: every key with its default, and the shape the user layers
 * are checked against.
 *
 * <p>Only our top-level sections count (the keys of the reference.conf that ships beside this
 * class); what other libraries declare in their own reference.conf is dropped. An empty object in
 * reference.conf ({@code spark.conf {}}) is an open map: its keys are free-form and not checked,
 * and it counts as one leaf path.
 */
public final class ReferenceConfig {
  private static final String RESOURCE = "reference.conf";

  private final Config config;
  private final List<String> sections;
  private final SortedSet<String> leaves = new TreeSet<>();
  private final Set<String> openMaps = new TreeSet<>();
  private final Set<String> objects = new TreeSet<>();

  private ReferenceConfig(Config config) {
    this.config = config;
    this.sections = List.copyOf(new TreeSet<>(config.root().keySet()));
    walk(config.root(), List.of());
  }

  /** The reference config on this class's class path, loaded once. */
  public static ReferenceConfig get() {
    return Holder.INSTANCE;
  }

  /** A reference built from {@code config} as given; for tests of the checks themselves. */
  static ReferenceConfig of(Config config) {
    return new ReferenceConfig(Hocon.resolve(config));
  }

  /** The defaults of every key, our sections only. */
  public Config config() {
    return config;
  }

  /** Our top-level sections ({@code dataset}, {@code spark}, {@code store}, ...), sorted. */
  public List<String> sections() {
    return sections;
  }

  /** Every leaf path (values, lists and open maps), sorted. */
  public SortedSet<String> leafPaths() {
    return Collections.unmodifiableSortedSet(leaves);
  }

  /** The leaf paths at or under {@code prefix} (a section such as {@code dataset.source}). */
  public SortedSet<String> leafPaths(String prefix) {
    SortedSet<String> result = new TreeSet<>();
    for (String leaf : leaves) {
      if (leaf.equals(prefix) || leaf.startsWith(prefix + ".")) {
        result.add(leaf);
      }
    }
    return Collections.unmodifiableSortedSet(result);
  }

  /** Whether {@code path} is an open map, whose keys are free-form. */
  public boolean isOpenMap(String path) {
    return openMaps.contains(path);
  }

  /** The open maps, sorted. */
  Set<String> openMaps() {
    return Collections.unmodifiableSet(openMaps);
  }

  /** Whether {@code path} is a section holding further keys (not an open map). */
  boolean isSection(String path) {
    return objects.contains(path);
  }

  /** Whether {@code path} is a declared value, list or open map. */
  boolean isLeaf(String path) {
    return leaves.contains(path);
  }

  /** {@code config} with every top-level key that is not one of our sections removed. */
  Config restrict(Config config) {
    ConfigObject root = config.root();
    for (String key : root.keySet()) {
      if (!sections.contains(key)) {
        root = root.withoutKey(key);
      }
    }
    return root.toConfig();
  }

  private void walk(ConfigObject object, List<String> prefix) {
    for (String key : object.keySet()) {
      List<String> keys = new ArrayList<>(prefix);
      keys.add(key);
      String path = ConfigUtil.joinPath(keys);
      ConfigValue value = object.get(key);
      if (value instanceof ConfigObject child && !child.isEmpty()) {
        objects.add(path);
        walk(child, keys);
      } else {
        if (value instanceof ConfigObject) {
          openMaps.add(path);
        }
        leaves.add(path);
      }
    }
  }

  private static ReferenceConfig load() {
    ClassLoader loader = ReferenceConfig.class.getClassLoader();
    Config all = ConfigFactory.parseResources(loader, RESOURCE);
    Set<String> ours = ConfigFactory.parseURL(ownReference(loader)).root().keySet();
    ConfigObject root = all.root();
    for (String key : root.keySet()) {
      if (!ours.contains(key)) {
        root = root.withoutKey(key);
      }
    }
    return new ReferenceConfig(Hocon.resolve(root.toConfig()));
  }

  /**
   * The reference.conf in the same jar or classes folder as this class. Several may be on the class
   * path, and parseResources merges them all; this one says which sections are ours.
   */
  private static URL ownReference(ClassLoader loader) {
    CodeSource source = ReferenceConfig.class.getProtectionDomain().getCodeSource();
    try {
      if (source != null && source.getLocation() != null) {
        String location = source.getLocation().toString();
        Enumeration<URL> urls = loader.getResources(RESOURCE);
        while (urls.hasMoreElements()) {
          URL url = urls.nextElement();
          String s = url.toString();
          if (s.startsWith(location) || s.startsWith("jar:" + location + "!/")) {
            return url;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + RESOURCE + " on the class path", e);
    }
    URL first = loader.getResource(RESOURCE);
    if (first == null) {
      throw new IllegalStateException(RESOURCE + " of scalinglab-core is not on the class path");
    }
    return first;
  }

  private static final class Holder {
    static final ReferenceConfig INSTANCE = load();
  }
}
