package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The launcher and the test JVMs must open the same JDK internals to Spark. */
class JvmOptionsTest {
  @Test
  void launcherOptionsEqualThePomsList() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    String pom = Files.readString(root.resolve("pom.xml"));
    Matcher m = Pattern.compile("<spark.jvm.options>([^<]*)</spark.jvm.options>").matcher(pom);
    m.find();
    List<String> fromPom = Arrays.asList(m.group(1).trim().split("\\s+"));
    List<String> fromLauncher =
        Files.readAllLines(root.resolve("bin/jvm-options")).stream()
            .map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertEquals(fromPom, fromLauncher);
  }
}
