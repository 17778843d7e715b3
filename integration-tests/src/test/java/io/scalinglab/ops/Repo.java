package io.scalinglab.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checkout the tests run in, and the few facts about it the deployment files depend on. */
final class Repo {
  private static final Pattern PARENT_VERSION =
      Pattern.compile("<artifactId>scalinglab-parent</artifactId>\\s*<version>([^<]+)</version>");
  private static final Pattern MAIN_CLASS =
      Pattern.compile("<spark.main.class>([^<]+)</spark.main.class>");
  private static final Pattern ARTIFACT_ID =
      Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");

  private Repo() {}

  /** The repository root: integration-tests' parent folder. */
  static Path root() {
    return Path.of("").toAbsolutePath().getParent();
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project version, as the parent pom declares it. */
  static String version() {
    return find(PARENT_VERSION, read("pom.xml"), "pom.xml's version");
  }

  /** A job module's artifactId, from its pom. */
  static String artifactId(String module) {
    return find(ARTIFACT_ID, read(module + "/pom.xml"), module + "/pom.xml's artifactId");
  }

  /** The main class a job module's shaded jar declares ({@code spark.main.class} of its pom). */
  static String mainClass(String module) {
    return find(MAIN_CLASS, read(module + "/pom.xml"), module + "/pom.xml's spark.main.class");
  }

  /** bin/jvm-options: the JVM options of every JVM that hosts Spark. */
  static List<String> jvmOptions() {
    return read("bin/jvm-options")
        .lines()
        .map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  /** A file in spark-defaults.conf format ({@code key value}, {@code #} comments), in order. */
  static Map<String, String> sparkDefaults(String relative) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : read(relative).lines().toList()) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] kv = l.split("[\\s=]+", 2);
      if (kv.length != 2 || out.put(kv[0], kv[1].strip()) != null) {
        throw new AssertionError(relative + ": '" + line + "' is not a new 'key value' line");
      }
    }
    return out;
  }

  private static String find(Pattern p, String text, String what) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new AssertionError("no " + what);
    }
    return m.group(1).trim();
  }
}
