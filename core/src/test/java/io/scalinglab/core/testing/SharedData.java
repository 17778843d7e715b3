package io.scalinglab.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the team's {@code shared/} folder (real corpus samples, published scaling numbers) that
 * sits beside the project checkout. Only tests use it; the product never does.
 */
public final class SharedData {
  private SharedData() {}

  /** The {@code shared/} folder beside the checkout, found by walking up from the working dir. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared");
      if (Files.isDirectory(candidate.resolve("corpora"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no shared/ folder with corpora/ found beside any parent of "
            + dir
            + ": the tests expect the team's shared/ folder next to the project checkout");
  }

  /** A file or folder inside {@code shared/}, which must exist. */
  public static Path path(String relative) {
    Path p = root().resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("shared data missing: " + p);
    }
    return p;
  }
}
