package io.scalinglab.core.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an artifact was made: the store format version, the scalinglab build and git commit, the Java
 * runtime and platform, when, the seeds and the fully resolved config. Every artifact carries one
 * (see {@link Manifests#withProvenance}) so a result can be traced to, and replayed from, what
 * produced it, as Tribuo's provenance does for models.
 *
 * @param formatVersion the layout version of the store's files, {@link #FORMAT_VERSION} when
 *     written by this build
 * @param createdAt an ISO-8601 UTC instant, millisecond precision
 * @param seeds every seed that was used, by name; kept sorted by name
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Provenance(
    int formatVersion,
    String scalinglabVersion,
    String gitCommit,
    String javaVersion,
    String osArch,
    String osName,
    String createdAt,
    Map<String, Long> seeds,
    JsonNode resolvedConfig) {

  /** The version of the store's file layout; raise it when a reader of old files would break. */
  public static final int FORMAT_VERSION = 1;

  /** The system property that names the git commit the build came from. */
  public static final String GIT_COMMIT_PROPERTY = "scalinglab.git.commit";

  /** The environment variable read when {@link #GIT_COMMIT_PROPERTY} is not set. */
  public static final String GIT_COMMIT_ENV = "SCALINGLAB_GIT_COMMIT";

  /** Checks that nothing is null and makes {@code seeds} an immutable, name-sorted copy. */
  public Provenance {
    requireNonNull(scalinglabVersion, "scalinglabVersion");
    requireNonNull(gitCommit, "gitCommit");
    requireNonNull(javaVersion, "javaVersion");
    requireNonNull(osArch, "osArch");
    requireNonNull(osName, "osName");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(seeds, "seeds");
    requireNonNull(resolvedConfig, "resolvedConfig");
    seeds.forEach((k, v) -> requireNonNull(v, () -> "seed " + k));
    seeds = Collections.unmodifiableMap(new TreeMap<>(seeds));
  }

  /**
   * The provenance of an artifact made now, in this JVM.
   *
   * <p>The git commit comes from the system property {@value #GIT_COMMIT_PROPERTY}, else the
   * environment variable {@value #GIT_COMMIT_ENV}, else is {@code "unknown"}; the launcher and the
   * Docker images set them. The version is the {@code Implementation-Version} of the jar this class
   * was loaded from, or {@code "dev"} when run from classes (tests, an IDE).
   *
   * @param resolvedConfigJson the resolved config as JSON
   * @throws IllegalArgumentException if {@code resolvedConfigJson} is not JSON
   */
  public static Provenance capture(String resolvedConfigJson, Map<String, Long> seeds) {
    requireNonNull(resolvedConfigJson, "resolvedConfigJson");
    requireNonNull(seeds, "seeds");
    JsonNode config;
    try {
      config = Json.MAPPER.readTree(resolvedConfigJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "resolvedConfigJson is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return new Provenance(
        FORMAT_VERSION,
        jarVersion(),
        currentGitCommit(),
        System.getProperty("java.version", "unknown"),
        System.getProperty("os.arch", "unknown"),
        System.getProperty("os.name", "unknown"),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
        seeds,
        config);
  }

  private static String jarVersion() {
    String v = Provenance.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
  }

  private static String currentGitCommit() {
    String v = System.getProperty(GIT_COMMIT_PROPERTY);
    if (v == null || v.isBlank()) {
      v = System.getenv(GIT_COMMIT_ENV);
    }
    return v == null || v.isBlank() ? "unknown" : v.strip();
  }
}
