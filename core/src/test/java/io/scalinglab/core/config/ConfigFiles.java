package io.scalinglab.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helpers: config files written into a temporary folder, and loading them. */
final class ConfigFiles {
  private ConfigFiles() {}

  /** Writes {@code lines} to {@code dir/name} (folders created), one per line, and returns it. */
  static Path write(Path dir, String name, String... lines) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, String.join("\n", lines) + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads {@code files} in order with {@code overrides} on top. */
  static ScalinglabConfig load(List<Path> files, String... overrides) {
    return ScalinglabConfig.load(files, List.of(overrides));
  }

  /** Loads reference.conf with {@code overrides} on top. */
  static ScalinglabConfig overrides(String... overrides) {
    return ScalinglabConfig.load(List.of(), List.of(overrides));
  }
}
