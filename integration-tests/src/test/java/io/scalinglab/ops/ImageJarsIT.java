package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.ops.Renders.App;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jars the images hold are the shaded jobs' jars the build made, and every Spark application of
 * every overlay names a main class that is inside the jar it runs: the check {@code
 * K8sManifestsTest} makes against the modules' classes, made against the packaged jars.
 */
class ImageJarsIT {
  @Test
  void everyApplicationsMainClassIsInTheJarItRuns() throws IOException {
    List<Path> overlays;
    try (Stream<Path> s = Renders.overlays()) {
      overlays = s.toList();
    }
    int checked = 0;
    for (Path overlay : overlays) {
      for (App app : Renders.apps(overlay)) {
        String inImage =
            Tree.string(app.spec(), "mainApplicationFile").substring("local://".length());
        String source = K8sManifestsTest.dockerfileOf(app).contextPathOf(inImage);
        assertNotNull(source, app + ": " + inImage);
        Path jar = packaged(Path.of(source).getFileName().toString());
        String mainClass = Tree.string(app.spec(), "mainClass");
        try (JarFile j = new JarFile(jar.toFile())) {
          assertEquals(
              mainClass,
              j.getManifest().getMainAttributes().getValue("Main-Class"),
              jar.toString());
          assertNotNull(
              j.getEntry(mainClass.replace('.', '/') + ".class"), mainClass + " in " + jar);
          assertTrue(
              j.getEntry("org/apache/spark/SparkContext.class") == null,
              "Spark is the cluster's, not in " + jar);
        }
        checked++;
      }
    }
    assertTrue(checked >= 4, "applications checked: " + checked);
  }

  /** The jar the build made under the name a Dockerfile copies it from. */
  private static Path packaged(String name) {
    Path dir = Path.of(System.getProperty("scalinglab.it.job-jars", "target/job-jars"));
    Path jar = dir.resolve(name);
    if (!Files.isRegularFile(jar)) {
      throw new UncheckedIOException(
          new IOException(jar + " is missing: the integration tests run after mvn package"));
    }
    return jar;
  }
}
