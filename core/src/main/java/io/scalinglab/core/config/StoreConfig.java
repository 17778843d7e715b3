package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.Objects;

/**
 * Where the results store lives ({@code store} in reference.conf).
 *
 * @param root a Hadoop FileSystem URI ({@code hdfs://namenode:8020/scalinglab}, {@code
 *     file:///data/scalinglab}) or a local path, taken against the working directory
 */
public record StoreConfig(String root) {
  static final String ROOT = "store.root";
  static final Check<String> ROOT_CHECK = Check.nonEmpty();

  public StoreConfig {
    ROOT_CHECK.require(ROOT, Objects.requireNonNull(root, "root"));
  }

  /** The {@code store} section of {@code config}, layered on reference.conf. */
  public static StoreConfig fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code store} section, read through {@code settings}. */
  public static StoreConfig from(Settings settings) {
    return new StoreConfig(settings.string(ROOT, ROOT_CHECK));
  }
}
