package io.scalinglab.cli;

import io.scalinglab.core.error.InputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the scalinglab checkout is: its {@code configs/} folder and the demo corpora jars that the
 * build fetched. {@code bin/scalinglab} passes {@code -Dscalinglab.home}; without it the working
 * directory and its parents are searched.
 */
final class Home {
  private Home() {}

  static Path root() {
    String prop = System.getProperty("scalinglab.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("configs/datasets"))) {
        return p;
      }
    }
    throw InputException.of(
        Path.of("").toAbsolutePath().toString(),
        "no scalinglab checkout (a folder with configs/datasets) here or above",
        "Run bin/scalinglab from the checkout, or pass -Dscalinglab.home=/path/to/scalinglab");
  }

  static Path config(String relative) {
    Path p = root().resolve("configs").resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw InputException.of(p.toString(), "config file missing", "Restore it from git");
    }
    return p;
  }

  /** The folder holding the jars the demo's corpora come from. */
  static Path demoJars() {
    String prop = System.getProperty("scalinglab.demo.jars");
    Path dir =
        prop != null && !prop.isBlank() ? Path.of(prop) : root().resolve("cli/target/demo-corpora");
    if (!Files.isDirectory(dir)) {
      throw InputException.of(
          dir.toString(),
          "the demo corpora jars are missing",
          "Build first: mvn -DskipTests package (bin/scalinglab does this for you)");
    }
    return dir;
  }
}
